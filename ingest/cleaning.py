"""Turn a loaded article body into the reference text we index: normalised, without page boilerplate.

Boilerplate is removed at paragraph level, so whatever survives is verbatim article text. Two kinds:
*section starts* ("Leave a Reply", "COMMENTS", "If you experience technical problems") open the comment or
footer area, so they and everything after them go; *stray paragraphs* (subscription offers, share buttons,
photo credits) go alone, because article text may follow them.
"""

from __future__ import annotations

import re
import unicodedata

PARAGRAPH_BREAK = "\n\n"

# Control characters other than newline and tab, zero-width characters, the byte-order mark, and lone
# surrogates (JSON's "\ud800" decodes to one; it is not Unicode text and no encoder or tokenizer takes it).
_INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u2060\ufeff"
    r"\ud800-\udfff]"
)
_HORIZONTAL_SPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n")

# Paragraphs that open the comments / footer area: nothing after them is article text.
_SECTION_STARTS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^leave a (reply|comment)\b",
        r"^(\d+\s+)?comments?:?$",
        r"^comments are closed\b",
        r"^(show|view|load|read) (all )?(\d+ )?comments\b",
        r"^join the (conversation|discussion)\b",
        r"^if you experience technical problems\b",
        r"^(please )?let us know if you('re| are) having (issues|problems|trouble) with comment",
        r"^this site uses akismet\b",
        r"^you must be logged in to post a comment\b",
        r"^(related|recommended|more) (articles|stories|posts|coverage|from)\b.{0,40}$",
        r"^(you may|you might) also like\b",
        r"^(share|tweet) this( (article|story|post))?:?$",
    )
]

# Single paragraphs that are not article text; the article may continue after them.
_STRAY_PARAGRAPHS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^special (deal|offer)\b",
        r"^get \d+ issues\b",
        r"^subscribe (now|today|to (our|the))\b",
        r"\bsubscribe to our (award-winning )?(print |digital )?(magazine|newsletter|podcast|channel)\b",
        r"^sign up for (our|the) .{0,60}newsletter\b",
        r"^(click|tap) here\b",
        r"^follow us on\b",
        r"^advertisement$",
        r"^(story continues|article continues) (below|after)\b",
        r"^(©|copyright \d{4}|\(c\) \d{4})",
        r"\ball rights reserved\.?$",
        r"^(read more|continue reading|more:)\s*$",
        r"^(share|tweet|email|print|facebook|twitter|linkedin|whatsapp)(\s*[|/·]\s*\w+)*$",
        r"^(we use|this (site|website) uses) cookies\b",
        r"^(please )?(enable|turn on) javascript\b",
    )
]

# "Richard Trumka / AP", "JIM WATSON/AFP/GettyImages", "(Karen Murphy/ Flickr)".
_PHOTO_CREDIT = re.compile(
    r"^\(?[\w .'’-]{0,40}\s*/\s*(AP|AFP|Getty\s*Images|GettyImages|Reuters|Flickr|EPA|Bloomberg|"
    r"Shutterstock|Associated Press|Xinhua|Alamy|Wikimedia( Commons)?)(\s*/\s*[\w .-]+)*\)?$",
    re.IGNORECASE,
)


# A photo credit in parentheses closing a caption: "... of the union's members. (Karen Murphy/ Flickr)".
_TRAILING_CREDIT = re.compile(
    r"(\s*\([\w .'’-]{0,40}/\s*"
    r"(AP|AFP|Getty\s*Images|Reuters|Flickr|EPA|Bloomberg|Shutterstock|Wikimedia)\))+$",  # one or more
    re.IGNORECASE,
)


def normalize_text(text: str) -> str:
    """Unicode NFC, no invisible characters, single spaces, one paragraph per block, blank-line separated.

    A block of consecutive lines is either hard-wrapped prose (joined into one paragraph) or a stack of
    short separate lines such as subtitle / photo credit / dateline (each its own paragraph).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Invisible characters out before composing: "e", zero-width space, combining acute must become "é".
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    lines = [_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split("\n".join(lines)):
        # Photo credits go line by line, before they can be glued to the caption above them.
        block_lines = [line for line in block.split("\n") if line and not _PHOTO_CREDIT.match(line)]
        if looks_hard_wrapped(block_lines):
            paragraphs.append(" ".join(block_lines))
        else:
            paragraphs.extend(block_lines)
    return PARAGRAPH_BREAK.join(paragraphs)


def looks_hard_wrapped(lines: list[str]) -> bool:
    """Lines of prose broken at a fixed width: all but the last are long and of similar length."""
    if len(lines) < 2:
        return False
    widths = [len(line) for line in lines[:-1]]
    return min(widths) >= 40 and max(widths) <= 120 and min(widths) >= 0.6 * max(len(line) for line in lines)


def split_paragraphs(text: str) -> list[str]:
    return [p for p in text.split(PARAGRAPH_BREAK) if p.strip()]


def is_section_start(paragraph: str) -> bool:
    first_line = paragraph.split("\n", 1)[0].strip()
    return any(p.search(first_line) for p in _SECTION_STARTS)


def is_stray_boilerplate(paragraph: str) -> bool:
    flat = " ".join(paragraph.split())
    if _PHOTO_CREDIT.match(flat):
        return True
    # Long paragraphs are prose that merely mentions subscribing; offers and buttons are short.
    return len(flat.split()) <= 60 and any(p.search(flat) for p in _STRAY_PARAGRAPHS)


def remove_boilerplate(text: str) -> str:
    """Drop the comment/footer area and stray non-article paragraphs from normalised text."""
    kept: list[str] = []
    for paragraph in split_paragraphs(text):
        # Credits first: "COMMENTS (Jane Doe/AP)" must be judged as the "COMMENTS" a second pass would see.
        paragraph = _TRAILING_CREDIT.sub("", paragraph)
        if is_section_start(paragraph):
            break
        if paragraph and not is_stray_boilerplate(paragraph):
            kept.append(paragraph)
    return PARAGRAPH_BREAK.join(kept)


def clean_article(body: str) -> str:
    """The reference text of an article: normalised, boilerplate removed."""
    return remove_boilerplate(normalize_text(body))
