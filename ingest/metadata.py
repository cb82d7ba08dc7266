"""Publication date and byline, read from the head of an article where it states them."""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as date_parser

from ingest.cleaning import split_paragraphs

# How many leading paragraphs can hold a dateline or byline (title, subtitle, credit, date, byline).
HEAD_PARAGRAPHS = 6

_MONTH = (
    r"(Jan(uary)?|Feb(ruary)?|Mar(ch)?|Apr(il)?|May|June?|July?|Aug(ust)?|Sep(t(ember)?)?|Oct(ober)?|"
    r"Nov(ember)?|Dec(ember)?)\.?"
)
_DATELINE = re.compile(
    rf"^((published|updated|posted)( on)?:?\s+)?"
    rf"((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?P<date>{_MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"([ ,]+(at\s+)?\d{{1,2}}[:.]\d{{2}}\s*([ap]\.?m\.?)?(\s+[A-Z]{{2,4}})?)?$",
    re.IGNORECASE,
)
_BY_LINE = re.compile(
    r"^(?i:by)\s+(?P<name>[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3}(\s+and\s+[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3})?)\s*$"
)
_BARE_NAME = re.compile(
    r"^[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(\s+[A-Z]\.)?(\s+[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?){1,2}$"
)


def parse_date(value: str) -> date | None:
    """A calendar date from ISO text or a written dateline; ``None`` when it is not one."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = _DATELINE.match(value)
    if not match:
        return None
    try:
        return date_parser.parse(match.group("date").replace(".", " "), fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def find_published_date(text: str) -> date | None:
    """The first paragraph near the top that is nothing but a date."""
    for paragraph in split_paragraphs(text)[:HEAD_PARAGRAPHS]:
        if len(paragraph) <= 60:
            found = parse_date(paragraph)
            if found:
                return found
    return None


def find_byline(text: str, title: str = "") -> str | None:
    """'By Jane Doe', or a paragraph near the top that is only a person's name."""
    for paragraph in split_paragraphs(text)[:HEAD_PARAGRAPHS]:
        line = paragraph.strip()
        match = _BY_LINE.match(line)
        if match:
            return match.group("name")
        if line != title and _BARE_NAME.match(line):
            return line
    return None
