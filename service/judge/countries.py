"""Which countries a text names, by name or by people: "Britain", "the U.S.", "French MPs", "a Russian pilot".

A near-miss question often asks one country's figure of a story that gives another's: "How many French MPs
employ family members?" met by "About 150 of the 650 MPs in the British parliament". When the question names
countries and the passage names others, and none of the question's near it, the passage is about someone
else (``service.judge.evidence_judge`` refuses it). Country names come from Babel's English territory names;
people ("Russian", "Cypriot") from the name matcher's list of demonyms and a few more.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

from ingest.keyword_index import STOPWORDS
from service.judge.name_matching import DEMONYMS

# Territory codes that are no country ("European Union", "United Nations", pseudo-locales), and names that
# are more often people or US states in the news ("Jordan", "Chad", "Georgia").
_NOT_COUNTRIES = {"EU", "EZ", "UN", "XA", "XB", "ZZ", "QO"}
_AMBIGUOUS = {"jordan", "chad", "georgia", "jersey", "guernsey", "christmas island", "st. martin", "niger"}
_ALIASES = {
    "us": "united states", "u.s.": "united states", "usa": "united states", "u.s.a.": "united states",
    "america": "united states", "uk": "united kingdom", "u.k.": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom", "england": "united kingdom", "scotland": "united kingdom",
    "wales": "united kingdom", "northern ireland": "united kingdom", "holland": "netherlands",
    "the netherlands": "netherlands", "czech republic": "czechia", "burma": "myanmar (burma)",
    "myanmar": "myanmar (burma)", "ivory coast": "côte d’ivoire", "palestine": "palestinian territories",
    "turkey": "türkiye", "hong kong": "hong kong sar china", "macau": "macao sar china",
    "macedonia": "north macedonia", "swaziland": "eswatini", "gaza": "palestinian territories",
    "west bank": "palestinian territories", "uae": "united arab emirates", "u.a.e.": "united arab emirates",
    "congo": "congo - kinshasa", "drc": "congo - kinshasa",
    "democratic republic of congo": "congo - kinshasa",
    "bosnia": "bosnia & herzegovina", "vatican": "vatican city", "trinidad": "trinidad & tobago",
}  # fmt: skip
# Peoples beside name_matching.DEMONYMS (which maps a country to its people's adjective).
_MORE_PEOPLES = {
    "filipino": "philippines", "cypriot": "cyprus", "czech": "czechia", "kazakh": "kazakhstan",
    "uzbek": "uzbekistan", "slovak": "slovakia", "slovenian": "slovenia", "north korean": "north korea",
    "south korean": "south korea", "new zealander": "new zealand", "south african": "south africa",
    "sri lankan": "sri lanka", "kiwi": "new zealand", "emirati": "united arab emirates",
    "congolese": "congo - kinshasa", "macedonian": "north macedonia", "turk": "türkiye", "briton": "britain",
    "ghanaian": "ghana", "ivorian": "côte d’ivoire", "rwandan": "rwanda", "ugandan": "uganda",
    "tanzanian": "tanzania", "zambian": "zambia", "senegalese": "senegal", "malian": "mali",
    "cameroonian": "cameroon", "angolan": "angola", "azerbaijani": "azerbaijan", "armenian": "armenia",
    "mongolian": "mongolia", "nepali": "nepal", "nepalese": "nepal", "bangladeshi": "bangladesh",
    "cambodian": "cambodia", "singaporean": "singapore", "ecuadorian": "ecuador", "bolivian": "bolivia",
    "paraguayan": "paraguay", "uruguayan": "uruguay", "guatemalan": "guatemala", "honduran": "honduras",
    "salvadoran": "el salvador", "nicaraguan": "nicaragua", "panamanian": "panama", "haitian": "haiti",
    "jamaican": "jamaica", "icelandic": "iceland", "estonian": "estonia", "latvian": "latvia",
    "lithuanian": "lithuania", "croatian": "croatia", "bosnian": "bosnia", "albanian": "albania",
    "moldovan": "moldova", "romanian": "romania", "bulgarian": "bulgaria", "maltese": "malta",
    "bahamian": "bahamas", "eritrean": "eritrea", "ethiopian": "ethiopia",
}  # fmt: skip
_REGION_WORDS = {
    "new", "south", "north", "latin", "central", "east", "west", "western", "eastern", "northern", "southern",
    "upper", "lower", "nova",
}  # fmt: skip
# One to four capitalised words: "North Korea's", "the U.S.", "The United Arab Emirates".
_CAPITALISED = re.compile(r"\b[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}")
# "U.S. District Judge", "British Airways", "Roman Abramovich": a country's name inside a title, a body's or a
# person's is not what the passage is about ("French MPs" is).
_TITLE_AFTER = re.compile(r"\s+[A-Z][a-z]")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every name of a country (lowercase) to the country."""
    names = {
        name.lower(): name.lower()
        for code, name in Locale("en").territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }
    names = {name: country for name, country in names.items() if name not in _AMBIGUOUS}
    names.update(_ALIASES)
    return names


@lru_cache(maxsize=1)
def _peoples() -> dict[str, str]:
    """A people's adjective to its country's name: "british" -> "britain" (an alias of the United Kingdom)."""
    return {**{adjective: country for country, adjective in DEMONYMS.items()}, **_MORE_PEOPLES}


def _country(words: str) -> str | None:
    text = re.sub(r"['’]s$", "", words.lower()).removeprefix("the ")
    names = _names()
    if text not in names:
        text = text.rstrip(".")  # "in the UK." ends a sentence; "the U.S." keeps its own full stop
    if text in names:
        return names[text]
    return _people(text)


def _people(words: str) -> str | None:
    """The country of a people's name ("Russian", "Americans", "Britons"), or None."""
    text = words.lower().rstrip(".")
    single = (
        text.removesuffix("s")
        if text.endswith(("ans", "ons", "ese", "is")) and text not in _peoples()
        else text
    )
    country = _peoples().get(single)
    return _names().get(country) if country else None  # "african", "korean": no one country


def is_peoples_adjective(word: str) -> bool:
    """ "Ukrainian", "Chinese": a people's adjective, which names no body a "they" can mean ("Ukrainians"
    can)."""
    return word.lower() in _peoples()


# Nations within a country: "Where in Britain?" is answered by "Northern Ireland".
_NATIONS_WITHIN = {"england", "scotland", "wales", "northern ireland"}


def country_of(name: str) -> str | None:
    """The country a whole name is ("China", "the U.S.", "Chinese"); None for a place in one ("Mexico City")
    or a nation within one ("Scotland")."""
    if name.lower().removeprefix("the ") in _NATIONS_WITHIN:
        return None
    return _country(name)


def countries_named(text: str, in_titles: bool = True) -> set[str]:
    """The countries ``text`` names; with ``in_titles`` False, not those inside a title or a body's name."""
    found = set()
    for match in _CAPITALISED.finditer(text):
        words = match.group(0).split()
        start = 0
        while start < len(words):  # the longest name first: "South Korea", then "South", "Korea"
            for end in range(len(words), start, -1):
                named = " ".join(words[start:end])
                country = _country(named)
                if country is None:
                    continue
                at = match.start() + len(" ".join(words[:end]))
                # "Mark Cuban", "Bill English": a people's name after a first name is a surname.
                surname = (
                    start > 0 and words[start - 1].lower() not in STOPWORDS and _people(named) is not None
                )
                if not surname and (in_titles or not _TITLE_AFTER.match(text, at)):
                    found.add(country)
                start = end
                break
            else:
                # "New Mexico", "South America", "New South Wales": a region's name, not a country in it.
                start = len(words) if words[start].lower() in _REGION_WORDS else start + 1
    return found


def another_country(question_countries: set[str], passage: str, window: str) -> bool:
    """The passage is about other countries than the question's: it names countries and none of the
    question's is near it, or it names one the question does not while one of the question's is nowhere
    near ("Russian tourists to Turkey" met by Cyprus's count of "our fellow citizens", in an article about
    Russians). ``question_countries``: ``countries_named(question, in_titles=False)``, so "Roman Abramovich"
    is no Romanian."""
    if not question_countries:
        return False
    named = countries_named(passage, in_titles=False)
    if not named:
        return False
    near = countries_named(window)
    return not (question_countries & near) or bool(named - question_countries and question_countries - near)
