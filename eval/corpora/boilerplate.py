"""Page furniture the news corpus' scraper kept inside article texts, found by reading the real rows.

Each pattern is named so the converter can count the articles it touched. Only furniture that is never article
text is removed: share widgets, newsletter offers, reader call-outs, print-edition stamps, source lines, the
opinion disclaimer. Al Jazeera's inline ``READ MORE: <headline>`` links stay: the headline runs into the next
sentence with nothing to mark where it ends.
"""

from __future__ import annotations

import re

# Removed wherever they occur.
INLINE: dict[str, re.Pattern[str]] = {
    "DW share buttons": re.compile(
        r"Send Facebook Twitter Google\+ Whatsapp Tumblr linkedin stumble Digg reddit Newsvine Permalink"
        r"(?: https?://dw\.com/p/\w+)?"
    ),
    "BBC video placeholder": re.compile(
        r"(?:Share this with\s+)?Media playback is "
        r"(?:not supported on this device|unsupported on your device)"
    ),
    "BBC share button": re.compile(r"\bShare this with(?=\s)"),
    "HuffPost comic footer": re.compile(r"Updated every \w+day\s+Copyright @\d{4} RollingStory Inc\."),
}

# A sentence-sized piece of furniture anchored at the end, with a word it cannot match without; removed again
# and again until none is left. Looked for only when the word is in the text's last TAIL_WINDOW characters:
# a pattern ending in "$" tried from every position of a long article is slow.
_SENTENCE_START = r"(?:(?<=[.!?\"'\-—:)])\s+|^\s*)"
TAIL_WINDOW = 2_000
TRAILING: dict[str, tuple[str, re.Pattern[str]]] = {
    "HuffPost newsletter offer": (
        "Learn more",
        re.compile(
            _SENTENCE_START
            + r"(?:Do you have information you want to share with the Huffington Post\?|Share this slide:"
            r"|How will (?:Donald )?Trump's (?:first 100 days|administration) impact (?:you|YOU)\?"
            r"|(?:The )?(?:HuffPost|Huffington Post)(?:'s)? [\w ]{0,30}(?:is|offers|email|newsletter)\b"
            r"|(?:The )?Morning Email\b|Start your workday\b|Start here, with the latest\b|Sign up for\b"
            r"|Don't (?:be the last|miss out)\b|Subscribe, choose\b|We'?r?e? basically your best friend"
            r"|THE spot for\b|Stay plugged in\b|Read THIS\b|Step into the world of weird news"
            r"|Never miss a beat"
            r"|Get exclusive interviews\b|The truth is stranger than fiction|Level up\.|You'?r?e? welcome\."
            r"|We'?r?e? spilling the tea)"
            r".{0,700}?Learn more\s*$",
            re.DOTALL,
        ),
    ),
    "HuffPost 'Learn more'": ("Learn more", re.compile(r"\s*Learn more\s*$")),
    "source line": ("Source:", re.compile(r"\s*Source:\s*-?\s*[A-Z][\w ,&.'-]{0,60}$")),
    "opinion disclaimer": (
        "editorial policy",
        re.compile(
            r"\s*The views expressed in this article are the author's own and do not necessarily reflect "
            r"Al Jazeera's editorial policy\.?$"
        ),
    ),
    "print-edition stamp": (
        "China Daily",
        re.compile(r"\s*\(China Daily(?: European Weekly)? \d\d/\d\d/\d{4} page\s*\d+\)$"),
    ),
    "BBC reader call-out": (
        "haveyoursay@",
        re.compile(
            _SENTENCE_START + r"(?:[^.!?\n]{0,200}\?\s+)?[^.!?\n]{0,200}haveyoursay@bbc\.co\.uk.{0,600}$",
            re.DOTALL,
        ),
    ),
    "BBC follow-us footer": (
        "Follow us on",
        re.compile(_SENTENCE_START + r"Follow us on (?:Twitter|Facebook)\b.{0,300}$"),
    ),
    "BBC Get Inspired footer": (
        "getinspired",
        re.compile(
            r"\s*(?:Run by the BBC and partners.{0,400}?)?For more ideas, information and inspiration, "
            r"visit bbc\.co\.uk/getinspired\.?$",
            re.DOTALL,
        ),
    ),
    "TASS press-review disclaimer": (
        "press reviews",
        re.compile(r"\s*TASS is not responsible for the material quoted in the[\s-]press reviews\.?$"),
    ),
    "'View Comments'": ("View Comments", re.compile(r"\s*View Comments$")),
    "stray dash": ("-", re.compile(r"(?:\s*-)+$")),
}
_SPACE_RUN = re.compile(r"[ \t]{2,}")


def strip_boilerplate(text: str) -> tuple[str, list[str]]:
    """The text without furniture, and the names of the patterns that removed something."""
    removed: list[str] = []
    for name, pattern in INLINE.items():
        text, count = pattern.subn("", text)
        if count:
            removed.append(name)
    text = _SPACE_RUN.sub(" ", text).strip()
    changed = True
    while changed:
        changed = False
        tail_start = max(0, len(text) - TAIL_WINDOW)
        for name, (marker, pattern) in TRAILING.items():
            if marker not in text[tail_start:]:
                continue
            match = pattern.search(text, tail_start)
            if match is not None:
                text, changed = text[: match.start()].rstrip(), True
                if name not in removed:
                    removed.append(name)
    return text, removed
