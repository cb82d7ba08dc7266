"""Follow-up questions rewritten into standalone queries, deterministically and without a language model.

"When did he announce it?" after "What did Richard Trumka say about the AFL-CIO endorsement?" becomes
"When did Richard Trumka announce the AFL-CIO endorsement?"-like queries: pronouns are replaced by the most
recent entity of a fitting kind (a person for he/she, an organisation or thing for it/they), and elliptical
questions ("And the NEA?", "What about Sanders?") reuse the previous question with the entity swapped.
Earlier user turns are rewritten first, so a chain of follow-ups keeps its subject.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from service.answer.types import REFUSAL
from service.judge.answer_types import which_head, which_kind
from service.judge.answerability import CALENDAR_WORDS, QUESTION_WORDS
from service.judge.countries import is_peoples_adjective
from service.judge.name_matching import without_possessive

EntityKind = Literal["person", "group"]

_ORG_WORDS = {
    "association", "federation", "union", "unions", "council", "party", "department", "committee", "campaign",
    "times", "post", "house", "senate", "congress", "court", "agency", "group", "pac", "board", "company",
    "corporation", "university", "institute", "magazine", "state", "states", "nations", "workers", "teachers",
    "employees", "bank", "fund", "office", "ministry", "government", "administration", "commission",
    "partnership", "wikileaks", "convention", "caucus", "caucuses", "primary", "primaries", "assembly",
    "club", "league", "organisation", "organization",
}  # fmt: skip
_NOT_NAMES = QUESTION_WORDS | {
    "until", "since", "during", "after", "before", "if", "according", "under", "over", "from", "as",
    "compared", "besides", "did",
    "does", "do", "is", "are", "was", "were", "and", "but", "or", "the", "a", "an", "in", "on", "at", "of",
    "to", "for", "by", "with", "about",
    "can", "could", "would", "should", "will", "has", "have", "had", "i", "tell", "me", "please", "so",
    "then", "also", "mr", "ms", "mrs", "dr", "yes", "no", "ok", "okay",
    "he", "she", "it", "they", "we", "you", "his", "her", "its", "their", "this", "that", "these", "those",
}  # fmt: skip
_TITLES = {"mr", "ms", "mrs", "dr", "sen", "senator", "president", "secretary", "mayor", "gov", "governor"}
# "Park Geun-hye Friday": a day or month after a name is when, not part of who ("Theresa May" keeps May).
_WHEN_WORDS = CALENDAR_WORDS - {"may"}
_PREPOSITIONS = {
    "to", "for", "with", "about", "from", "by", "at", "in", "on", "over", "than", "after", "before", "into",
}  # fmt: skip

# A run of capitalised words (with "of", "the", "and" allowed inside), or an acronym such as AFL-CIO.
_ENTITY = re.compile(
    r"\b(?:[A-Z][A-Za-z.'’&-]*|[A-Z]{2,}(?:-[A-Z]{2,})*)"
    r"(?:\s+(?:(?:of|the|and|for|de)\s+)?(?:[A-Z][A-Za-z.'’&-]*|[A-Z]{2,}(?:-[A-Z]{2,})*))*"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’]?\s+|\[\d+\]\s+|[“\"]|-\s+)\s*$")
_PRONOUN = re.compile(r"\b(he|him|his|she|her|hers|they|them|their|it|its)\b", re.IGNORECASE)
_ELLIPSIS = re.compile(
    r"^\s*(?:and what about|and how about|what about|how about|and|same for|what of)\s+(?P<subject>.+?)"
    r"\s*\??\s*$",
    re.IGNORECASE,
)

_FAMILY = {
    "he": "he", "him": "he", "his": "he", "she": "she", "her": "she", "hers": "she",
    "it": "it", "its": "it", "they": "they", "them": "they", "their": "they",
}  # fmt: skip
_POSSESSIVES = {"his", "hers", "its", "their"}
# "send her their reports", "give her a medal": "her" before a determiner is the object, not a possessive.
_DETERMINERS = {
    "a", "an", "the", "their", "his", "its", "this", "that", "these", "those", "our", "my", "your",
}  # fmt: skip
# "When must Ofcom and the CMA send their reports?": the question's own pair is who "they" are.
_PAIR_BEFORE = re.compile(
    r"\b[A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*)*\s+and\s+(?:the\s+)?[A-Z][\w'’.&-]*\b(?:(?!\band\b).)*$"
)


@dataclass(frozen=True)
class Entity:
    text: str
    kind: EntityKind
    label: str = ""  # the recognizer's label, when it knows the name ("GPE", "ORG", ...)


@dataclass(frozen=True)
class Turn:
    role: str
    content: str


def as_turns(history: Sequence[Turn | Mapping[str, str]]) -> list[Turn]:
    """The chat turns as ``Turn``s, whether they came as turns or as ``{"role", "content"}`` mappings."""
    return [t if isinstance(t, Turn) else Turn(t.get("role", ""), t.get("content", "")) for t in history]


# spaCy's labels (when a recognizer is at hand) for the two kinds the pronoun rules tell apart: "he" never
# means Missouri, "it" never means a musher.
_PERSON_LABELS = {"PERSON"}
_GROUP_LABELS = {"ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
Labeller = Callable[[str], Mapping[str, str]]  # text -> {entity text: label}
# (question, answer text) -> the name the answer gives and its label ("Betsy DeVos", "PERSON"), or None
ShortAnswer = Callable[[str, str], tuple[str, str] | None]
_NOT_NAME_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_PLACE_OR_BODY_LABELS = {"GPE", "LOC", "NORP", "FAC", "ORG"}
_PLACE_LABELS = {"GPE", "LOC"}


# An age in apposition ("Steinmeier, 61,") follows only a person.
_PERSON_CUE = re.compile(r"^['’]?s?,\s*\d{1,3},")


def _has_org_word(name: str) -> bool:
    return any(w.strip(".'’").lower() in _ORG_WORDS for w in name.split())


def _inside_label(name: str, labels: Mapping[str, str], kinds: set[str]) -> bool:
    """The name is, or lies inside, a span the recognizer labelled with one of ``kinds``."""
    inside = re.compile(rf"\b{re.escape(name)}\b")
    return any(label in kinds and inside.search(span) for span, label in labels.items())


def _label_of(name: str, labels: Mapping[str, str] | None) -> str:
    """The recognizer's label for the name, for a labelled span holding it ("the Emory-Tibet Symposium"), or
    for a labelled name inside it: a person's first ("Blairo Maggi" of "Agriculture Minister Blairo Maggi"),
    else the first ("Herero" of "Herero and Nama")."""
    if not labels:
        return ""
    if name in labels:
        return labels[name]
    inside = re.compile(rf"\b{re.escape(name)}\b")
    for span, label in labels.items():
        if label not in _NOT_NAME_LABELS and inside.search(span):
            return label
    within = [
        label
        for span, label in labels.items()
        if label not in _NOT_NAME_LABELS and re.search(rf"\b{re.escape(span)}\b", name)
    ]
    return "PERSON" if "PERSON" in within else next(iter(within), "")


def classify(name: str, labels: Mapping[str, str] | None = None) -> EntityKind:
    return _kind(name, _label_of(name, labels))


def _kind(name: str, label: str) -> EntityKind:
    """Person or group, from the recognizer's label for the name, else from how the name looks."""
    if label in _PERSON_LABELS:
        return "person"
    if label in _GROUP_LABELS:
        return "group"
    if _has_org_word(name):
        return "group"
    if re.fullmatch(r"[A-Z]{2,}(-[A-Z]{2,})*", name.split()[-1]):
        return "group"
    if name.lower().startswith("the "):
        return "group"
    return "person"


# A sentence's end inside a run of capitals ("in Hollywood. Oscars host"), not an initial ("U.S.", "Jr.") or
# an abbreviation ("Capt. Sullenberger", "Warner Bros. Pictures").
_SENTENCE_END_IN_RUN = re.compile(
    r"(?<![\w.])(?!(?:Capt|Prof|Corp|Bros|Sept|Messrs|Supt|Insp|Cmdr|Dept|Univ|Assn|Hon|Rev|Gov|Sgt|Col|Gen|"
    r"Adm|Lieut|Cpl|Pvt|Ltd|Inc|Mass|Calif|Penn|Wash|Mich|Minn|Conn|Tenn|Okla|Ariz|Colo|Nev|Wis|Ala)\.)"
    r"(?P<word>[A-Z]?[a-z]{3,})\.\s+"
)
_GLUED_WORD = re.compile(r"(.+?)-[a-z]{5,}")  # not "Moon Jae-in", "Park Geun-hye"


def _runs(text: str) -> Iterator[re.Match[str]]:
    """``_ENTITY``'s runs, each cut where a sentence ends inside it."""
    for match in _ENTITY.finditer(text):
        start = match.start()
        for cut in _SENTENCE_END_IN_RUN.finditer(text, match.start(), match.end()):
            if piece := _ENTITY.match(text, start, cut.end("word")):
                yield piece
            start = cut.end()
        if piece := _ENTITY.match(text, start, match.end()):
            yield piece


def find_entities(text: str, labeller: Labeller | None = None) -> list[Entity]:
    """Named entities in order of appearance, sentence-initial question words and titles stripped; with a
    ``labeller``, its labels decide each entity's kind where it knows the name."""
    labels = labeller(text) if labeller is not None and text.strip() else None
    found: list[Entity] = []
    for match in _runs(text):
        words = match.group(0).split()
        while words and words[0].strip(".'’").lower() in _NOT_NAMES | _TITLES:
            words = words[1:]
        while words and words[-1].strip(".,'’").lower() in {"of", "the", "and", "for", "de"} | _WHEN_WORDS:
            words = words[:-1]
        if not words:
            continue
        name = " ".join(words).rstrip("'’.")
        name = without_possessive(name)
        glued = _GLUED_WORD.fullmatch(name)
        if glued and labels and (glued.group(1) in labels or f"{glued.group(1)}-" in labels):
            name = glued.group(1)  # the source lost a space: "Oscars host Jimmy Kimmel-shared his take"
        if not name:
            continue
        if labels and _inside_label(name, labels, _NOT_NAME_LABELS):
            continue  # "March", "Friday", "February" of "February 2017": no one a pronoun can mean
        label = _label_of(name, labels)
        kind = _kind(name, label)
        if (
            labels is not None
            and not label
            and words == match.group(0).split()
            and len(words) == 1
            and _SENTENCE_START.search(text[: match.start()])
        ):
            continue  # "Luxury retailer Tripidi ...": a capital the sentence gave, no name the recognizer saw
        if kind == "group" and _PERSON_CUE.search(text[match.end() :][:12]) and not _has_org_word(name):
            kind = "person"  # "Steinmeier, 61, said": the recognizer's WORK_OF_ART, but an age says who
        # Keep the article of "the AFL-CIO" so the rewritten question still reads as English.
        if (
            kind == "group"
            and text[: match.start()].lower().endswith("the ")
            and words == match.group(0).split()
        ):
            name = f"the {name}"
        found.append(Entity(name, kind, label))
    # One name, one kind: "Steinmeier" is a person in every mention once one mention shows it, unless the
    # recognizer calls that mention a place or a body ("Jordan" beside "Michael Jordan").
    people = {_last_word(e) for e in found if e.kind == "person"}
    return [
        Entity(e.text, "person", e.label)
        if _last_word(e) in people
        and not _has_org_word(e.text)
        and (labels or {}).get(e.text.removeprefix("the ")) not in _PLACE_OR_BODY_LABELS
        else e
        for e in found
    ]


def _pick(entities: Sequence[Entity], kind: EntityKind, family: str = "") -> Entity | None:
    """The most salient entity of a kind in one turn: the one mentioned most ("Steinmeier ... Steinmeier,
    61," over a passing "Angela Merkel"), then full names before bare surnames, then the earlier.

    "it" is a body, an event or a thing, never a country, a city or a nationality, and a landmark only when
    nothing else is at hand: "When did it end?" after "Where in India did the Dalai Lama preside over the
    Emory-Tibet Symposium?" means the symposium, and "Where did it happen?" after a question about Turkey is
    left for the previous turn to explain. "its" and "they" may be a place's when nothing else is at hand
    ("What is its capital?"), and "they" a people's ("the Russians"), never a nationality's adjective
    ("Russian")."""
    matching = [e for e in entities if e.kind == kind]
    if family == "it":  # a country or a city, not a landmark ("the Eiffel Tower" is a LOC to the recognizer)
        matching = [e for e in matching if e.label not in {"GPE", "NORP"}]
    elif family == "its":
        matching = [e for e in matching if e.label != "NORP"]
    elif family == "they":  # "the Russians", "the Chinese" may be "they"; "Russian" is an adjective
        matching = [
            e
            for e in matching
            if (e.label != "NORP" and not is_peoples_adjective(e.text))
            or e.text.endswith("s")
            or e.text.startswith("the ")
        ]
    if family in {"it", "its", "they"}:
        matching = [e for e in matching if e.label not in _PLACE_LABELS] or matching
    if not matching:
        return None
    mentions = Counter(_last_word(e) for e in matching)
    most = max(mentions.values())
    frequent = [e for e in matching if mentions[_last_word(e)] == most]
    full = [e for e in frequent if len(e.text.removeprefix("the ").split()) >= 2]
    first = (full or frequent)[0]
    for entity in matching:  # "Trumka" first, "Richard Trumka" later: take the full mention
        if first.text in entity.text and len(entity.text) > len(first.text):
            first = entity
    return first


def _last_word(entity: Entity) -> str:
    return entity.text.split()[-1].lower()


# Lower case, as typed after "and": "What about Will Hurd?" names someone; "what about" is an ellipsis.
_ASKS_ITSELF = re.compile(
    r"(?!(?:what|how)\s+about\b)"
    r"(?:who|whom|whose|what|which|when|where|why|how|is|are|was|were|did|does|do|can|will|has|have)\b"
)
_HAPPENED = re.compile(r"\s+(?:happen|happened|take place|took place|occur|occurred)\b", re.IGNORECASE)


def resolve_pronouns(question: str, context: Sequence[Sequence[Entity]]) -> str:
    """Replace pronouns with entities from the most recent turn that has one of the right kind.

    Different pronoun families in one question ("what did she write to him?") get different entities, and
    so do a subject and an object of one ("Why did she want her to apologize?").
    """
    assigned: dict[str, Entity] = {}

    def antecedent(kind: EntityKind, family: str) -> Entity | None:
        if family in assigned:
            return assigned[family]
        taken = set(assigned.values())
        for entities in context:
            chosen = _pick([e for e in entities if e not in taken], kind, family)
            if chosen:
                assigned[family] = chosen
                return chosen
        return None

    def substitute(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        family = _FAMILY[lower]
        after = question[match.end() :].lstrip()
        next_word = re.match(r"[A-Za-z]+", after)
        possessive = lower in _POSSESSIVES or (
            lower == "her"
            and next_word is not None
            and next_word.group(0).lower() not in _PREPOSITIONS | _DETERMINERS
        )
        if lower != "them" and family == "they" and _PAIR_BEFORE.search(question, 0, match.start()):
            return word
        if family in {"he", "she"}:
            object_form = lower == "him" or (lower == "her" and not possessive)
            if object_form and _SUBJECT_JUST_BEFORE[family].search(question, 0, match.start()):
                # "Why did she want her to apologize?": two women; "fine him after he won": one man.
                family += " (object)"
            entity = antecedent("person", family)
        elif family == "it" and _HAPPENED.match(question, match.end()):
            return word  # "Where did it happen?" asks about the previous turn's event, not a body it names
        elif family == "it":
            # "its capital" may be a country's; "Where did it happen?" is never one.
            entity = antecedent("group", "its" if lower == "its" else family)
        else:
            # "they" is a body or a people; a lone person it rarely is ("the unions", "the two passengers"
            # are left for the previous turn to explain).
            entity = antecedent("group", family)
        if entity is None:
            return word
        name = without_possessive(entity.text)  # "Graham Spanier's lawyers" names Graham Spanier
        return f"{name}'s" if possessive else name

    return _PRONOUN.sub(substitute, question)


def swap_subject(previous: str, subject: str) -> str:
    """'And the NEA?' after 'When did the AFL-CIO endorse Clinton?' -> 'When did the NEA endorse Clinton?'."""
    new = Entity(subject.strip(), classify(subject.strip()))
    for entity in find_entities(previous):
        if entity.kind == new.kind:
            bare = entity.text.removeprefix("the ")
            return re.sub(rf"(\bthe\s+)?{re.escape(bare)}", new.text, previous, count=1)
    return f"{previous.rstrip(' ?')} {new.text}?"


def rewrite_followup(
    question: str,
    history: Sequence[Turn | dict[str, str]],
    labeller: Labeller | None = None,
    short_answer: ShortAnswer | None = None,
) -> str:
    """A standalone version of ``question`` given the earlier turns (oldest first).

    With ``short_answer``, the name an earlier answer gave its question is the one nearest the question's
    own words ("Betsy DeVos was confirmed after Mike Pence broke the tie" answers "who was confirmed" with
    DeVos); without, the one it mentions most."""
    turns = as_turns(history)
    standalone: list[str] = []  # earlier user questions, each already rewritten
    answers_after: list[str] = []  # the assistant text that followed each of them
    for turn in turns:
        if turn.role == "user" and turn.content.strip():
            standalone.append(_rewrite_one(turn.content, standalone, answers_after, labeller, short_answer))
            answers_after.append("")
        elif turn.role == "assistant" and answers_after:
            answers_after[-1] += " " + turn.content
    return _rewrite_one(question, standalone, answers_after, labeller, short_answer)


# "Who offered ...?" is answered by a person: a "he" that follows means that person, not the question's.
_ASKS_FOR_PERSON = re.compile(r"^\s*(who|whom|which (man|woman|person|official|player))\b", re.IGNORECASE)
_ASKS_WHICH = re.compile(r"^\s*(who|whom|which)\b", re.IGNORECASE)
_ASKS_FOR_OBJECT = re.compile(
    r"^\s*(who|whom)\s+(did|does|do|will|would|can|could|should|has|have|had)\b", re.IGNORECASE
)
_INSTEAD = re.compile(r"\binstead\b(?!\s+of\b)", re.IGNORECASE)
# "Which film", "which country": things, not people, even when the answer names people too.
_THING_WORDS = {
    "film", "movie", "country", "city", "town", "team", "firm", "network", "newspaper", "missile", "song",
    "album", "book", "show", "programme", "program", "event", "bill", "law", "treaty", "deal", "airline",
    "brand", "product", "drug", "ship", "vehicle", "weapon", "website", "app", "station", "channel",
    "retailer", "carrier", "maker", "manufacturer", "chain", "operator", "insurer", "broadcaster",
    "publisher", "startup", "platform", "service", "exchange", "festival", "tournament", "contest", "race",
}  # fmt: skip
# "Who is Tom Buffenbarger?" is about the person it names, answered or not.
_ASKS_ABOUT_NAMED = re.compile(r"^\s*(?i:who\s+(is|was))\s+[A-Z]")
# "Which nominee for labor secretary withdrew?": the thing asked for is what the answer names.
_WHICH_PHRASE = re.compile(r"^\s*which\s+", re.IGNORECASE)
_WHICH_PLACE = re.compile(
    r"^\s*(?:in\s+)?(?:which|what)\s+(?:country|city|town|state|region|province|capital|nation|place)\b",
    re.IGNORECASE,
)
_ASKS_WHERE = re.compile(r"^\s*(?:from\s+)?where\b", re.IGNORECASE)
# A subject pronoun a word or two before an object one: "she want her", "he told him".
_SUBJECT_JUST_BEFORE = {
    family: re.compile(rf"\b{family}\s+(?:\w+\s+){{0,1}}\w+\s+$", re.IGNORECASE) for family in ("he", "she")
}
_PERSON_PRONOUN = re.compile(r"\b(he|him|his|she|her|hers)\b", re.IGNORECASE)
# "When was that?" after "Who offered a jet to get Clinton to the endorsement dinner?" asks when the dinner
# was: the event the previous question names is what has a time and a place, not the whole question. Asked
# with the whole question beside it, the judge reads a query no article sentence resembles.
_WHEN_OR_WHERE_OF_THAT = re.compile(
    r"^\s*(?P<ask>when|where|what time|what day|on what date|on what day)\s+"
    r"(?:(?P<be>was|is|were|will be)\s+(?:that|this)"
    r"|(?P<aux>did|does|will)\s+(?:that|this)\s+(?P<verb>happen|take place|start|begin|end|open|close))"
    r"\s*\??\s*$",
    re.IGNORECASE,
)
EVENT_WORDS = {
    "dinner", "lunch", "breakfast", "banquet", "gala", "reception", "ceremony", "celebration",
    "funeral", "wedding", "memorial", "vote", "ballot", "election", "referendum", "runoff", "run-off",
    "meeting", "summit", "talks", "conference", "symposium", "forum", "convention", "session", "hearing",
    "trial", "inquiry", "debate", "speech", "interview", "briefing", "announcement",
    "rally", "protest", "march", "demonstration", "strike", "walkout", "attack", "shooting", "bombing",
    "explosion", "blast", "raid", "crash", "collision", "accident", "fire", "earthquake", "storm", "flood",
    "launch", "match", "game", "final", "race", "tournament", "contest", "championship", "festival",
    "concert", "exhibition", "premiere", "visit", "trip", "tour", "inauguration", "signing", "event",
    "operation", "offensive", "invasion", "coup", "riot", "clashes", "auction", "awards", "ceremonies",
}  # fmt: skip
# Words that end an event's name going back from its head: the question's own frame, not the event's.
_EVENT_NAME_STOPS = _NOT_NAMES | _PREPOSITIONS | {"get", "got", "won", "win", "held", "hold", "attend"}
_EVENT_NAME_WORDS = 4
_AUXILIARIES = {
    "did", "does", "do", "will", "would", "can", "could", "should", "to", "didn't", "won't", "may", "might",
}  # fmt: skip
# An event word before these is a verb with its object: "fire Comey", "launch the rocket".
_OBJECT_WORDS = {"the", "a", "an", "his", "her", "their", "its", "him", "them", "it", "this", "that"}
_EVENT_QUALIFIER = re.compile(
    r"\s+(?:at|in|on|of|for|over|against|near|outside)\s+(?:the\s+)?"
    r"(?:(?!(?:at|in|on|of|for|to|and|or|by|with|after|before|during|that|which|who)\b)[\w'’.-]+\s*){1,4}"
    r"(?<![\s?.!,])",
    re.IGNORECASE,
)
_WORD_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*")

# "When was that?", "Where did this happen?": the event of the previous turn, which no pronoun rule names.
_EVENT_REFERENCE = re.compile(r"\b(that|this|it|instead|then|else|again|too|also)\b", re.IGNORECASE)
EVENT_FOLLOW_UP_WORDS = 8
# "By what year are those cars meant to be on sale?", "When did the court reject the previous attempt?": a
# noun pointed back at is the previous turn's, in a longer question too. Not "those arrested" or "those who
# voted", which say whom they mean, nor "the former president" or "the latter half".
_POINTS_BACK = re.compile(
    r"\b(?:those\b(?!\s+(?:who|whom|that|which|with|in|on|at|from|[a-z]+ed)\b)|these\b|"
    r"the (?:previous|earlier) [a-z]|the same (?!time\b)[a-z])",
    re.IGNORECASE,
)
POINTING_FOLLOW_UP_WORDS = 16
_OPENING_ARTICLE = re.compile(r"^(?:the|a|an)\b")


# "Who were they?" after "How many Palestinians were killed in the air strike?": they are the ones counted,
# not any Palestinians ("Who were Palestinians?" finds an essay on the diaspora).
_COUNTED_ONES = re.compile(
    r"^\s*how many (?P<who>[\w'’-]+(?: [\w'’-]+){0,3}?) (?:were|was|have been|had been|are|got) "
    r"(?P<what>[^?]+?)\s*\??\s*$",
    re.IGNORECASE,
)
_THEY = re.compile(r"\b(they|them|their)\b", re.IGNORECASE)
# Only asking who they were: "Who were they?", "What were their names?", "Where were they from?", "How old
# were they?" ("Did they win a majority?" after "How many seats were won by the Conservatives?" is not).
_WHO_THEY_WERE = re.compile(
    r"^\s*(?:who|what|where|how old)\s+(?:were|are|was)\s+(?:they|their\s+\w+)(?:\s+from)?\s*\??\s*$",
    re.IGNORECASE,
)


def _about_the_counted(question: str, previous: str) -> str | None:
    counted = _COUNTED_ONES.match(previous)
    if (
        counted is None
        or not _WHO_THEY_WERE.match(question)
        or counted.group("who").lower().startswith("of ")
    ):
        return None
    ones = f"the {counted.group('who')} {counted.group('what')}"
    # "What were their names?" -> "What were the names of the Palestinians killed ...?"
    rewritten = re.sub(r"\btheir\s+(\w+)", rf"the \1 of {ones}", question, count=1, flags=re.IGNORECASE)
    rewritten = _THEY.sub(ones, rewritten, count=1) if rewritten == question else rewritten
    return rewritten if rewritten != question else None


# "Which two Weather Channel contractors died?" is answered with two people: "they" next are those people, not
# the channel ("Which Missouri town were they from?").
_ASKS_FOR_PEOPLE = re.compile(r"^\s*(?:which|what)\s+(?P<count>two|three|four|five|\d)\s", re.IGNORECASE)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}


def _about_the_people_answered(
    question: str, asked: str, answered: str, labeller: Labeller | None
) -> str | None:
    wanted = _ASKS_FOR_PEOPLE.match(asked)
    if wanted is None or not _THEY.search(question) or answered.strip() == REFUSAL:
        return None
    if which_kind(asked) != "person":
        return None  # "Which two countries signed?" is answered with countries, whoever signed for them
    count = wanted.group("count").lower()
    how_many = _COUNT_WORDS.get(count, int(count) if count.isdigit() else 2)
    people: list[str] = []
    for entity in find_entities(answered, labeller):
        named = sum(1 + p.count(" and ") for p in people)  # "Kelley Williamson and Randy Yarnall" is one run
        if named >= how_many:
            break
        if entity.kind == "person" and entity.text not in asked and entity.text not in people:
            people.append(entity.text)
    if sum(1 + p.count(" and ") for p in people) < 2:
        return None
    names = " and ".join(people)
    return _THEY.sub(lambda m: f"{names}'s" if m.group(0).lower() == "their" else names, question)


# "Who introduced the two of them?" after "Which lawmaker says he gave Michael Cohen a peace plan?" answered
# with Andrii Artemenko means those two people, not a body or a place the turn named.
# An answer naming two new people ("Siti Aisyah and Doan Thi Huong smeared VX ...") is the pair itself.
_THE_PAIR = re.compile(r"\b(?:the two of them|both of them|the two men|the two women)\b", re.IGNORECASE)


def _about_the_pair(
    question: str, asked: str, answered: str, labeller: Labeller | None, short_answer: ShortAnswer | None
) -> str | None:
    if not _THE_PAIR.search(question) or answered.strip() == REFUSAL:
        return None
    lead = answered.split(" [1]")[0]
    new = [e.text for e in find_entities(lead, labeller) if e.kind == "person" and e.text not in asked]
    names = new[:1] if new and " and " in new[0] else new[:2]  # "Siti Aisyah and Doan Thi Huong" is one run
    pair = " and ".join(names)
    together = r",?\s+and\s+".join(re.escape(name) for name in names)
    if " and " in pair and re.search(rf"\b{together}\b", lead):
        return _THE_PAIR.sub(pair, question)  # "Siti Aisyah and Doan Thi Huong smeared VX ..."
    # Named apart, the answer's person and the question's other one are the pair: Artemenko "discussed his
    # proposal with US President Donald Trump's personal lawyer Michael Cohen" is Artemenko and Cohen.
    named = _answered(asked, answered, labeller, short_answer)
    others = [e.text for e in find_entities(asked, labeller) if e.kind == "person"]
    if named is not None and named.kind == "person" and len(others) == 1 and others[0] not in named.text:
        return _THE_PAIR.sub(f"{named.text} and {others[0]}", question)
    if " and " in pair:
        return _THE_PAIR.sub(pair, question)
    return None


def _named_by_its_kind(
    question: str, asked: str, answered: str, labeller: Labeller | None, short_answer: ShortAnswer | None
) -> str:
    """ "the company" after "Which company priced its IPO?" is the company the answer named: "In which city is
    the company based?" -> "In which city is Snap Inc based?"."""
    head = which_head(asked)
    if head is None:
        return question
    kind_named = re.compile(rf"\b(?:the|that|this)\s+{re.escape(head)}\b", re.IGNORECASE)
    if not kind_named.search(question):
        return question
    named = _answered(asked, answered, labeller, short_answer)
    if named is None or (named.kind == "person") != (which_kind(asked) == "person"):
        return question  # "the company" after "Which company's CEO resigned?" is no CEO
    return kind_named.sub(named.text, question, count=1)


_THERE = re.compile(r"\bthere\b", re.IGNORECASE)
# "Were there ...?", "there is": the existential "there" points at no place.
_BE_WORDS = {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "'s", "’s"}


def _there_as_the_place(
    question: str, asked: str, answered: str, labeller: Labeller | None, short_answer: ShortAnswer | None
) -> str:
    """ "there" after a question that asked for a place is the place the answer gave: "Which school there did
    most of the victims attend?" after "In which prefecture did the avalanche kill seven students?" ->
    "Which school in Tochigi Prefecture did ...?"."""
    there = _THERE.search(question)
    if there is None or not (_asked_place(asked) or which_kind(asked) == "place" or _ASKS_WHERE.match(asked)):
        return question
    before = question[: there.start()].split()
    after = question[there.end() :].split()
    if (before and before[-1].lower() in _BE_WORDS) or (after and after[0].lower() in _BE_WORDS):
        return question  # "there's" too: its "'s" is the word after
    named = _given_name(asked, answered, short_answer, labeller)
    if named is None:
        return question
    return f"{question[: there.start()]}in {named.text}{question[there.end() :]}"


# A follow-up that leans on the previous turn is written "<follow-up>: <the previous turn as a statement>?".
CONTEXT_SEPARATOR = ": "
_ASKED_BEFORE_CONTEXT = re.compile(
    r"^\s*(?:who|whom|whose|what|which|when|where|why|how|in|on|at|by|for|from|to|with|since|is|are|was|"
    r"were|did|does|do|has|have|had|can|could|will|would)\b[^:?]*$",
    re.IGNORECASE,
)


def _rewrite_one(
    question: str,
    previous: Sequence[str],
    answers: Sequence[str],
    labeller: Labeller | None = None,
    short_answer: ShortAnswer | None = None,
) -> str:
    question = question.strip()
    if not previous:
        return question
    ellipsis = _ELLIPSIS.match(question)
    if ellipsis and _ASKS_ITSELF.match(ellipsis.group("subject")):
        # "And who was his Russian counterpart?" is a question of its own, not "And the NEA?".
        subject = ellipsis.group("subject")
        question, ellipsis = f"{subject[:1].upper()}{subject[1:]}?", None
    if ellipsis and len(ellipsis.group("subject").split()) <= 5:
        return swap_subject(previous[-1], ellipsis.group("subject"))
    event_question = _ask_about_event(question, previous[-1])
    if event_question is not None:
        return event_question
    counted = _about_the_counted(question, previous[-1])
    if counted is not None:
        return counted
    people = _about_the_people_answered(question, previous[-1], answers[-1], labeller)
    if people is not None:
        return people
    pair = _about_the_pair(question, previous[-1], answers[-1], labeller, short_answer)
    if pair is not None:
        return pair
    # Most recent first: the last question, then the answer to it, then older questions. The answer goes
    # first when the question asked for a person: its person is who a "he" or "she" now means.
    context: list[list[Entity]] = []
    for asked, answered in zip(reversed(previous), reversed(answers), strict=True):
        refused = answered.strip() == REFUSAL
        answered = "" if refused else answered
        asked_entities, answer_entities = find_entities(asked, labeller), find_entities(answered, labeller)
        if _ASKS_WHICH.match(asked):
            # "Which pioneer died?" is answered by a name the question never had: that is who "he" means.
            new = _not_named_in(answer_entities, asked)
            given = _given_name(asked, answered, short_answer, labeller)
            if given is None and not refused and _asked_thing(asked):
                given = _first_named_thing(asked, answered, labeller)
            if given is not None:
                # The answer to "Which country won?" is what "it" means next, a place or not.
                context.append([replace(given, label="") if _asked_place(asked) else given])
            nameless = which_kind(asked) == "person" and _describes_unnamed(asked, answered)
            unnamed = refused or (nameless and not any(e.kind == "person" for e in new))
            if unnamed and not _ASKS_ABOUT_NAMED.match(asked):
                # Unanswered, "Whom did Trump nominate to Scalia's seat?" leaves "he" unknown, not Scalia; so
                # does an answer that speaks of the asked one without a name ("an employee of Air Koryo" for
                # "Which Air Koryo employee is wanted over Kim Jong Nam's murder?"): not Kim Jong Nam.
                asked_entities = [e for e in asked_entities if e.kind != "person"]
                answer_entities = [e for e in answer_entities if e.kind != "person"]
            if _ASKS_FOR_PERSON.match(asked) or (given is not None and given.kind == "person"):
                # The answer's new person is who "he" means; "it" still means what the question was about:
                # "How many stores did it close?" after "Who was RadioShack's chief executive?" is not about
                # the Sprint the answer mentions in passing.
                context.extend([[e for e in new if e.kind == "person"], asked_entities, new, answer_entities])
            else:
                context.extend([new, asked_entities, answer_entities])
        else:
            if _ASKS_WHERE.match(asked):
                # The answer to "Where was the survivor taken?" names a place, one word the small recognizer
                # may call a person ("taken to Lampedusa"): no "he" after it ("shot Amri dead in Milan" is).
                answer_entities = [e for e in answer_entities if not _place_misread(e, answered)]
            context.extend([asked_entities, answer_entities])
    resolved = _named_by_its_kind(
        resolve_pronouns(question, context), previous[-1], answers[-1], labeller, short_answer
    )
    resolved = _there_as_the_place(resolved, previous[-1], answers[-1], labeller, short_answer)
    instead = _INSTEAD.search(resolved)
    if instead is not None:
        # "Who did Trump pick instead?": instead of the one the last answer named, a query search can use.
        named = _answered(previous[-1], answers[-1], labeller, short_answer)
        if named is not None:
            return f"{resolved[: instead.end()]} of {named.text}{resolved[instead.end() :]}"
    unresolved = _PERSON_PRONOUN.search(resolved) is not None
    leans = resolved == question and (
        _leans_on_previous(question, labeller)
        or (_points_back(question) and _names_nothing_new(question, previous[-1], answers[-1], labeller))
    )
    if leans or unresolved:
        statement = _as_statement(previous[-1], answers[-1], labeller, short_answer)
        # An opening article capitalised, as ``asked_part`` knows the carried turn: "The United States, the
        # country left ..."; a name keeps its own case ("eBay").
        statement = _OPENING_ARTICLE.sub(lambda m: m.group(0).capitalize(), statement)
        return f"{resolved.rstrip(' ?')}{CONTEXT_SEPARATOR}{statement}?"
    return resolved


def asked_part(query: str) -> str:
    """The follow-up's own question, without the previous turn written after it for context: what a passage
    must speak to ("How many projects were concluded?"), while the rest says about whom."""
    asked, separator, context = query.partition(CONTEXT_SEPARATOR)
    # Only what the rewriter writes so, a follow-up that points back or names nothing, carries the previous
    # turn: "How much did Avengers: Endgame make?" and "Who said: 'No'?" are whole questions.
    points_back = _PRONOUN.search(asked) or _leans_on_previous(asked, None) or _points_back(asked)
    written = separator and points_back and len(asked.split()) >= 3 and context[:1].isupper()
    return f"{asked}?" if written and _ASKED_BEFORE_CONTEXT.match(asked) else query


def named_event(question: str) -> tuple[str, str] | None:
    """The last event the question names, with the words that name it ("the endorsement dinner", "the 2017
    Iditarod sled dog race", "the vote on the health care bill"), and its head word ("dinner", "race",
    "vote"); None when it names none."""
    words = list(_WORD_RUN.finditer(question))
    for index in range(len(words) - 1, 0, -1):
        if not _is_event_word(words, index):
            continue
        start = index
        while (
            start > 0
            and index - start < _EVENT_NAME_WORDS
            and _names_event(words[start - 1].group(0))
            and question[words[start - 1].end() : words[start].start()].strip() == ""
        ):
            start -= 1
        end = words[index].end()
        # "the shooting at the Cameo nightclub", "the vote on the health care bill": which event it is.
        after = _EVENT_QUALIFIER.match(question, end)
        if after is not None:
            end = after.end()
        return question[words[start].start() : end].rstrip(), words[index].group(0)
    return None


def _is_event_word(words: Sequence[re.Match[str]], index: int) -> bool:
    """Whether the word at ``index`` names an event: not a month ("in March"), not a verb ("Why did Trump
    fire Comey?", "to launch the rocket")."""
    word = words[index].group(0)
    lower = word.lower()
    if lower not in EVENT_WORDS and not any(
        lower.endswith(ending) and lower[: -len(ending)] in EVENT_WORDS for ending in ("s", "es")
    ):
        return False
    if word[0].isupper() and lower in CALENDAR_WORDS:
        return False
    before = index - 1
    while before >= 0 and words[before].group(0)[0].isupper():
        before -= 1  # the names between an auxiliary and its verb: "did Trump fire"
    if before >= 0 and words[before].group(0).lower() in _AUXILIARIES:
        return False
    following = words[index + 1].group(0).lower() if index + 1 < len(words) else ""
    return following not in _OBJECT_WORDS


def _names_event(word: str) -> bool:
    """Whether ``word``, before an event word, is part of the event's name: not the question's frame, and
    not a verb ("Which senators boycotted hearings?" asks about hearings)."""
    lower = word.lower().removesuffix("'s").removesuffix("’s")
    return lower not in _EVENT_NAME_STOPS and not (word.islower() and len(lower) > 5 and lower.endswith("ed"))


def _ask_about_event(question: str, previous: str) -> str | None:
    """'When was that?' as 'When was the endorsement dinner?', when the previous question names an event."""
    match = _WHEN_OR_WHERE_OF_THAT.match(question)
    named = named_event(previous) if match is not None else None
    if match is None or named is None:
        return None
    event, head = named
    ask = match.group("ask")
    # "Mar-a-Lago's gala" takes no article; "the women's march" and "the New Year's Eve dinner" do.
    if not re.match(r"[A-Z]\S*['’]s\b", event):
        event = f"the {event}"
    if match.group("be"):
        plural = head.lower() not in EVENT_WORDS and match.group("be").lower() == "was"
        return f"{ask} {'were' if plural else match.group('be')} {event}?"
    return f"{ask} {match.group('aux')} {event} {match.group('verb')}?"


def _place_misread(entity: Entity, answer: str) -> bool:
    """A one-word "person" after a word of place ("to Mundgod", "the island of Lampedusa"): misread."""
    return (
        entity.kind == "person"
        and " " not in entity.text
        and re.search(
            rf"\b(?:in|to|at|near|from|into|(?:island|city|town|village|port|province|region) of)\s+"
            rf"{re.escape(entity.text)}\b",
            answer,
        )
        is not None
    )


def _leans_on_previous(question: str, labeller: Labeller | None) -> bool:
    """A short follow-up that points back ("When was that?", "Who did Trump pick instead?") or names
    nothing ("What was the final vote?") is about the previous turn; one that names its own subject ("What
    colour is the Gozo ferry?") stands alone."""
    if len(question.split()) > EVENT_FOLLOW_UP_WORDS:
        return False
    return bool(_EVENT_REFERENCE.search(question)) or not find_entities(question, labeller)


def _points_back(question: str) -> bool:
    """Whether a follow-up points back at a noun ("those cars"), at up to 16 words."""
    return len(question.split()) <= POINTING_FOLLOW_UP_WORDS and _POINTS_BACK.search(question) is not None


def _names_nothing_new(question: str, asked: str, answered: str, labeller: Labeller | None) -> bool:
    """Whether every name ``question`` gives is the previous turn's: "Which of these parties won the Dutch
    election?" after a question on the US one is a question of its own."""
    earlier = f"{asked} {answered}"
    return all(
        _named_in(re.sub(r"^the\s+", "", e.text, flags=re.IGNORECASE), earlier)
        for e in find_entities(question, labeller)
    )


_NAME_JOINER = r"[\s\-‐–]+"


def _named_in(name: str, text: str) -> bool:
    """Whether ``text`` names ``name``, in any case and with a hyphen or a space between its parts, but with a
    capital: "Kim Jong-nam" in an answer is the question's "Kim Jong Nam"; "Rice" is no "rice"."""
    words = [re.escape(word) for word in re.split(_NAME_JOINER, name.strip()) if word]
    pattern = rf"(?<!\w){_NAME_JOINER.join(words)}(?!\w)"
    return any(m.group(0)[:1].isupper() for m in re.finditer(pattern, text, re.IGNORECASE))


def _not_named_in(entities: Sequence[Entity], text: str) -> list[Entity]:
    """The entities ``text`` does not already name: an answer's new names."""
    return [e for e in entities if not _named_in(e.text, text)]


def _given_name(
    question: str, answer: str, short_answer: ShortAnswer | None, labeller: Labeller | None
) -> Entity | None:
    """The name ``short_answer`` finds in the answer for the question, as an entity; not a person the question
    names itself ("Kim Jong-nam" answers no "Which Air Koryo employee is wanted over Kim Jong Nam's
    murder?")."""
    if short_answer is None or labeller is None or not answer.strip() or answer.strip() == REFUSAL:
        return None
    found = short_answer(question, answer)
    if found is None:
        return None
    text, label = found
    # "Park" where the answer also says "Park Geun-hye": the full name searches better.
    word = re.compile(rf"\b{re.escape(text)}\b")
    fuller = [span for span, other in labeller(answer).items() if other == label and word.search(span)]
    kind: EntityKind = "person" if label in _PERSON_LABELS and not _asked_thing(question) else "group"
    if kind == "person" and _named_in(text, question):
        return None
    return Entity(max(fuller, key=len, default=text), kind, label)


def _answered(
    question: str, answer: str, labeller: Labeller | None, short_answer: ShortAnswer | None = None
) -> Entity | None:
    """The name the answer gave to the previous question's "who" or "which <thing>", if it gave one."""
    if answer.strip() == REFUSAL:
        return None
    if _ASKS_FOR_PERSON.match(question):
        given = _given_name(question, answer, short_answer, labeller)
        if given is not None and given.kind == "person":
            return given
        return _pick(_not_named_in(find_entities(answer, labeller), question), "person")
    which = _WHICH_PHRASE.match(question)
    if which is None:
        return None  # "When was the vote?" gave a date, not a name "instead" can mean
    given = _given_name(question, answer, short_answer, labeller)
    if given is not None:
        return given
    if _asked_thing(question):
        return _first_named_thing(question, answer, labeller)
    new = _not_named_in(find_entities(answer, labeller), question)
    if which_kind(question) == "person":
        # Not a nationality ("Malaysian") or a bare place, but a body the recognizer calls a place may stand
        # ("Texas-based Caddell Construction" for "Which contractor ...?").
        places = {
            span for span, label in (labeller(answer) if labeller else {}).items() if label in _PLACE_LABELS
        }
        bodies = [e for e in new if e.label != "NORP" and e.text not in places]
        return _pick(new, "person") or _pick(bodies, "group")
    return _pick(new, "person") or _pick(new, "group")


def _first_named_thing(question: str, answer: str, labeller: Labeller | None) -> Entity | None:
    """The body or thing a "Which retailer ...?" answer names. The question says what the name is; the
    recognizer's person or body for a one-word name it does not know ("Tripidi") says less than where the
    answer puts it: the first new name, places and full personal names ("Elon Musk said SpaceX ...") aside."""
    first = next(
        (
            e
            for e in find_entities(answer, labeller)
            if e.text not in question
            and e.label not in _PLACE_LABELS
            and not (e.kind == "person" and len(e.text.split()) > 1)
        ),
        None,
    )
    return Entity(first.text, "group", first.label) if first is not None else None


def _asked_place(question: str) -> bool:
    """'Which country ...?', 'In which city ...?': the answer is a place "it" may mean."""
    return bool(_WHICH_PLACE.match(question))


def _asked_thing(question: str) -> bool:
    """'Which retailer ...?', 'Which film ...?': the question asks for a body or a thing, not a person."""
    which = _WHICH_PHRASE.match(question)
    if which is None:
        return False
    thing = question[which.end() :].split(" ", 1)[0].lower()
    return thing in _ORG_WORDS or thing in _THING_WORDS


def _as_statement(
    question: str, answer: str, labeller: Labeller | None, short_answer: ShortAnswer | None = None
) -> str:
    """The previous question as what happened: its "who" or "which <thing>" filled in with the answer's
    name, if it gave one."""
    statement = question.strip().rstrip(" ?")
    named = _answered(statement, answer, labeller, short_answer)
    if named is None:
        return statement
    if _ASKS_FOR_OBJECT.match(statement):
        # "Whom did Trump choose ..." cannot take the name in place of "whom": name it beside.
        return f"{named.text}, {statement[0].lower()}{statement[1:]}"
    if _ASKS_FOR_PERSON.match(statement):
        return _ASKS_FOR_PERSON.sub(named.text, statement, count=1)
    # "Which nominee for US labor secretary withdrew" -> "Andrew Puzder, the nominee for US labor secretary
    # withdrew": the answer's name joins the event, which keeps its words for retrieval.
    return _WHICH_PHRASE.sub(f"{named.text}, the ", statement, count=1)


def _describes_unnamed(question: str, answer: str) -> bool:
    """Whether the answer speaks of the asked one without a name: "an employee of Air Koryo" for "Which Air
    Koryo employee is wanted ...?"."""
    head = which_head(question)
    if head is None:
        return False
    unnamed = rf"\b(?:a|an)\s+(?:[\w-]+\s+){{0,3}}{re.escape(head)}\b"
    return re.search(unnamed, answer, re.IGNORECASE) is not None
