"""Does an article name what a question is about, under any of the names news gives it?

Reporters write "the U.S.", "America" and "American" for the question's "US", "Irish" for "Ireland", "the
CSO" after spelling out "Central Statistics Office" once. A name check that wants the question's exact words
calls the right article the wrong story, so a name also counts as mentioned by its other spellings: acronyms
with or without periods, the usual aliases, the country's adjective, and initials either way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The country (or region) and the adjective reporters use for it, lowercased.
DEMONYMS = {
    "afghanistan": "afghan", "africa": "african", "algeria": "algerian", "america": "american",
    "argentina": "argentine", "asia": "asian", "australia": "australian", "austria": "austrian",
    "bahrain": "bahraini", "belarus": "belarusian", "belgium": "belgian", "brazil": "brazilian",
    "britain": "british", "canada": "canadian", "chile": "chilean", "china": "chinese",
    "colombia": "colombian", "cuba": "cuban", "denmark": "danish", "egypt": "egyptian", "england": "english",
    "ethiopia": "ethiopian", "europe": "european", "finland": "finnish", "france": "french",
    "gambia": "gambian", "germany": "german", "greece": "greek", "hungary": "hungarian", "india": "indian",
    "indonesia": "indonesian", "iran": "iranian", "iraq": "iraqi", "ireland": "irish", "israel": "israeli",
    "italy": "italian", "japan": "japanese", "jordan": "jordanian", "kenya": "kenyan", "korea": "korean",
    "kuwait": "kuwaiti", "lebanon": "lebanese", "libya": "libyan", "malaysia": "malaysian",
    "mexico": "mexican", "morocco": "moroccan", "myanmar": "burmese", "netherlands": "dutch",
    "nigeria": "nigerian", "norway": "norwegian", "pakistan": "pakistani", "palestine": "palestinian",
    "peru": "peruvian", "philippines": "philippine", "poland": "polish", "portugal": "portuguese",
    "qatar": "qatari", "russia": "russian", "saudi arabia": "saudi", "scotland": "scottish",
    "serbia": "serbian", "somalia": "somali", "spain": "spanish", "sudan": "sudanese", "sweden": "swedish",
    "switzerland": "swiss", "syria": "syrian", "taiwan": "taiwanese", "thailand": "thai",
    "tunisia": "tunisian", "turkey": "turkish", "ukraine": "ukrainian", "venezuela": "venezuelan",
    "vietnam": "vietnamese", "wales": "welsh", "yemen": "yemeni", "zimbabwe": "zimbabwean",
}  # fmt: skip
ALIASES = {
    "covid-19": ("covid", "coronavirus"),
    # In capitals, as acronyms match: "tell us" names no country.
    "us": ("united states", "america", "american", "washington", "USA"),
    "usa": ("united states", "america", "american", "US"),
    "united states": ("US", "america", "american", "USA"),
    "america": ("US", "united states", "american", "USA"),
    "uk": ("united kingdom", "britain", "british"),
    "united kingdom": ("uk", "britain", "british"),
    "britain": ("uk", "united kingdom", "british"),
    "un": ("united nations",),
    "eu": ("european union",),
    "nato": ("north atlantic treaty organization",),
    "dprk": ("north korea", "pyongyang"),
    "north korea": ("dprk", "pyongyang"),
}
_ALIAS_SPELLINGS = {spelling for spellings in ALIASES.values() for spelling in spellings}
_CONNECTORS = {"of", "the", "and", "for", "de", "on", "in", "&"}
# A chamber is "the House" or "the Commons" after its first mention, and in many a story throughout: "The
# House voted 215-205". Capitalised, so that "the house" of a family is none; not "the House of Lords".
_CHAMBER_SHORT_FORMS = {
    "house of representatives": re.compile(r"\b[Tt]he House\b(?!\s+of\b)"),
    "house of commons": re.compile(r"\b[Tt]he Commons\b"),
    "house of lords": re.compile(r"\b[Tt]he Lords\b"),
}
_DOTTED_ACRONYM = re.compile(r"\b((?:[A-Z]\.){2,})")


# The titles British style writes without a stop ("Mr Gorsuch", "Dr Fox"), as a regex group.
BARE_TITLES = r"(?:Mr|Mrs|Ms|Dr)"
_POSSESSIVE = re.compile(r"['’]s$|(?<=s)['’]$")  # "Trump's", "Qatar Airways'"


def name_words(name: str) -> str:
    """A regex of ``name``'s words in a row: "Ri Jong-chol" is "Ri Jong Chol" and "Kim Jong Nam" is "Kim
    Jong-nam", since a hyphen between the parts of a name is written as a space as often."""
    return r"[\s-]+".join(re.escape(word).replace(r"\-", r"[\s-]") for word in name.split())


def without_possessive(word: str) -> str:
    """'Trump's' -> 'Trump': a possessive names the same one."""
    return _POSSESSIVE.sub("", word)


def undot(text: str) -> str:
    """'U.S.' -> 'US', 'U.N.' -> 'UN': acronyms are written both ways."""
    return _DOTTED_ACRONYM.sub(lambda m: m.group(1).replace(".", ""), text)


@lru_cache(maxsize=2048)
def spellings(name: str, person: bool = False) -> tuple[str, ...]:
    """The name and the other ways an article may write it (no regex yet). A person has no initials: news
    does not call Mitch Seavey "MS", and "M... S..." would find Maurine Schmeltekopf."""
    plain = undot(name.replace("’", "'")).strip()
    lower = plain.lower().removeprefix("the ")
    found = [plain, *ALIASES.get(lower, ())]
    bare = re.sub(r"^[a-z]+-(?=[A-Z])", "", plain)  # "pro-Clinton" names Clinton
    if bare != plain:
        found.append(bare)
    if lower in DEMONYMS:
        found.append(DEMONYMS[lower])
    found += [country for country, adjective in DEMONYMS.items() if adjective == lower]  # "Bahraini"
    glued = _GLUED_NUMBER.fullmatch(plain)
    if glued is not None:  # "COP24" is "Cop24", "COP 24" and "COP-24" in other styles
        found += [f"{glued.group(1)} {glued.group(2)}", f"{glued.group(1)}{glued.group(2)}"]
    words = plain.split()
    capitals = [w for w in words if w.lower() not in _CONNECTORS]
    # Nor has a model with a number: "Galaxy S23" is not "GS", which would find the Galaxy S22.
    numbered = any(c.isdigit() for c in plain)
    if not person and not numbered and len(capitals) >= 2 and all(w[:1].isupper() for w in capitals):
        found.append("".join(w[0] for w in capitals))  # "Central Statistics Office" -> "CSO"
    return tuple(dict.fromkeys(found))


_GLUED_NUMBER = re.compile(r"([A-Za-z]+)-?(\d+)")


@lru_cache(maxsize=2048)
def _patterns(name: str, person: bool = False) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for spelling in spellings(name, person):
        word = len(spelling.split()) == 1
        acronym = word and spelling.isalpha() and spelling.isupper() and len(spelling) >= 2
        # An acronym matches only in capitals: "US" is not "us".
        flags = 0 if acronym else re.IGNORECASE
        # A lower-case prefix may hang on the name: "southern-German", "pro-Russia", "ex-Arsenal".
        patterns.append(re.compile(r"(?<![\w-])(?-i:[a-z]+-)?" + name_words(spelling) + r"(?![\w-])", flags))
        if acronym and len(spelling) <= 6 and spelling not in _ALIAS_SPELLINGS:
            # "CAF" -> "Confederation of African Football": initials, connectors allowed between; not for an
            # alias, whose name is already spelled out ("America" is no "Union Station").
            gap = r"[\w'’-]*\s+(?:(?:" + "|".join(_CONNECTORS - {"&"}) + r")\s+)?"
            patterns.append(re.compile(r"\b" + gap.join(re.escape(c) for c in spelling) + r"[\w'’-]*"))
        short_form = _CHAMBER_SHORT_FORMS.get(spelling.lower().removeprefix("the "))
        if short_form is not None:
            patterns.append(short_form)
    return tuple(patterns)


def mentions_name(text: str, name: str, person: bool = False) -> bool:
    """Whether ``text`` names ``name`` under any of its spellings, accents aside: a question typed as
    "Fianna Fail" or "Beyonce" names the "Fianna Fáil" and "Beyoncé" of an article."""
    plain = without_accents(undot(text.replace("’", "'")))
    return any(pattern.search(plain) for pattern in _patterns(without_accents(name), person))


def without_accents(text: str) -> str:
    """``Fáil`` -> ``Fail``; compatibility characters ("Apple™") stay as they are."""
    return text if text.isascii() else _folded(text)


@lru_cache(maxsize=512)
def _folded(text: str) -> str:
    """Articles are checked for many names, so each is folded once."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
