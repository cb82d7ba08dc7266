"""Dates named in questions and passages.

In news, the commonest wrong answer is a true fact from the wrong date: "what did the union do in 2016?"
answered with a sentence about 2015. A passage that explicitly names other years (or months) than the
question asks about, and not the asked one, is penalised before the refusal threshold is applied.
"""

from __future__ import annotations

import re
from datetime import date

# The passage states another year than the one asked about: almost certainly the wrong event.
YEAR_CONFLICT_PENALTY = 10.0
# ... unless the story is of the asked year and the other year lies ahead of it: "save £3.5bn by 2020" in
# a story of February 2017 is a plan, while "endorsed in October 2015" answers no question about 2016.
OTHER_YEAR_IN_STORY_PENALTY = 1.0
# Neither the passage, its neighbours nor the article's date mention the asked year: unconfirmed.
YEAR_ABSENT_PENALTY = 3.0
# ... and the story, dated later, is of an event held every year: likely a later edition ("the 2016 Oscars"
# met by the 2017 ceremony's story), though a title holder may be named without the year ("the World Series
# champion Chicago Cubs"), so a strong passage can still answer.
LATER_EDITION_PENALTY = 6.0
MONTH_CONFLICT_PENALTY = 2.0

_YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")
# A year a figure is measured against ("50% more compared to 2015", "lower than in 2016") is not the year the
# passage is about: it neither conflicts with the asked year nor confirms it.
# So is the start of a span that runs on to now: "since the company's bankruptcy filing in 2015, the retailer
# has ..." is about what came after.
_REFERENCE_YEAR = re.compile(
    r"\b(?:compared (?:to|with)|than(?: in)?|up from|down from|versus|vs\.?)\s+(?:\w+\s+)?"
    r"(1[89]\d{2}|20\d{2})\b"
    r"|\bsince\s+(?:[\w'’-]+\s+){0,5}?(?:in\s+)?(1[89]\d{2}|20\d{2})\b",
    re.IGNORECASE,
)
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
# "May" only where it is clearly the month: "in May", "May 5", "May 2016".
_MONTH = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?|\bin May\b|\bMay(?= \d)",
    re.IGNORECASE,
)


def years(text: str) -> set[int]:
    return {int(y) for y in _YEAR.findall(text)}


def years_stated(text: str) -> set[int]:
    """The years ``text`` names, less each mention that is only a point of comparison (a year also named on
    its own stays)."""
    return years(_REFERENCE_YEAR.sub(" ", text))


# "this year" in a story of 2017 is 2017; "last year", 2016: as plain a statement of the year as "in 2016".
_RELATIVE_YEAR = re.compile(r"\b(last|this|next) year\b", re.IGNORECASE)
_YEAR_OFFSET = {"last": -1, "this": 0, "next": 1}


def relative_years(text: str, published: date | None) -> set[int]:
    """The years ``text`` names relative to its article's date."""
    if published is None:
        return set()
    return {published.year + _YEAR_OFFSET[m.group(1).lower()] for m in _RELATIVE_YEAR.finditer(text)}


def months(text: str) -> set[int]:
    found: set[int] = set()
    for match in _MONTH.finditer(text):
        word = match.group(0).lower().rstrip(".")
        found.add(5 if "may" in word else _MONTHS[word])
    return found


LEDE_CHARS = 400
_QUARTER = re.compile(
    r"\b(?:Q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter)\b", re.IGNORECASE
)
_QUARTER_NUMBER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def quarters(text: str) -> set[int]:
    """The quarters of a year ``text`` names: "Q1", "the second quarter"."""
    found = _QUARTER.finditer(text)
    return {int(m.group(1)) if m.group(1) else _QUARTER_NUMBER[m.group(2).lower()] for m in found}


# The asked year names an edition of something held every year: "the 2016 Oscars", "CES 2016"; not "in 2016",
# "in 2016 Mexico ..." or "November 2016". The word before the year says which: a name, or a time's word.
_EDITION = re.compile(
    r"(?:\b([\w'’.-]+)\s+)?\b(?:1[89]|20)\d\d\s+[A-Z]"  # "the 2016 Oscars"
    r"|\b([A-Z][\w'’.-]*)\s+(?:1[89]|20)\d\d\b"  # "CES 2016"
)
_TIME_WORDS = {
    "in", "by", "since", "of", "for", "during", "until", "before", "after", "from", "on", "at", "as", "and",
    "between", "early", "late", "mid", "which", "what", "how", "when", *_MONTHS,
}  # fmt: skip
# A story that looks back on an earlier time: "last month", "over the past year", "the reigning champion".
_LOOKS_BACK = re.compile(
    r"\b(?:last|past|previous)\s+(?:week|month|season|summer|autumn|fall|winter|spring|year|twelve months"
    rf"|12 months|{'|'.join(_MONTHS)})\b|\ba year ago\b|\breigning\b",
    re.IGNORECASE,
)


def _later_edition(
    question: str, window: str, published: date | None, document: str, asked_years: set[int]
) -> bool:
    """Whether the story is of a later edition than the one asked about: dated after the asked year, silent on
    it and on the asked month, and not looking back ("the 2016 Oscars" met by the 2017 ceremony's story).
    Called only when nothing near the passage or in the article names the asked year."""
    if published is None or published.year <= max(asked_years):
        return False
    edition = any(
        (m.group(1) or m.group(2) or "").lower().rstrip(".") not in _TIME_WORDS
        for m in _EDITION.finditer(question)
    )
    # "the November election" in a story of January is last year's November.
    looks_back = _LOOKS_BACK.search(window) is not None or any(m > published.month for m in months(window))
    return edition and not looks_back and not months(question) & (months(window) | months(document))


_ASKS_FOR_A_YEAR = re.compile(r"\b(?:what|which)\s+year(?![\w-])", re.IGNORECASE)  # not "year-on-year"


def date_mismatch_penalty(
    question: str, passage: str, window: str = "", published: date | None = None, document: str = ""
) -> float:
    """How much less to trust ``passage`` as an answer, given the dates the question names.

    ``window`` is the passage with its neighbouring sentences, ``published`` the article's date and
    ``document`` its whole text (headline first). A passage that states no year takes its year from its
    article: its date, or, undated, its headline and lede (an article whose lede is about another year is
    about another event). A story of the asked year may name years ahead of it in passing ("by 2020").
    """
    penalty = 0.0
    # "In what year did she break her back, before she was named 2016's Person of the Year?": the year asked
    # for is the answer, and the question's own years date something else.
    asked_years = set() if _ASKS_FOR_A_YEAR.search(question) else years(question)
    if asked_years:
        stated_years = years_stated(passage) | relative_years(passage, published)
        nearby_years = years(window) | relative_years(window, published)
        lede_years = years(document[:LEDE_CHARS])
        of_asked_year = published is not None and published.year in asked_years
        anywhere = (
            years(passage) | nearby_years | years(document) | ({published.year} if published else set())
        )
        states_other = bool(stated_years) and not asked_years & stated_years
        lede_other = (
            not stated_years
            and not of_asked_year
            and bool(lede_years)
            and not asked_years & (lede_years | nearby_years)
        )
        ahead = bool(stated_years) and min(stated_years) > max(asked_years)
        if states_other and ahead and (of_asked_year or asked_years & nearby_years):
            penalty += OTHER_YEAR_IN_STORY_PENALTY
        elif states_other or lede_other:
            penalty += YEAR_CONFLICT_PENALTY
        elif anywhere and not asked_years & (stated_years | anywhere):
            # An undated text that names no year at all (a web snippet, a note) can neither confirm nor
            # contradict the asked one.
            later = _later_edition(question, window, published, document, asked_years)
            penalty += LATER_EDITION_PENALTY if later else YEAR_ABSENT_PENALTY
    asked_months = months(question)
    stated_months = months(passage)
    if asked_months and stated_months and not asked_months & stated_months:
        # As with years: a story of the asked month may name a month ahead of it ("Fillon has been charged
        # ... damaged his chances of winning April's election", published in March) without being about it.
        of_asked_month = (
            published is not None
            and published.month in asked_months
            and (not asked_years or published.year in asked_years)
        )
        if not (of_asked_month and min(stated_months) > max(asked_months)):
            penalty += MONTH_CONFLICT_PENALTY
    asked_quarters, stated_quarters = quarters(question), quarters(passage)
    if asked_quarters and stated_quarters and not asked_quarters & stated_quarters:
        penalty += MONTH_CONFLICT_PENALTY  # "Tesla's revenue in Q1 2021" is not "stagnant in Q2 2020"
    return penalty
