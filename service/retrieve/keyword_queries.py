"""Search-box queries as the questions they stand for.

Newsroom tools and readers type "2015 Rugby World Cup winner" or "JWST launch date" as often as a question.
The judge reads the kind of answer wanted from the question's form ("Who won ...?" wants a person or a team,
"When ...?" a date), and counts the query's last noun ("winner", "location") as a word the passage must say.
So the keyword forms that lose most by it are rewritten into the question they mean before anything is
retrieved or judged.
"""

from __future__ import annotations

import re

from service.judge.answerability import QUESTION_WORDS

# A query that already reads as a question is left alone.
_QUESTION_OPENING = re.compile(
    rf"^\s*(?:{'|'.join(sorted(QUESTION_WORDS))}|is|are|was|were|did|does|do|can|could|will|would|has|have|"
    r"had|should|in|on|at|for|by|from|to|tell|list|name|give|show|explain|describe)\b",
    re.IGNORECASE,
)
_MAX_WORDS = 10

# Events a date query asks about.
_EVENTS = (
    "fire", "attack", "election", "vote", "referendum", "summit", "final", "death", "birth", "wedding",
    "crash", "earthquake", "shooting", "bombing", "deal", "inauguration", "ceremony", "match", "race",
    "landing", "launch", "funeral", "trial", "storm", "hurricane", "flood", "coup", "strike", "explosion",
)  # fmt: skip
# (how the rest of the query must end, the query's last words, the question they stand for; {x} is the rest).
# Only forms whose rewrite was measured to help: "Apple Vision Pro price" and "Windows 11 release date" were
# answered as typed, and lost as "How much did ... cost?" and "When was ... released?" (the snippets say
# "starting at" and "rolling out").
_FORMS = (
    ("", r"winners?", "Who won the {x}?"),
    ("", r"location|venue|host\s+(?:city|country|nation)", "Where was the {x}?"),  # a "host" presents a show
    # The date of an event, not "Rihanna dates" nor "Stranger Things 5 air date".
    (rf"\b(?:{'|'.join(_EVENTS)})", r"dates?", "When was the {x}?"),
)
_KEYWORD_FORMS = tuple(
    (re.compile(rf"^\s*(?P<x>\S.*?{tail})\s+(?:{ending})\s*\.?\s*$", re.IGNORECASE), question)
    for tail, ending, question in _FORMS
)


def as_question(query: str) -> str:
    """The question a keyword query stands for ("Super Bowl 2021 location" -> "Where was the Super Bowl
    2021?"); a question, or a query of no known form, unchanged."""
    if "?" in query or _QUESTION_OPENING.match(query) or len(query.split()) > _MAX_WORDS:
        return query
    for form, question in _KEYWORD_FORMS:
        found = form.match(query)
        if found is not None:
            subject = re.sub(r"^(?:the|The)\b\s*", "", found.group("x").strip())
            # A named event ("2015 Rugby World Cup", "Illinois primary"), not "defending" or "the".
            if len(subject.split()) < 2 or not re.search(r"[A-Z0-9]", subject):
                return query
            if subject.endswith(("'s", "’s")):
                subject += " title"  # "Wimbledon 2022 men's winner": who won the men's title
            return question.format(x=subject)
    return query
