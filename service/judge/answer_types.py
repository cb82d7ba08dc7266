"""What kind of thing answers a question, and whether a passage holds one.

"When?" wants a date, "How many?" a count, "How old?" an age, "Who?" or "Which federal judge?" a person. A
passage without one cannot answer the question, however relevant it reads; the judge penalises it and
preselects the passages that have one (``service.judge.evidence_judge``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from service.judge.answerability import CALENDAR_WORDS, CARDINALS, QuestionFocus
from service.judge.countries import countries_named
from service.judge.name_matching import without_possessive

# What kind of thing answers the question. A passage without one cannot answer it, however relevant it
# reads: "For the Mariners, the 2014 season ended with more questions than answers" names no coach.
ANSWER_TYPE_PENALTY = 3.0
AnswerType = Literal["time", "number", "person"]
# "Since what year", "After how many minutes", "By what percentage", "At about what time": a preposition or
# a hedge before the asking words keeps the kind of answer they ask.
ASKED_PREPOSITION = (
    r"(?:(?:by|after|in|for|with|of|from|to|at|within|over|under|since|until|before|on) )?"
    r"(?:(?:about|around|roughly|approximately|exactly) )?"
)
_TIME_QUESTION = re.compile(
    rf"^\s*(when|until when|since when|{ASKED_PREPOSITION}(?:what|which) (date|day|month|year|time)|"
    r"how long ago)\b",
    re.IGNORECASE,
)
# "What annual salary", "What daily limit", "What effective federal tax rate": a sum's noun after a few
# words that qualify it, ending the phrase (an auxiliary first makes the noun the subject, "What did its
# profit rise to?"; a noun after it makes it a modifier, "What tax plan", "What debt crisis").
AMOUNT_NOUN_QUESTION = (
    r"what (?:(?!(?:did|does|do|was|were|is|are|has|have|had|will|would|can|could|the|a|an|drove|hurt|cut|"
    r"hit|made|led|put|set|sent|kept|took|gave|got|paid|caused)\b)(?![\w-]+ed\b)[\w-]+ ){0,3}?"
    r"(?:salary|salaries|wages?|fees?|fines?|prices?|costs?|rates?|limits?|profits?|revenues?|budget|"
    r"bonus(?:es)?|ransom|bail|deficit|debts?|loss|losses|turnover|valuation|payout|compensation|damages|"
    r"sum|amount|subsid(?:y|ies)|tariffs?|tax(?:es)?|levy|premium)"
    r"(?=\s+(?:did|does|do|was|were|is|are|has|have|had|will|would|can|could|should|of|for|in|on|at|to|"
    r"per|from|under|with)\b|\s*[?,]|\s*$)"
)
_NUMBER_QUESTION = re.compile(
    rf"^\s*({ASKED_PREPOSITION}how (many|much)|how (big|large|far|close|long|old|high|low|often)|"
    rf"by (what margin)|{ASKED_PREPOSITION}what (share|percentage|percent|proportion|fraction|rate|number|"
    r"amount|total|price|cost|margin|sum|score|tally|count)|what was the (total|number|amount|share|rate|"
    rf"margin|cost|score)|{AMOUNT_NOUN_QUESTION})\b",
    re.IGNORECASE,
)
# "Which federal judge", "Which Kansas governor", "Which US general": up to two words before the role, none
# of them a verb or an article ("Which bill did the governor sign?" asks for a bill).
AUXILIARY_PATTERN = r"(?:did|does|do|was|were|is|are|has|have|had|will|would|can|could|been|be)"
_ROLE_MODIFIER = rf"(?:(?!(?:{AUXILIARY_PATTERN}|the|a|an)\b)[\w'’.-]+ ){{0,2}}"
# "Which Wales defender", "Which FDNY emergency medical technician", "Which Bavaria-based construction
# company": the noun a which-phrase ends on says the kind, after however many names and modifiers. The
# person nouns are also the roles a "which" question asks a person by (_ROLES).
_PERSON_NOUNS = {
    "player", "person", "official", "coach", "scientist", "researcher", "lawyer", "judge", "justice",
    "candidate", "nominee", "man", "woman", "boy", "girl", "executive", "leader", "member", "reporter",
    "journalist", "writer", "author", "poet", "singer", "musician", "rapper", "actor", "actress", "artist",
    "spokesman", "spokeswoman", "spokesperson", "advisor", "adviser", "aide", "director", "manager",
    "president", "chair", "chairman", "chairwoman", "mayor", "senator", "governor", "minister", "commander",
    "officer", "soldier", "pilot", "engineer", "doctor", "diplomat", "ambassador", "envoy", "prosecutor",
    "lawmaker", "politician", "activist", "athlete", "driver", "musher", "founder", "co-founder",
    "billionaire", "businessman", "businesswoman", "king", "queen", "prince", "princess", "pope", "cleric",
    "suspect", "gunman", "attacker", "victim", "survivor", "winner", "defender", "striker", "midfielder",
    "goalkeeper", "footballer", "cricketer", "golfer", "boxer", "swimmer", "skier", "cyclist", "sprinter",
    "champion", "medallist", "medalist", "blogger", "sergeant", "colonel", "lieutenant", "admiral",
    "administrator", "secretary", "technician", "contractor", "paramedic", "nurse", "surgeon", "teacher",
    "student", "teenager", "comedian", "presenter", "host", "anchor", "correspondent", "editor", "columnist",
    "photographer", "filmmaker", "producer", "designer", "architect", "economist", "analyst", "strategist",
    "chief", "boss", "heir", "monarch", "dictator", "premier", "chancellor", "deputy", "congressman",
    "congresswoman", "legislator", "councillor", "commissioner", "inspector", "detective", "investigator",
    "hacker", "whistleblower", "dissident", "refugee", "protester", "militant", "rebel", "killer", "shooter",
    "astronaut", "entrepreneur", "tycoon", "magnate", "star", "songwriter", "composer", "novelist",
    "playwright", "historian", "professor", "expert", "physicist", "priest", "bishop", "archbishop", "rabbi",
    "imam", "attorney", "defendant", "plaintiff", "prisoner", "detainee", "hostage", "widow", "owner",
    "employee", "worker", "delegate", "negotiator", "campaigner", "lobbyist", "referee", "jockey", "climber",
    "quarterback", "captain", "ceo", "dancer", "emt", "partner", "colleague", "general",
    # Kin: "What is the name of Kim Jong Nam's daughter?" asks for a person.
    "son", "daughter", "wife", "husband", "mother", "father", "brother", "sister", "sibling", "child",
    "grandson", "granddaughter", "grandmother", "grandfather", "nephew", "niece", "cousin", "uncle", "aunt",
    "girlfriend", "boyfriend", "fiancee", "fiance", "spouse", "stepson", "stepdaughter",
}  # fmt: skip
_ROLES = (
    "(?:" + "|".join(sorted(_PERSON_NOUNS, key=len, reverse=True)) + r")\b(?!-)"
    # ... but not a compound's first part ("Which driver-assistance firm"), a title before a name ("Which
    # state sued President Trump?") nor a role word used as an adjective ("Which general election").
    r"(?!\s+(?-i:[A-Z]))(?!\s+(?:election|elections|program|programme|programs|states|countries|nations|"
    r"strike|assembly|meeting|conference|secretary|staff)\b)"
)
_PERSON_QUESTION = re.compile(r"^\s*(?:who|whom|whose)\b|^\s*which " + _ROLE_MODIFIER + _ROLES, re.IGNORECASE)

_ORGANIZATION_NOUNS = {
    "organisation", "organization", "company", "firm", "group", "party", "agency", "union", "bank", "team",
    "club", "network", "newspaper", "broadcaster", "militia", "airline", "body", "charity", "carrier",
    "maker", "carmaker", "automaker", "manufacturer", "retailer", "chain", "operator", "insurer", "publisher",
    "startup", "start-up", "giant", "conglomerate", "university", "college", "lender", "supplier",
    "provider", "brand", "label", "studio", "outlet", "channel", "magazine", "tabloid", "council",
    "committee", "commission", "ministry", "department", "court", "movement", "faction", "coalition",
    "alliance", "federation", "association", "league", "army", "zoo", "museum", "school", "hospital",
    "clinic", "restaurant", "centre", "center", "institute", "foundation", "think-tank",
}  # fmt: skip
_PLACE_NOUNS = {
    "city", "country", "town", "state", "region", "province", "capital", "place", "village", "island",
    "area", "district", "county", "neighbourhood", "neighborhood", "borough", "suburb", "port", "nation",
    "territory", "prefecture", "municipality", "continent", "airport", "stadium", "arena", "venue", "prison",
    "dam", "bridge", "hotel", "mosque", "church", "cathedral", "temple", "square", "street", "river", "lake",
    "sea", "mountain", "valley", "desert", "peninsula", "base", "resort",
}  # fmt: skip
# Things known by a proper name that is neither a person's, a body's nor a place's: asked for by name ("What
# is the name of the operation?"), a name; "Which TV show ...?" stays untyped (_which_phrase says why).
_NAMED_THING_NOUNS = {
    "show", "programme", "program", "series", "film", "movie", "documentary", "book", "novel", "album",
    "song", "musical", "opera", "game", "app", "operation", "festival", "award", "prize", "ship",
    "vessel", "yacht", "rocket", "satellite", "spacecraft", "mission", "scheme", "project", "painting",
    "sculpture",
}  # fmt: skip
_HEAD_KINDS = (
    ("person", _PERSON_NOUNS),
    ("organization", _ORGANIZATION_NOUNS),
    ("place", _PLACE_NOUNS),
    ("thing", _NAMED_THING_NOUNS),
)
# "Which ...", "In which ...", and "What is the name of the ..." ask for the thing the phrase then names.
_WHICH_OPENING = re.compile(
    r"^\s*(?:(?:in|at|on|from|to|for|by|with)\s+)?(?:which|what)\s+"
    r"(?:(?:is|was|are|were)\s+the\s+names?\s+of\s+(?:the\s+|a\s+|an\s+)?)?",
    re.IGNORECASE,
)
# Words that end a which-phrase: what follows is the question's verb, a clause or a complement.
_PHRASE_ENDS = {
    "did", "does", "do", "was", "were", "is", "are", "has", "have", "had", "will", "would", "can", "could",
    "should", "may", "might", "must", "been", "being", "the", "a", "an", "of", "for", "by", "in", "on", "at",
    "to", "with", "from", "about", "over", "under", "after", "before", "during", "since", "into", "against",
    "than", "as", "who", "whom", "that", "which", "whose", "where", "when", "and", "or", "but", "he", "she",
    "it", "they", "his", "her", "its", "their", "this", "these", "those",
}  # fmt: skip
# After its noun, a which-phrase goes on to the question's verb ("Which company announced", "Which party
# won", "Which lawyer represents") or an adverb ("Which singer best known"); another noun means the kind word
# was a modifier ("What prison sentence"). Regular verbs are told by their endings; these are listed.
_VERBS_AND_ADVERBS = {
    "said", "says", "put", "puts", "won", "lost", "sold", "bought", "made", "got", "took", "gave", "ran",
    "led", "hit", "beat", "set", "sent", "told", "paid", "held", "became", "came", "went", "saw", "kept",
    "left", "met", "wrote", "spent", "built", "brought", "broke", "fell", "shot", "struck", "quit", "cut",
    "let", "won't", "didn't", "hasn't", "wasn't", "isn't", "best", "also", "first", "last", "most", "just",
    "now", "still", "once", "later", "reportedly", "allegedly", "previously", "formerly", "currently",
    "recently", "then", "spoke", "grew", "drew", "threw", "began", "fled", "flew", "rose", "chose", "stood",
    "drove", "fought", "caught", "sought", "thought", "felt", "heard", "meant", "can't",
}  # fmt: skip
_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "this", "that", "these", "those"}
_PHRASE_WORD = re.compile(r"[\w'’.-]+|[^\w\s]")
_PHRASE_WORDS = 6


_IRREGULAR_PLURALS = {"men": "man", "women": "woman", "people": "person", "children": "child"}


def _head_kind(word: str) -> tuple[str, str] | None:
    """The kind a which-phrase's noun names, and the noun's singular form."""
    word = word.lower().removesuffix("'s").removesuffix("’s")
    singulars = (word.removesuffix("s"), word.removesuffix("es"), word.removesuffix("ies") + "y")
    for form in (word, _IRREGULAR_PLURALS.get(word, word), *singulars):
        for kind, nouns in _HEAD_KINDS:
            if form in nouns:
                return kind, form
    return None


@lru_cache(maxsize=1024)
def _which_phrase(question: str) -> tuple[str, str] | None:
    """The kind and the noun a which-phrase ends on ("Which two Weather Channel contractors" are people; the
    channel is a modifier). The first such noun ends the phrase unless another follows it at once."""
    question = main_question(question)
    opening = _WHICH_OPENING.match(question)
    if opening is None:
        return None
    named = " name" in opening.group(0).lower()
    words = _PHRASE_WORD.findall(question[opening.end() :])[: _PHRASE_WORDS + 1]
    found = _phrase_head(words)
    if found is not None and found[0] == "thing":
        # "Which film won ...?" stays untyped: the small recognizer reads titles poorly, and a passage on the
        # festival's other awards would pass for one holding the film. Asked for by name, it is a name.
        return ("name", found[1]) if named else None
    if found is None and named:
        # "What is the name of the ...?" asks for a name whatever its noun; a people's name ending the
        # phrase, a person's ("the 19-year-old Palestinian arrested"; not "the British law").
        people = any(
            word[0].isupper()
            and countries_named(word)
            and (after.lower() in _PHRASE_ENDS or after.lower().endswith("ed") or not after[0].isalnum())
            for word, after in zip(words, [*words[1:], "?"], strict=True)
        )
        return ("person", "") if people else ("name", "")
    return found


def _phrase_head(words: list[str]) -> tuple[str, str] | None:
    """The kind and the singular of the listed noun a which-phrase's ``words`` end on, if they end on one."""
    found = None
    past_a_name = False  # read past a name's possessive: "Kim Jong Nam's daughter"
    for index, word in enumerate(words[:_PHRASE_WORDS]):
        lower = word.lower()
        if lower in _PHRASE_ENDS or not word[0].isalnum():
            break
        head = _head_kind(word)
        after = words[index + 1].lower() if index + 1 < len(words) else ""
        if found is not None and head is not None and lower.endswith("s") and after in _DETERMINERS:
            return found  # "Which country chairs the EU presidency?": a verb, though "chair" is a noun
        if head is None and found is not None:
            verb = lower in _VERBS_AND_ADVERBS or lower.endswith("ed") or re.search(r"[^s]s$", lower)
            # A person's noun is seldom a modifier: "the Syrian man suing in Wisconsin" is a man (not "Which
            # teacher training college").
            participle = (
                lower.endswith("ing") and len(lower) >= 5 and (after in _PHRASE_ENDS or not after.isalpha())
            )
            if verb or (found[0] == "person" and participle):
                return found
            singular = without_possessive(words[index - 1].lower()) == found[1]
            if not singular or _head_kind(after) is None:
                return None  # "Which countries accept refugees?" has a verb no list holds
            found = None  # a modifier: "Which deputy foreign minister" ends on "minister"
            continue
        found = head or found
        if lower.endswith(("'s", "’s")):
            if found is not None:
                # "Which wireless carrier's customers" asks for the carrier, "Kim's daughter" the daughter;
                # "Trump's daughter's clothing brand" says no kind the list knows.
                return None if past_a_name else found
            past_a_name = True
    return found


def which_head(question: str) -> str | None:
    """The noun a which-phrase ends on, singular and lower-case ("dam" for "Which California dam's
    spillways"), where it says the kind; else None."""
    found = _which_phrase(question)
    return found[1] if found else None


def without_kind_noun(focus: QuestionFocus, question: str) -> QuestionFocus:
    """``focus`` less a place's noun a which-phrase ends on: "Which Missouri town were they from?" is
    answered by "Kelley Williamson, 57, of Cassville, Missouri", which never says "town"; the noun says what
    kind of place the answer is, not what the passage must speak of. A person's or a body's noun stays: the
    passage that says "pilot" beside a name answers "Which Russian pilot ...?" (dropped, dev lost two)."""
    found = _which_phrase(question)
    if found is None or found[0] != "place":
        return focus
    return QuestionFocus(tuple(word for word in focus.words if _head_kind(word) != found))


def which_kind(question: str) -> str | None:
    """ "person", "organization", "place" or "name" (asked for by "What is the name of ...?", whatever it
    names): what the noun a which-phrase ends on names."""
    found = _which_phrase(question)
    return found[0] if found else None


_TIME_WORDS = re.compile(
    r"\b(1[89]\d\d|20\d\d|jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"yesterday|tonight|last (week|month|year)|next (week|month|year)|spring|summer|fall|autumn|winter|"
    r"weeks?|months?|years?|days?|decades?|quarter|half)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|dozen|half|third|quarter|thirds|percent|majority|unanimous(ly)?)\b",
    re.IGNORECASE,
)
# "How old?" wants an age: "the 57-year-old musher", "Hossam al-Sufi, 24,", "died at the age of 87"; any
# other number ("won the 2017 race", "$75,000") is no answer.
AGE_QUESTION = re.compile(r"^\s*how old\b", re.IGNORECASE)
_AGE_NUMBER = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# A number that is not an age: a decimal, a time, a thousands group, or a unit after it.
_NOT_AN_AGE = (
    r"(?![.,:/]\d|\s*(?:%|percent|per\b|[ap]\.?m\b|o'clock|feet|ft\b|metres|meters|km|miles|mph|degrees|"
    r"points))"
)
_AGE = re.compile(
    rf"\b{_AGE_NUMBER}[- ]years?[- ]old\b|\bage[ds]?\s+(?:of\s+)?\d{{1,3}}\b{_NOT_AN_AGE}|"
    rf"\b(?:died|dies|retired|retires|elected|married|at the age of)\s+(?:at\s+)?\d{{1,3}}\b{_NOT_AN_AGE}|"
    rf"\bturn(?:s|ed)? \d{{1,3}}\b{_NOT_AN_AGE}|\bin (?:his|her|their) (?:early |mid-?|late )?\d0s\b|"
    rf"(?<!\d)(?<!\d )[A-Za-z)],\s*\d{{1,3}}{_NOT_AN_AGE}\s*(?:[,;)]|[.!?](?:\s|$)|$)|"
    rf"(?<![\w)])\(\d{{1,3}}\)|\b(?:he|she|who) (?:is|was) \d{{1,3}}{_NOT_AN_AGE}(?=\s*[.,;)]|$)",
    re.IGNORECASE,
)
_AGE_DIGITS = re.compile(rf"\b{_AGE_NUMBER}\b|\d0s\b", re.IGNORECASE)
# "How many votes?" wants a count: a year, a day of the month or a percentage is a number but no count.
_COUNT_QUESTION = re.compile(rf"^\s*{ASKED_PREPOSITION}how many\b", re.IGNORECASE)
_COUNT = re.compile(
    r"(?<![\d,.])(\d[\d,]*(?:\.\d+)?)(?![\d,]*(?:\.\d)?\s*(?:%|percent|per cent|percentage))|"
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|"
    r"thousands?|millions?|billions?|dozens?|majority)\b(?!\s*(?:%|percent|per cent))",
    re.IGNORECASE,
)
_MONTH_BEFORE = re.compile(
    r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|"
    r"nov(ember)?|dec(ember)?)\.?\s*$",
    re.IGNORECASE,
)


def age_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` states an age ("the 57-year-old musher", "Walcott, 87,"): each age's number."""
    spans = []
    for match in _AGE.finditer(text):
        number = _AGE_DIGITS.search(match.group(0))
        if number is not None:
            spans.append((match.start() + number.start(), match.start() + number.end()))
    return spans


def has_count(passage: str) -> bool:
    for match in _COUNT.finditer(passage):
        digits = match.group(1)
        if digits is None:
            return True
        if re.fullmatch(r"(1[89]|20)\d\d", digits) or _MONTH_BEFORE.search(passage[: match.start()]):
            continue  # a year, or the day in "October 12"
        return True
    return False


# A capitalised word that does not open a sentence: a full name, or a surname on its second mention.
_PERSON_NAME = re.compile(r"(?<![.!?“\"]\s)(?<!^)\b[A-Z][a-z'’-]{2,}(?:\s+[A-Z][a-zA-Z'’-]+)*")


# "In February 2017, by what margin did MPs ...?", "When the bill returned to the Commons, how many ...?": a
# clause before the question proper pins down the event; the kind of answer is the question proper's.
_QUESTION_START = re.compile(
    r"^\s*(?:who|whom|whose|what|which|where|why|how|(?:in|on|at|by|for|from|to|with|under|since|until|"
    r"during) (?:what|which|how|whom)|when (?:did|does|do|was|were|is|are|will|would|has|have|had|can|could|"
    r"should)|name|list|is|are|was|were|did|does|do|has|have|had|can|could|will|would)\b",
    re.IGNORECASE,
)
# After a comma, "who", "when" or "which" opens the question proper only before an auxiliary ("when was");
# "Merkel, who leads Germany," and "In 2016, when the vote was held," are relative or time clauses.
_QUESTION_AFTER_COMMA = re.compile(
    r",\s+(?=(?:what|how|why|(?:by|in|on|at|for|from|to) (?:what|which|how|whom)|"
    r"(?:who|whom|when|where|which) (?:did|does|do|was|were|is|are|will|would|has|have|had|can|could|"
    r"should))\b)",
    re.IGNORECASE,
)


# "Roughly how many employees ...?" asks how many.
_HEDGE = re.compile(
    r"^\s*(?:roughly|about|approximately|around|nearly|almost|exactly|precisely|just)\s+"
    r"(?=(?:how|what|when|who|which|where)\b)",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def main_question(question: str) -> str:
    """The question proper, after a fronted clause or a hedge; the question itself when it opens as one."""
    hedge = _HEDGE.match(question)
    if hedge is not None:
        return question[hedge.end() :]
    if _QUESTION_START.match(question):
        return question
    commas = list(_QUESTION_AFTER_COMMA.finditer(question))
    return question[commas[-1].end() :] if commas else question


def answer_type(question: str) -> AnswerType | None:
    question = main_question(question)
    if _TIME_QUESTION.match(question):
        return "time"
    if _NUMBER_QUESTION.match(question):
        return "number"
    if _PERSON_QUESTION.match(question) or which_kind(question) == "person":
        return "person"
    return None


def has_answer_type(kind: AnswerType | None, passage: str, question: str) -> bool:
    """Whether the passage holds something of the kind the question asks for."""
    if kind is None:
        return True
    if kind == "time":
        return bool(_TIME_WORDS.search(passage)) or _clock_answers(question, passage)
    if kind == "number":
        proper = main_question(question)
        if AGE_QUESTION.match(proper):
            return bool(_AGE.search(passage))
        if _COUNT_QUESTION.match(proper):
            return has_count(passage)
        return bool(_NUMBER_WORDS.search(passage))
    asked = question.lower()
    names = (name.lower() for name in _PERSON_NAME.findall(passage))
    return any(name not in asked and name not in CALENDAR_WORDS for name in names)


# "At what time did Trump call Ryan?" asks the time of day: "at 3 p.m." is the answer, not a vague date.
_CLOCK_QUESTION = re.compile(rf"^\s*{ASKED_PREPOSITION}what time\b", re.IGNORECASE)
_CLOCK = re.compile(
    r"\b\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.m\.|[ap]m\b)|\b\d{1,2}:\d\d\b|\bo'clock\b|\bnoon\b|\bmidnight\b",
    re.IGNORECASE,
)


def _clock_answers(question: str, passage: str) -> bool:
    return bool(_CLOCK_QUESTION.match(main_question(question)) and _CLOCK.search(passage))


# "On Monday" answers "when?" less well than "on May 14, 2024": prefer the passage with the date.
VAGUE_DATE_PENALTY = 1.0
_SPECIFIC_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d|jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)\b|\bMay\b|\d{1,2}/\d{1,2}|"
    # A time counted from an event the article dates: "Five months after the vote, Buffenbarger retired".
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an|a few|several)\s+"
    r"(days?|weeks?|months?|years?)\s+(after|before)\s+(the|his|her|their|its)\b",
    re.IGNORECASE,
)


# "Who finished second?" asks a place in an order: a passage about the winner, which never says "second",
# names the wrong person however well it matches the race.
_ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ASKED_POSITION = re.compile(
    r"\b(?:finish(?:ed|es)?|came|come|comes|placed?|ended|end|was|were|is|are|ranked|rank)\s+(?:in\s+)?"
    rf"({'|'.join(_ORDINALS)})\b|\b(runner-up|runners-up)\b",
    re.IGNORECASE,
)
_POSITION_WORDS = {
    "second": r"second|2nd|runner-up|runners-up|silver", "third": r"third|3rd|bronze",
}  # fmt: skip


def position_missing(question: str, passage: str) -> bool:
    """The question asks who came second (third, ...) and the passage never says that place."""
    asked = _ASKED_POSITION.search(question)
    if asked is None:
        return False
    ordinal = (asked.group(1) or "second").lower()
    words = _POSITION_WORDS.get(ordinal, ordinal)
    return re.search(rf"\b(?:{words})\b", passage, re.IGNORECASE) is None


# "Who is Morocco's agriculture minister?" met by "a billionaire former agriculture minister": someone who
# held the office, not who holds it.
_OFFICES = (
    r"(?:prime minister|president|minister|secretary|chairman|chairwoman|chair|ceo|chief executive|director|"
    r"governor|mayor|senator|ambassador|leader|coach|manager|spokesman|spokeswoman|spokesperson|supervisor|"
    r"envoy|commissioner|captain|editor|prosecutor|inspector|head)"
)
# "Who is Malaysia's foreign minister?": up to four words of the office's owner and kind before it, none a
# verb ("Who is accused of threatening the mayor?" asks no office); the last office word ("head coach").
ASKS_WHO_HOLDS = re.compile(
    rf"^\s*who\s+(?:is|are|will be)\s+(?:the\s+)?(?P<before>(?:(?![\w'’-]+(?:ed|ing)\b)(?!(?:of|by|to|with|"
    rf"against|for)\b)[\w'’-]+\s+){{0,4}})(?P<office>{_OFFICES})\b",
    re.IGNORECASE,
)
# One office, several words: "CEO" is "chief executive", "chairman" is "chair", "spokesman" is "spokeswoman".
_SAME_OFFICE = (
    {"ceo", "chief executive"}, {"chair", "chairman", "chairwoman"},
    {"spokesman", "spokeswoman", "spokesperson"}, {"head", "chief", "leader", "director"},
)  # fmt: skip


def office_words(office: str) -> str:
    """A regex of ``office`` and the words news uses for the same office."""
    same = next((group for group in _SAME_OFFICE if office.lower() in group), {office.lower()})
    return "(?:" + "|".join(re.escape(word) for word in sorted(same, key=len, reverse=True)) + ")"


_ASKS_THE_PAST = re.compile(r"\b(?:former|ex|previous|then|was|were|did|had|until)\b", re.IGNORECASE)
_LAPSED_BEFORE = re.compile(r"\b(?:former|ex-?|then-?|previous|late)\s*(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE)


def office_lapsed(question: str, passage: str) -> bool:
    """The question asks who holds an office now, and the passage names it only as held before."""
    asked = ASKS_WHO_HOLDS.match(question)
    if asked is None or _ASKS_THE_PAST.search(question):
        return False
    # "former chief executive" for who is the CEO
    return _office_only_after(_LAPSED_BEFORE, office_words(asked.group("office")), passage)


def _office_only_after(before: re.Pattern[str], office: str, passage: str) -> bool:
    """Whether the passage names the office, and every time with ``before`` in front of it."""
    mentions = list(re.finditer(rf"\b{office}s?\b", passage, re.IGNORECASE))
    return bool(mentions) and all(before.search(passage, 0, m.start()) for m in mentions)


# Ranks below an office's holder; not "under": "India, under Prime Minister Narendra Modi".
LESSER_RANKS = {"deputy", "vice", "assistant", "junior"}
LESSER_RANK_PATTERN = rf"(?:{'|'.join(sorted(LESSER_RANKS))})"
_LESSER_BEFORE = re.compile(rf"\b{LESSER_RANK_PATTERN}[\s-]+(?:[\w'’-]+\s+)?$", re.IGNORECASE)


def office_of_a_deputy(question: str, passage: str) -> bool:
    """The question asks who holds an office, and the passage names it only as a deputy's: "Indonesia's deputy
    ambassador to Malaysia, Andriano Erwin" is not the ambassador, nor "Vice President Mike Pence" the
    president."""
    asked = ASKS_WHO_HOLDS.match(question)
    if asked is None or re.search(rf"\b{LESSER_RANK_PATTERN}\b", question, re.IGNORECASE):
        return False
    return _office_only_after(_LESSER_BEFORE, office_words(asked.group("office")), passage)


# "the new president", "its current spokesman", "the head coach": words that say when or how high, not which
# office.
_NOT_OF_THE_OFFICE = {
    "new", "current", "next", "present", "incoming", "outgoing", "acting", "interim", "top", "sitting", "the",
    "a", "an", "is", "are", "be", "its", "their", "his", "her", "head", "chief", "senior", "lead",
}  # fmt: skip


# The office said by its verb: "Avatar: Directed by James Cameron" names the film's director.
_OFFICE_VERBS = {
    "director": r"direct(?:ed|s)", "head": r"head(?:ed|s)", "leader": r"(?:led|leads)",
    "coach": r"coach(?:ed|es)", "manager": r"manag(?:ed|es)", "captain": r"captain(?:ed|s)",
    "chair": r"chair(?:ed|s)", "chairman": r"chair(?:ed|s)", "chairwoman": r"chair(?:ed|s)",
    "editor": r"edit(?:ed|s)",
}  # fmt: skip


def office_unsaid(question: str, passage: str) -> bool:
    """The question asks who holds an office ("Who is Malaysia's foreign minister?") and the passage never
    names that office: "Deputy Prime Minister Ahmad Zahid Hamidi" holds another."""
    asked = ASKS_WHO_HOLDS.match(question)
    if asked is None:
        return False
    office = office_words(asked.group("office"))
    before = asked.group("before").split()
    modifier = before[-1] if before else ""
    if (
        not modifier.islower()
        or modifier in _NOT_OF_THE_OFFICE
        or modifier.endswith(("'s", "’s"))
        or countries_named(modifier.upper())  # "who is the uk prime minister?"
        or countries_named(modifier.capitalize())
    ):
        verb = _OFFICE_VERBS.get(asked.group("office").lower())
        said = rf"\b{office}s?\b" + (rf"|\b{verb}\b" if verb else "")
        return re.search(said, passage, re.IGNORECASE) is None
    modifier = re.escape(modifier)
    said = (
        rf"\b{modifier}\w*[\s-]+(?:[\w'’-]+[\s-]+){{0,2}}?{office}s?\b|"
        rf"\b{office}s?\s+(?:of|for)\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,2}}?{modifier}"
    )
    return re.search(said, passage, re.IGNORECASE) is None


# "Who is the CEO of Lego?" met by "the CEO of The LEGO Foundation": the office at a body whose name holds the
# asked one and more. A company's legal tail ("LEGO Group", "Apple Inc") is the company itself.
_NAME_RUN = r"(?:[A-Z][\w'’.&-]*\s+){0,4}[A-Z][\w'’.&-]*"
_BODY_ASKED = re.compile(rf"\s*(?:of|at|for)\s+(?:the\s+)?(?P<body>{_NAME_RUN})")
_SAME_BODY_TAILS = {
    "group", "inc", "ltd", "corp", "corporation", "company", "co", "holdings", "plc", "ag", "sa", "llc",
}  # fmt: skip


def office_at_a_sibling(question: str, passage: str) -> bool:
    """Every time the passage names the asked office, it is at another body whose name holds the asked one:
    "CEO of The LEGO Foundation" for Lego's CEO, "creative director of Assassin's Creed Syndicate" for the
    film's director."""
    asked = ASKS_WHO_HOLDS.match(question)
    if asked is None:
        return False
    body = _BODY_ASKED.match(question, asked.end())
    if body is None:
        return False
    asked_words = {without_possessive(w).lower() for w in body.group("body").split()}
    office = office_words(asked.group("office"))
    held_at = re.compile(
        rf"\b(?i:{office}s?\s+(?:of|at)\s+(?:the\s+)?)(?P<after>{_NAME_RUN})|(?P<before>{_NAME_RUN})\s+(?i:{office})\b",
    )
    mentions = list(held_at.finditer(passage))
    if not mentions or len(mentions) < len(re.findall(rf"\b{office}s?\b", passage, re.IGNORECASE)):
        return False  # the office said without a body too

    def sibling(name: str) -> bool:
        words = {without_possessive(w).lower() for w in name.split()}
        # "New Vanguard CEO Tim Buckley": a word of when or how high is no other body's.
        return asked_words < words and bool(words - asked_words - _SAME_BODY_TAILS - _NOT_OF_THE_OFFICE)

    return all(sibling(m.group("after") or m.group("before")) for m in mentions)


# "Who claimed responsibility for the attack?" met by "There was no immediate claim of responsibility".
_ASKS_WHO_CLAIMED = re.compile(
    r"^\s*(?:who|which\s+[\w-]+)\b.*\bclaim(?:ed|s|ing)?\s+(?:of\s+)?responsibility\b", re.IGNORECASE
)  # not "Has anyone claimed responsibility?", which "No group has claimed it" answers
_NO_CLAIM = re.compile(
    r"\bno\s+(?:immediate\s+|one\s+|group\s+|organi[sz]ation\s+)?(?:has\s+|had\s+)?(?:yet\s+)?claim(?:ed)?\b|"
    r"\b(?:has|have|had)\s+not\s+(?:yet\s+)?(?:been\s+)?claimed\b|\bunclaimed\b|\bnobody\s+(?:has\s+|had\s+)?claimed\b",
    re.IGNORECASE,
)


# "Who was arrested for the shooting?" met by "police have yet to make an arrest".
# Not "Who was in charge of the inquiry?": only a word of when may stand before the verb.
_ASKS_WHO_WAS_ARRESTED = re.compile(
    r"^\s*(?:who|which(?:\s+[\w-]+){1,3}?)\s+(?:(?:was|were|has|have|had)\s+(?:been\s+)?"
    r"(?:(?:later|subsequently|eventually|first|then|finally)\s+)?(?:arrested|detained|charged)|"
    r"did\s+(?:the\s+)?[\w-]+\s+(?:arrest|detain))\b",
    re.IGNORECASE,
)
_NO_ARREST = re.compile(
    r"\bno\s+(?:one\s+|body\s+|suspects?\s+)?(?:has|have|had|was|were)\s+(?:yet\s+)?(?:been\s+)?"
    r"(?:arrested|detained|charged)\b|\bnobody\s+(?:has\s+|had\s+)?(?:yet\s+)?(?:been\s+)?"
    r"(?:arrested|detained|charged)\b|\bmade\s+no\s+arrests?\b|"
    r"\bno\s+(?:immediate\s+)?arrests?\b(?!\s+(?:record|warrant|history))|"
    r"\b(?:yet\s+to|not\s+yet)\s+(?:make|made|announce[ds]?)\s+(?:an?\s+|any\s+)?arrests?\b",
    re.IGNORECASE,
)
# An arrest the passage does report: "No one was arrested at the scene, but police later detained a man".
_AN_ARREST = re.compile(r"\b(?:arrested|detained|charged)\b", re.IGNORECASE)


def claim_denied(question: str, passage: str) -> bool:
    """The question asks who claimed an attack, or who was arrested for it, and the passage says nobody
    has been."""
    return bool(
        (_ASKS_WHO_CLAIMED.search(question) and _NO_CLAIM.search(passage))
        or (_ASKS_WHO_WAS_ARRESTED.search(question) and _nobody_arrested(passage))
    )


def _nobody_arrested(passage: str) -> bool:
    """The passage says nobody was arrested and reports no arrest beside it."""
    if _NO_ARREST.search(passage) is None:
        return False
    return _AN_ARREST.search(_NO_ARREST.sub(" ", passage)) is None


# "What did Al Jarreau die of?" asks a cause: "Al Jarreau passed away today" beside "he had been hospitalized
# for exhaustion" says that he died, not of what. News often reports a death without its cause.
_ASKS_CAUSE_OF_DEATH = re.compile(
    r"^\s*(?:what\s+(?:did|does|do)\s+.+?\s+die\s+(?:of|from)|what\s+(?:was|is|were)\s+the\s+causes?\s+of\s+"
    r"(?:.+?\s+)?death|how\s+did\s+.+?\s+die|what\s+killed\s+.+?)\s*\??\s*$",
    re.IGNORECASE,
)
_SAYS_A_CAUSE = re.compile(
    r"\b(?:died|dies|die|dead|death|deaths)\s+(?:\w+\s+)?(?:of|from|after|following|due\s+to|because)\b|"
    r"\bcause\s+of\s+(?:[\w'’-]+\s+){0,2}?death\b|\bsuccumb(?:ed|s)?\s+to\b|\bcomplications\b|"
    r"\b(?:killed|poisoned|shot|stabbed|murdered|drowned|strangled|suicide|overdose|assassinated|crash|"
    r"accident|attack|cancer|illness|disease|heart|stroke|battl\w+|fire|explosion|blast|infection|"
    r"pneumonia|failure|injuries|wounds)\b|\b(?:died|dies|die)\s+in\s+(?:a|an|the)\s+\w+",
    re.IGNORECASE,
)


def cause_unsaid(question: str, passage: str) -> bool:
    """The question asks what someone died of and the passage says no cause."""
    return bool(_ASKS_CAUSE_OF_DEATH.search(question)) and not _SAYS_A_CAUSE.search(passage)


# "five portions a day" is not "ten portions a day": a number the question counts something by, where the
# passage counts the same thing by another number only, is another figure's story. "10 more women were
# wounded" counts another group than "eight women" killed: an added group is compared with added groups only.
_COUNTED = re.compile(
    rf"(?<![\w$€£.,-])(\d[\d,]*|{'|'.join(CARDINALS)})[\s-]+(?:(more|other|additional|further)\s+)?"
    r"([a-z]{3,})\b",
    re.IGNORECASE,
)
# Units and scales, not counted things: "5 million", "10 percent", "3 times".
_NOT_COUNTED = {
    "million", "billion", "trillion", "thousand", "hundred", "percent", "per", "times", "and", "the", "for",
    "of", "to", "in", "on", "at", "or", "was", "were", "are", "have", "had", "has", "who", "that", "which",
}  # fmt: skip


def _counts(text: str) -> dict[str, set[str]]:
    """What ``text`` counts, by the counted word's first five letters, an added group ("10 more women") marked
    apart: {"porti": {"5"}, "+women": {"10"}}."""
    counts: dict[str, set[str]] = {}
    for match in _COUNTED.finditer(text):
        number, added, noun = match.group(1).lower().replace(",", ""), match.group(2), match.group(3).lower()
        if noun in _NOT_COUNTED or re.fullmatch(r"(?:1[89]|20)\d\d", number):
            continue
        counts.setdefault(("+" if added else "") + noun[:5], set()).add(CARDINALS.get(number, number))
    return counts


def count_conflict(question: str, passage: str) -> bool:
    """The question counts something by a number ("five portions") that the passage counts only by another."""
    asked = _counts(question.partition(": ")[0])  # not the earlier turn a follow-up carries after it
    if not asked:
        return False
    said = _counts(passage)
    return any(noun in said and not numbers & said[noun] for noun, numbers in asked.items())


def never_says_what_is_asked(question: str, passage: str) -> bool:
    """A passage about the right story that cannot answer: not the asked place in an order ("Mitch Seavey
    won" for who finished second), an office held before, another office or the office at a sibling body
    for who holds it, "no claim" or "no arrest" for who claimed an attack or was arrested for it, a death
    without its cause for what someone died of, or a count by another number."""
    return (
        position_missing(question, passage)
        or office_lapsed(question, passage)
        or office_of_a_deputy(question, passage)
        or office_unsaid(question, passage)
        or office_at_a_sibling(question, passage)
        or claim_denied(question, passage)
        or cause_unsaid(question, passage)
        or count_conflict(question, passage)
    )


def answer_type_penalty(question: str, passage: str) -> float:
    """No answer of the asked kind at all, or not the asked place in an order; or, for a date question, only
    a weekday or a "last week"."""
    kind = answer_type(question)
    if not has_answer_type(kind, passage, question) or position_missing(question, passage):
        return ANSWER_TYPE_PENALTY
    if kind == "time" and not _SPECIFIC_DATE.search(passage):
        return 0.0 if _clock_answers(question, passage) else VAGUE_DATE_PENALTY
    return 0.0
