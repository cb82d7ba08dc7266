"""Is a passage an answer, or merely about the right people?

The cross-encoder's logit says how relevant a passage is, and relevance is not enough: "When did Trumka
retire?" scores high on any sentence about Trumka that holds a date. What separates the two is whether the
passage speaks to the question's *focus*, the words that are not names: "retire", "salary", "first meet".
Each focus word must be found near the passage (the sentence, the one before and the one after), literally
(same stem) or as a near-synonym (MiniLM word vectors: "knew" ~ "aware", "stay" ~ "remain"). Years are
the date rules' business (``service.judge.dates``).

These checks are signals: how much each counts is learned (service.judge.model, ``newsdesk calibrate``).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ingest.chunking import WIRE_DATELINE
from ingest.embedding import Embedder
from ingest.keyword_index import STOPWORDS, analyze
from service.judge.countries import countries_named
from service.judge.dates import months
from service.judge.name_matching import BARE_TITLES, mentions_name, name_words, without_possessive
from service.judge.spelling import stems, word_stems
from service.judge.word_encoder import embed_words

# Words of time order change what is asked ("before joining", "first meet"): they stay in the focus.
TIME_ORDER_WORDS = {"before", "after", "until", "first", "last", "since", "during", "previously", "formerly"}
# Words that frame a question without saying what it is about.
GENERIC_WORDS = (set(STOPWORDS) - TIME_ORDER_WORDS) | {
    "many", "much", "kind", "type", "sort", "level", "share", "far", "big", "whose", "date", "day",
    "mentioned", "mention", "say", "says", "said", "tell", "told", "get", "got", "make", "made", "find",
    "found", "think",
    "happen", "happened", "article", "articles", "story", "report", "reported", "time", "year", "years",
    "people", "thing", "things", "according", "describe", "described", "name", "named", "exactly", "ever",
    "still", "really", "one", "give", "gave", "take", "took", "way", "reason", "called", "call", "meant",
    "mean", "supposed", "intended", "instead",
    # A reporter's hedge or a reader's impatience: "Who was allegedly paid?" is answered by "X was paid",
    # "When did the AFL-CIO finally endorse Clinton?" by "did not endorse Clinton until June".
    "allegedly", "reportedly", "apparently", "supposedly", "purportedly", "finally", "eventually",
    "ultimately", "actually", "currently", "recently",
    # "Roughly how many employees ...?" is answered by "nearly 11,000 employees".
    "roughly", "approximately",
    # "In which month had she visited China?" is answered by "in August": the date rules check the kind.
    "month", "months", "week", "weeks",
    # "What is Budzinski's job?" is answered by "labor outreach director Nikki Budzinski", "What nationality
    # is Doan Thi Huong?" by "Vietnamese suspect Doan Thi Huong".
    "job", "role", "nationality", "ethnicity", "citizenship",
}  # fmt: skip
# "Which party does El Othmani belong to?" is answered by "El Othmani, from the Islamist PJD party"; "Who did
# the gun belong to?" asks about belonging itself.
_BELONG = {"belong", "belongs", "belonged"}
_ASKS_WHICH = re.compile(r"^\W*(?:to\s+)?(?:which|what)\s", re.IGNORECASE)
# What "what" asks to measure, the same way: "What was the score / margin / total ...?"
WHAT_MEASURES = {
    "score", "tally", "margin", "count", "total", "number", "amount", "sum", "percentage", "proportion",
    "fraction",
}  # fmt: skip
_ASKS_FOR_MEASURE = re.compile(
    r"^\s*(?:what|by what)(?:\s+(?:is|was|were|are|will be))?(?:\s+the)?(?:\s+final)?\s*$", re.IGNORECASE
)
# What "how" asks to measure: the kind of answer (a height, an age, a length), not a word to find.
HOW_MEASURES = {
    "tall", "long", "old", "far", "big", "large", "high", "deep", "wide", "heavy", "often", "soon", "fast",
    "small", "close", "late", "early", "much", "many",
}  # fmt: skip
# "Since when had he held the post?" asks for a date, answered by "ambassador since April 8, 2006".
_SINCE_WHEN = re.compile(r"since\s+when\b", re.IGNORECASE)
_TAKE = {"take", "takes", "took", "taking", "taken"}
# "How long had the talks gone on?" is answered by "after five months of talks": the closing verb of a
# how-long question frames the duration, like "take".
_HOW_LONG = re.compile(
    r"^\W*how\s+long\s+(?:did|does|do|will|would|has|have|had|can|could|should|might|must)\b", re.IGNORECASE
)
_LASTED = re.compile(
    r"(?<!finished )(?<!finish )(?<!came )(?<!come )(?<!placed )"
    r"(?:last|lasts|lasted|go|goes|gone|went|run|runs|ran|continue|continues|continued)(?:\s+(?:on|for))?\W*$",
    re.IGNORECASE,
)
_DATE_QUALIFIERS = {"early", "late", "mid"}
_YEAR_WORD = re.compile(r"(?:1[89]|20)\d\d")
# "over ten years" is answered by "over a 10-year period", "Season 11" by "the eleventh season": a number is
# the same in words or digits ("first" and "last" order events, and stay words).
CARDINALS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "hundred": "100",
}  # fmt: skip
_ORDINALS = {
    "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7", "eighth": "8",
    "ninth": "9", "tenth": "10", "eleventh": "11", "twelfth": "12", "fifteenth": "15", "twentieth": "20",
}  # fmt: skip
_DIGIT_FORMS = {
    digits: {digits} | {word for word, same in (CARDINALS | _ORDINALS).items() if same == digits}
    for digits in {*CARDINALS.values(), *_ORDINALS.values()}
}


def _number_forms(word: str) -> set[str] | None:
    """A number word with its digits ("ten": "10", not "tenth"), or digits with every word for them."""
    digits = CARDINALS.get(word) or _ORDINALS.get(word)
    return {word, digits} if digits is not None else _DIGIT_FORMS.get(word)


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d[\d.,]*\d|\d")
# Near-synonyms: cosine of single-word MiniLM vectors mapped linearly to partial coverage.
SYNONYM_FLOOR = 0.55
SYNONYM_FULL = 0.75


def word_tokens(text: str) -> list[str]:
    """The words and numbers of ``text`` as the focus rules read them (names and hyphenated words whole)."""
    return _WORD.findall(text)


@dataclass(frozen=True)
class QuestionFocus:
    words: tuple[str, ...]  # lowercased focus words: not names, not framing words, not years

    @property
    def size(self) -> int:
        return len(self.words)


def _qualifies_a_date(tokens: Sequence[str], index: int) -> bool:
    """ "early 2017", "late February": the date rules' business, like the year; the answer sentence says
    "in January" or "on March 2", never "early"."""
    after = tokens[index + 1] if index + 1 < len(tokens) else ""
    dated = _is_month(after) or bool(_YEAR_WORD.fullmatch(after))
    return tokens[index].lower() in _DATE_QUALIFIERS and dated


def _is_month(word: str) -> bool:
    return word[:1].isupper() and bool(months(word))


def question_focus(question: str) -> QuestionFocus:
    """The words a passage must speak to, to answer the question."""
    words: list[str] = []
    previous = ""
    matches = list(_WORD.finditer(question))
    tokens = [match.group(0) for match in matches]
    for index, match in enumerate(matches):
        word = match.group(0)
        lower = word.lower().replace("’", "'")
        previous, after_how, after_take = lower, previous == "how", previous in _TAKE
        if _qualifies_a_date(tokens, index):
            continue
        if after_how and lower in HOW_MEASURES:
            continue  # "How tall is the statue?" is answered by "50-inch", which never says "tall"
        if lower in _BELONG and _ASKS_WHICH.match(question):
            continue
        if lower == "place" and after_take:
            continue  # "When will the contest take place?" is answered by "to be held ... on May 9-13"
        if _LASTED.match(question, match.start()) and _HOW_LONG.match(question) and words:
            continue  # not when nothing else is asked about: "How long did Mo Farah run?"
        if lower in WHAT_MEASURES and _ASKS_FOR_MEASURE.match(question[: match.start()]):
            continue  # nor "What was the score?" by "Kentucky beat Iowa 20-17"
        is_name = any(c.isupper() for c in word) and index > 0
        if lower in TIME_ORDER_WORDS:
            if not _SINCE_WHEN.match(question, match.start()):
                words.append(lower)
            continue
        if is_name or lower in GENERIC_WORDS:
            continue
        if lower.endswith("'s") and lower[:-2] in GENERIC_WORDS:
            continue
        if lower[0].isdigit():
            if re.fullmatch(r"(1[89]|20)\d\d", lower):
                continue  # years are checked by the date rules
        elif not analyze(lower):
            continue
        words.append(lower.removesuffix("'s"))
    return QuestionFocus(tuple(dict.fromkeys(words)))


class WordVectors:
    """Single-word MiniLM vectors, cached: a few hundred distinct words cover most news questions."""

    def __init__(self, embedder: Embedder, size: int = 50_000) -> None:
        self.embedder = embedder
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, words: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = [w for w in dict.fromkeys(words) if w not in self._cache]
        if missing:
            computed = embed_words(self.embedder, missing)  # fp32, batched by length
            with self._lock:
                for word, vector in zip(missing, computed, strict=True):
                    self._cache[word] = vector
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        with self._lock:
            return np.stack([self._cache[w] for w in words])


def _literally_present(word: str, present: set[str]) -> bool:
    """Same stem, or one stem extending the other ("membership" / "member"): the stemmer keeps both."""
    forms = _number_forms(word)
    if forms is not None and forms & present:
        return True
    for stem in word_stems(word) or [word]:
        if stem in present:
            continue
        if not any(
            len(p) >= 5 and (stem.startswith(p) or p.startswith(stem)) for p in present if len(stem) >= 5
        ):
            return False
    return True


@lru_cache(maxsize=512)
def _literal_coverage(
    words: tuple[str, ...], window: str
) -> tuple[tuple[float, ...], tuple[int, ...], tuple[str, ...]]:
    """Per word 1 or 0 by stem; the indexes of the unmatched words; the window's own content words.

    Memoised: a question's windows are checked when their word vectors are fetched, again when scored, and
    again by the answerer after the reranker (articles are among the windows, hence the small bound).
    """
    # Stems for content words; the plain words too, for "before", "after" and the like.
    present = set(stems(window)) | {w.lower() for w in _WORD.findall(window)}
    coverage = tuple(1.0 if _literally_present(w, present) else 0.0 for w in words)
    unmatched = tuple(i for i, c in enumerate(coverage) if c == 0.0)
    window_words = tuple(w.lower() for w in _WORD.findall(window) if w.lower() not in GENERIC_WORDS)
    return coverage, unmatched, window_words


def words_to_embed(words: Sequence[str], windows: Iterable[str]) -> list[str]:
    """Every word :func:`word_coverage` will want a vector for over these windows: fetched in one batch,
    they cost one encoder call per question instead of one per window."""
    wanted: dict[str, None] = {}
    for window in windows:
        _, unmatched, window_words = _literal_coverage(tuple(words), window)
        if unmatched and window_words:
            wanted.update(dict.fromkeys(words[i] for i in unmatched))
            wanted.update(dict.fromkeys(window_words))
    return list(wanted)


# News says a thing in set phrases whose words are not the question's: "passed away" for "die", "stepped
# down" for "resign". Single-word vectors cannot see a phrase, so the phrase lends its passage the plain word.
_IDIOMS = (
    (re.compile(r"\bpass(?:ed|es|ing)?\s+away\b", re.IGNORECASE), "died death"),
    (re.compile(r"\bstep(?:ped|s|ping)?\s+down\b", re.IGNORECASE), "resigned quit"),
    (
        re.compile(r"\b(?:took|takes|take|taking)\s+office\b|\bsworn\s+in\b", re.IGNORECASE),
        "became inaugurated",
    ),
    (re.compile(r"\bgunned\s+down\b", re.IGNORECASE), "shot killed"),
    (re.compile(r"\b(?:laid|lay|lays|laying)\s+off\b", re.IGNORECASE), "fired cut"),
    (re.compile(r"\bcall(?:ed|s|ing)?\s+off\b", re.IGNORECASE), "cancelled canceled"),
    (re.compile(r"\bturn(?:ed|s|ing)?\s+down\b", re.IGNORECASE), "rejected declined"),
    (re.compile(r"\bhanded\s+down\b", re.IGNORECASE), "sentenced"),
    # A deal, a sale and a release each have their own verbs: "Microsoft will acquire GitHub" says who bought
    # it, "Salvator Mundi fetched $450.3 million" what it sold for, "the film premiered" when it was released
    # (not "launched" or "came out", which an attack and an opinion do too; nor "took over" a club's bench).
    (
        re.compile(
            r"\b(?:acquir(?:e|es|ed|ing)|acquisitions?|takeover|purchas(?:e|es|ed|ing)|bought|"
            r"buy(?:s|ing)?(?!\s+time)|owned\s+by|subsidiary\s+of)\b",
            re.IGNORECASE,
        ),
        "bought buy acquired purchased pay paid",
    ),
    (re.compile(r"\b(?:sold(?!\s+out)|auctioned|fetched)\b", re.IGNORECASE), "sold sell"),
    (re.compile(r"\b(?:debuted|premiered)\b", re.IGNORECASE), "released"),
)


def with_idioms(text: str, source: str | None = None) -> str:
    """``text`` with the plain words of the set phrases ``source`` (by default ``text``) uses appended. The
    judge lends a window only its passage's phrases: "passed away" beside "hospitalized for exhaustion" does
    not make that sentence say how he died."""
    plain = [words for idiom, words in _IDIOMS if idiom.search(text if source is None else source)]
    return f"{text} {' '.join(plain)}" if plain else text


def word_coverage(words: Sequence[str], window: str, vectors: WordVectors | None) -> list[float]:
    """Per lowercased word: 1 when the window has it (same stem), partial for a near-synonym, else 0."""
    literal, unmatched, window_words = _literal_coverage(tuple(words), window)
    coverage = list(literal)
    if unmatched and window_words and vectors is not None:
        similarity = vectors.vectors([words[i] for i in unmatched]) @ vectors.vectors(window_words).T
        best = similarity.max(axis=1)
        partial = np.clip((best - SYNONYM_FLOOR) / (SYNONYM_FULL - SYNONYM_FLOOR), 0.0, 1.0)
        for i, value in zip(unmatched, partial, strict=True):
            coverage[i] = float(value)
    return coverage


def uncovered_share(focus: QuestionFocus, window: str, vectors: WordVectors | None) -> float:
    """0 when every focus word is in the window, 1 when none is."""
    if focus.size == 0:
        return 0.0
    return float(sum(1.0 - c for c in word_coverage(focus.words, window, vectors))) / focus.size


# "What did Sanders say ...?" asks for words attributed to Sanders: a passage about Sanders next to someone
# else's statement does not answer it.
ATTRIBUTION_PENALTY = 3.0
_SPEECH_QUESTION = re.compile(
    r"\b(?:what|how)\b(?:\s+\w+){0,3}?\s+did\s+(?P<who>.+?)\s+(?:say|write|tell|think|respond|reply|react|claim|"
    r"argue|call|describe|warn|add)\b",
    re.IGNORECASE,
)
_SPEECH_CUE = re.compile(
    r"\b(said|says|wrote|writes|told|tells|stated|states|responded|replied|added|argued|complained|called|calls|"
    r"warned|noted|asked|according to|claimed|insisted|emailed|tweeted|announced|assured?|urged|explained|"
    r"described|referred|praised|blasted|acknowledged)\b|[“”\"]",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")
_LEADING_PRONOUN = re.compile(r"^[“\"]?(he|she|they)\b", re.IGNORECASE)
# "The company says it's closing about 200 stores": news names its speaker once, then says "the company";
# the article's naming of the speaker is the name checks' business.
_SPEAKER_POINTED_BACK = re.compile(
    r"^[“\"]?the\s+(?:[\w-]+\s+)?(?:company|firm|retailer|group|ministry|agency|department|government|"
    r"bank|court|police|organi[sz]ation|carrier|airline|manufacturer|network|union|party|club|team|"
    r"statement|report)\s+(?:said|says|told|stated|announced|added|noted|warned)\b",
    re.IGNORECASE,
)


def attribution_penalty(question: str, passage: str) -> float:
    """Penalty when the question asks what someone said and no sentence attributes words to them."""
    match = _SPEECH_QUESTION.search(question)
    if not match:
        return 0.0
    names = [w.strip("'’") for w in re.findall(r"\b[A-Z][\w'’-]+", match.group("who"))]
    names = [without_possessive(n) for n in names if n.lower() not in {"the", "mr", "ms", "mrs", "dr"}]
    if not names:
        return 0.0
    speaker_in_previous = False
    for sentence in _SENTENCE_BREAK.split(passage):
        named = [name for name in names if name in sentence]
        # Named as the one who speaks, not in passing: "come to Trumka and ask him" in what Budzinski told
        # Podesta is not Trumka saying anything.
        names_speaker = any(_speaks(sentence, name) for name in named)
        refers_back = (speaker_in_previous and bool(_LEADING_PRONOUN.match(sentence))) or bool(
            _SPEAKER_POINTED_BACK.match(sentence)
        )
        if (names_speaker or refers_back) and _SPEECH_CUE.search(sentence):
            return 0.0
        speaker_in_previous = bool(named)
    return ATTRIBUTION_PENALTY


_SPEECH_NEAR = 80  # characters between a speaker's name and the verb of saying: "Trumka, who ..., said"
# The verbs of _SPEECH_CUE without its quote marks: a quote near a name may be someone else's about them.
_SPEECH_VERB = re.compile(_SPEECH_CUE.pattern.removesuffix(r"|[“”\"]"), re.IGNORECASE)
# "said Trumka", "according to AFL-CIO chief Trumka": the verb right before the name, a role at most between
# ("Budzinski told Podesta to ask Trumka" is not Trumka speaking).
_SPOKEN_BY = re.compile(
    r"\b(?:said|says|according\s+to|added|wrote|tweeted|told\s+\w+)\s+(?:[a-z][\w-]*\s+){0,3}$", re.IGNORECASE
)
_COLON_QUOTE = re.compile(r"\s*:\s*[“\"]")  # 'Sports minister Tracey Crouch: "The FA's model ..."'


def _speaks(sentence: str, name: str) -> bool:
    for found in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence):
        after = sentence[found.end() : found.end() + _SPEECH_NEAR]
        before = sentence[max(0, found.start() - 30) : found.start()]
        if _SPEECH_VERB.search(after) or _SPOKEN_BY.search(before) or _COLON_QUOTE.match(after):
            return True
    return False


# A passage from an article that never names who or where the question is about answers another story:
# "Property owners will pay 77 cents" from the wrong city's budget. Names are checked against the whole
# article, since news names its subject up top and says "the council" after.
NAME_MISSING_PENALTY = 4.0
CALENDAR_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip


@dataclass(frozen=True)
class QuestionName:
    text: str
    person: bool
    place: str | None  # for "Wick Springs City Council": "Wick Springs", which the article must name
    where: bool = False  # a country, city, region or nationality: "Kansas", "Mediterranean", "Gambian"
    # A nationality or a place that describes another thing: "British bank", "London-born actress", "UK
    # pensioner households". An article often leaves its own country unsaid; its absence is no other story.
    descriptor: bool = False


_ORG_HEADS = re.compile(
    r"\s+(City Council|Council|County Commission|School (District|Board)|Board of \w+|Police Department|"
    r"Department|Commission|Federation|Association|Union|University|Hospital|Authority|Airlines|Airways|"
    r"Group|Inc|Corp|Corporation|Company|Holdings|AG|plc)\b.*$"
)

# "Shanxi province", "Songyang county": the recognizer takes the lower-case descriptor into the name; the
# article says "Shanxi". A capitalised head ("Kansas City") is part of the name.
_PLACE_HEAD = re.compile(
    r"\s+(province|county|state|city|region|district|prefecture|island|village|town|municipality)$"
)


_GENERIC_CORES = {
    "united", "national", "international", "general", "first", "royal", "new", "global", "american", "world",
    "central", "federal", "public", "standard", "continental", "southern", "northern", "eastern", "western",
}  # fmt: skip


def _org_core(name: str) -> str:
    """What an article must at least name of an organisation: "Wick Springs" of "Wick Springs City Council",
    "House of Representatives" of "US House of Representatives" (its own country's press leaves it out)."""
    words = name.split()
    if len(words) > 2 and countries_named(words[0]):
        name = " ".join(words[1:])
    core = _ORG_HEADS.sub("", name)
    # Not a word any other story may hold: "United" of "United Airlines", "British" of "British Airways".
    if len(core.split()) == 1 and (countries_named(core) or core.lower() in _GENERIC_CORES):
        return name
    return core


# spaCy's labels for what a question can be about; dates, numbers and the like are the date rules' business.
_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
# "according to the BBC": an outlet is where the article ran, which its text seldom repeats.
NEWS_OUTLETS = {
    "bbc", "cnn", "abc", "abc news", "al jazeera", "tass", "dw", "deutsche welle", "rte", "rté", "huffpost",
    "huffington post", "the huffington post", "china daily", "reuters", "ap", "afp", "associated press",
    "xinhua", "the guardian", "the new york times", "the washington post",
}  # fmt: skip
Labeller = Callable[[str], Sequence[tuple[int, int, str]]]
_WHERE_LABELS = {"GPE", "LOC", "NORP"}
QUESTION_WORDS = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how"}
# Never a name a question is about: a month or a day (the date rules' business), the outlet, or a question
# word the recognizer reads as a person now and then ("Whom did ...?").
_NOT_QUESTION_NAMES = CALENDAR_WORDS | QUESTION_WORDS | NEWS_OUTLETS
# "King Mohammed VI", "Queen Elizabeth II": a ruler's numeral, which articles often leave off.
_REGNAL_NUMBER = re.compile(r"\s+[IVX]{1,5}$")


_NOT_DESIGNATIONS = {
    "which", "what", "who", "whom", "whose", "when", "where", "why", "how", "in", "on", "at", "by", "for",
    "from", "to", "with", "since", "until", "during", "after", "before", "about", "over", "under", "top",
    "the", "a", "an", "is", "are", "was", "were", "did", "does", "do", "has", "have", "had", "will", "would",
    "can", "could", "should", "name", "list", "all", "only", "some", "nearly", "almost", "around", "no",
    "number",
}  # fmt: skip
_DESIGNATION = re.compile(
    r"\b(?:[A-Z][\w-]*|[a-z]+[A-Z]\w*)(?:\s+[A-Z][\w-]*)*\s+(?!(?:1[89]|20)\d\d\b)(?:\d+[A-Za-z]?|[A-Z]+\d+\w*)\b"
    r"|\b\d+(?:st|nd|rd|th)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*"  # "the 97th Academy Awards"
    # "COP24", "Chandrayaan-2": COP25 is another summit; not an age group or a rank ("Under-21", "Top-10")
    r"|\b[A-Z]{2,}\d+\b|\b(?!(?:Under|Over|Top|Group|Type|Level|Phase|Stage|Category|Grade|Tier)-)[A-Z][a-z]+-\d+\b"
)


# A place that describes the next word: "London-born", "Bavaria-based", "UK pensioner households", "US state"
# (not "visited Turkey in 2016", "Turkey's deficit").
_DESCRIBES_NEXT = re.compile(
    r"\s+(?!(?:in|on|at|of|for|to|and|or|by|with|from|during|after|before|since|than|as|is|was|were|"
    r"are|has|have|had|did|does|do|will|would|when|where|who|whom|that|which|over|under|into|last|this|"
    r"next|according|because|while|if)\b)[a-z]"
)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|which|what|several|typical|many|some|most|other|all|its|their|his|her|two|three)\s+$",
    re.IGNORECASE,
)


def _describes(question: str, start: int, end: int, label: str) -> bool:
    """A nationality, or a place that describes the noun after it: "London-born", or a country before a noun
    after a determiner ("typical UK pensioner households"; "Shanxi province set its target" is about
    Shanxi)."""
    if label == "NORP" or (question.startswith("-", end) and question[end + 1 : end + 2].islower()):
        return True
    # Only a country: "the Paris prosecutor" is a story of Paris, not of Lyon.
    return bool(
        _DETERMINER_BEFORE.search(question, 0, start)
        and _DESCRIBES_NEXT.match(question, end)
        and countries_named(question[start:end])
    )


# "Which UK Home Secretary ...?": the recognizer's "UK Home" runs into the office's name, whose first word
# ("Home", "Foreign") is one of these.
_OFFICE_AFTER = re.compile(r"\s+(?:Secretary|Minister|Ministry|Office|Department|Committee)\b")
_OFFICE_FIRST_WORDS = {
    "home", "foreign", "interior", "justice", "defence", "defense", "finance", "health", "education", "trade",
    "energy", "transport", "environment", "culture", "labour", "labor", "treasury", "brexit", "prime",
}  # fmt: skip
_BARE_TITLE = re.compile(rf"^{BARE_TITLES}\.?\s+")


def _before_office(question: str, start: int, end: int) -> str:
    """The name at ``start:end`` without a last word that begins the office named after it ("UK Home" of
    "UK Home Secretary"; not "Northern Ireland" of "Northern Ireland Secretary"), and without a title: an
    article's "Xi Jinping" names the question's "Mr Xi"."""
    name = _BARE_TITLE.sub("", question[start:end])
    words = name.split()
    if len(words) > 1 and words[-1].lower() in _OFFICE_FIRST_WORDS and _OFFICE_AFTER.match(question, end):
        return " ".join(words[:-1])
    return name


def question_names(question: str, entities: Labeller | None = None) -> list[QuestionName]:
    """The names a question is about ("Wick Springs", "Fulton County", "Arkansas"), dates left out.

    With ``entities`` (a recognizer's ``(start, end, label)`` spans), its names are taken; else capitalised
    runs, which glue "North Korea's March" together and take "F-" from "F-16" for a name.
    """
    if entities is not None:
        found = [
            (
                _before_office(question, start, end),
                label == "PERSON",
                label == "ORG",
                label in _WHERE_LABELS,
                label in _WHERE_LABELS and _describes(question, start, end, label),
            )
            for start, end, label in entities(question)
            if label in _NAME_LABELS
        ]
    else:
        from service.retrieve.followups import find_entities

        found = [
            (e.text, e.kind == "person", e.kind == "group", False, False) for e in find_entities(question)
        ]
    # A model or edition with its number is one name: "iPhone 15", "Galaxy S23", "the 97th Academy Awards".
    # The recognizer misses some and splits others; an article on the iPhone 14 does not name the iPhone 15.
    for match in _DESIGNATION.finditer(question):
        if match.group(0).split()[0].lower() not in CALENDAR_WORDS | _NOT_DESIGNATIONS:
            designation = (match.group(0), False, False, False, False)
            found = [f for f in found if f[0] not in match.group(0)] + [designation]
    # The recognizer runs a quoted name on past its closing quote: "Charging Bull' for International Women's
    # Day" is two names, and no article writes them as one.
    if _OPENING_QUOTE.search(question):
        found = [(piece, *flags) for text, *flags in found for piece in _QUOTE_BREAK.split(text)]
    names: dict[str, QuestionName] = {}
    for text, person, group, where, descriptor in found:
        name = _tidy_name(without_possessive(text.strip().strip(_QUOTES))).strip(_QUOTES)
        if not name or name.lower() in _NOT_QUESTION_NAMES or name.isdigit():
            continue
        if name.endswith("-") or len(name) < 2:
            continue
        place = _org_core(name) if group else None if person else _PLACE_HEAD.sub("", name)
        names.setdefault(
            name, QuestionName(name, person, place if place != name else None, where, descriptor)
        )
    return list(names.values())


# Only a quote that closes one the question opened, and not a dropped letter ("Singin' in the Rain", "Rock
# 'n' roll") nor a plural's possessive ("the Soldiers' and Sailors' Monument").
_OPENING_QUOTE = re.compile(r"(?<!\w)['‘\"“][A-Z]")
_QUOTE_BREAK = re.compile(r"(?<![sn])['’\"”]\s+(?:[a-z][\w-]*(?:\s+|$)){1,3}(?=[A-Z]|$)")
_QUOTES = "'‘’\"“”"


# The year of "the 2014 World Cup" or "US Presidential Election 2020" is the date rules' business: articles
# write "the World Cup in 2014" or "last year's World Cup". So is the kind of occasion after an event's name
# ("the 92nd Academy Awards Ceremony", "the World Cup Final"), which articles write in lower case or omit.
_NAME_YEAR = re.compile(r"^(?:1[89]|20)\d\d\s+|\s+(?:1[89]|20)\d\d$")
_OCCASION = re.compile(r"\s+(?:Ceremony|Ceremonies|Final|Finals|Edition|Tournament|Championship Game)$")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
# The recognizer runs a title on into the verb after it: "The Legend of Zelda: Breath of the Wild released".
_LOWER_TAIL = re.compile(r"(?:\s+[a-z][\w'’-]*(?:ed|ing))+$")


def _tidy_name(name: str) -> str:
    """The name as articles write it: no article before it, no year or occasion word around it, no verb the
    recognizer ran on into."""
    tidied = _LOWER_TAIL.sub("", _LEADING_THE.sub("", name))
    tidied = _OCCASION.sub("", _NAME_YEAR.sub("", tidied))
    return tidied if tidied.strip() else name


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + name_words(name.replace("’", "'")) + r"(?![\w-])", re.IGNORECASE)


def _mentions(text: str, name: QuestionName) -> bool:
    if mentions_name(text, name.text, name.person):
        return True
    if name.place:  # "Wick Springs City Council": the article must at least name Wick Springs
        return mentions_name(text, name.place)
    ruler = _REGNAL_NUMBER.sub("", name.text)
    if name.person and ruler != name.text and len(ruler.split()) >= 2:
        return mentions_name(text, ruler, True)  # "King Mohammed" names King Mohammed VI
    title, colon, subtitle = name.text.partition(": ")
    if colon and not name.person:
        # "The Legend of Zelda: Breath of the Wild" is "Breath of the Wild" once the series is clear.
        return any(mentions_name(text, part) for part in (title, subtitle) if len(part) >= 4)
    words = name.text.split()
    if not name.person and len(words) >= 3:
        # "Fed Cup Europe/Africa Group": two names the recognizer ran together, each in the article.
        return all(_name_pattern(w).search(text) for w in words if len(w) > 1)
    surname = words[-1]
    # A person is "Trumka" after the first mention of "Richard Trumka"; not "Hossam al-Sufi" for the
    # question's "Mohammed al-Sufi", when the article gives the surname only to people of other first names.
    return (
        name.person
        and len(name.text.split()) > 1
        and len(surname) >= 4
        and any(
            not _another_first_name(text, m.start(), words[0]) for m in _name_pattern(surname).finditer(text)
        )
    )


# Words before a surname that are no first name: titles and roles ("President Trump", "Mr Podesta", "Justice
# Gorsuch") and a sentence's opening adverb ("Meanwhile Trumka said").
_NOT_FIRST_NAMES = {
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "prof", "sir", "lord", "lady", "dame", "president",
    "vice", "chancellor", "premier", "minister", "secretary", "senator", "governor", "mayor", "judge",
    "justice", "speaker", "chairman", "king", "queen", "prince", "princess", "pope", "saint", "st", "coach",
    "captain", "capt", "lt", "col", "sgt", "officer", "detective", "inspector", "commissioner",
    "ambassador", "director", "leader", "chief", "sheikh", "emir", "imam", "rabbi", "reverend", "rev",
    "father", "general", "admiral", "colonel", "major", "lieutenant", "sergeant", "representative",
    "congressman", "congresswoman", "professor", "sheriff", "counsel", "candidate", "democrat", "republican",
    "meanwhile", "however", "later", "earlier", "today", "yesterday", "instead", "indeed", "still", "also",
}  # fmt: skip
# First names whose short form starts with another letter: "Bob Mueller" is "Robert Mueller".
_NICKNAMES = {
    "bob": "robert", "bobby": "robert", "bill": "william", "billy": "william", "dick": "richard",
    "ted": "edward", "ned": "edward", "jack": "john", "peggy": "margaret", "hank": "henry",
    "chuck": "charles", "liz": "elizabeth", "betty": "elizabeth", "sally": "sarah", "harry": "henry",
    "polly": "mary",
}  # fmt: skip
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'’.-]*)\s+$")


def _another_first_name(text: str, at: int, first: str) -> bool:
    """Whether the surname at ``at`` follows a first name other than ``first`` ("Andy" may be "Andrew")."""
    before = _WORD_BEFORE.search(text, max(0, at - 40), at)
    if before is None:
        return False
    word = before.group(1)
    lower = word.lower()
    if word.endswith(".") or word.isupper() or "-" in word or "'" in word or "’" in word:
        return False  # "London. Michael", "CEO Musk", "President-elect Trump", "Apple's Cook": no first name
    if not word[:1].isupper() or lower in STOPWORDS or lower in _NOT_FIRST_NAMES or lower in CALENDAR_WORDS:
        return False
    first = first.lower()
    return lower[:1] != first[:1] and _NICKNAMES.get(lower) != first and _NICKNAMES.get(first) != lower


# A passage that opens by pointing back ("He", "The 57-year-old musher", "Its chief") is about someone its
# article named earlier.
_POINTS_BACK = re.compile(
    r"^\W*(?:he|she|his|her|the\s+(?:[\w-]+\s+){0,2}?(?:musher|leader|president|minister|senator|official|"
    r"player|singer|actor|actress|judge|nominee|candidate|director|chief|spokes(?:man|woman|person)|coach|"
    r"manager|winner|champion|man|woman|boy|girl|author|writer|poet|artist|rapper|star|pilot|driver|suspect|"
    r"victim|businessman|businesswoman|billionaire|executive|chairman|governor|mayor|secretary|ambassador|"
    r"envoy|officer|soldier|veteran|lawmaker|politician|founder|father|mother|son|daughter|wife|husband)"
    # "The 49-year-old supports a universal basic income": an adult's age before a verb stands for a person
    # (not "The 150-year-old buildings were gutted", nor a child's).
    r"|the\s+(?:1[6-9]|[2-9]\d|10\d)-year-old(?=,\s+who\b|(?-i:\s+(?:is|was|has|had|said|says|told|won|"
    r"wants|wanted|supports|supported|faces|faced|denies|denied|added|became|joined|remains|served|insisted|"
    r"claimed|admitted|pleaded|died|left|also|who)\b)))\b",
    re.IGNORECASE,
)


def context_names(names: Sequence[QuestionName], passage: str, document: str) -> list[QuestionName]:
    """The question's names a passage takes from its article: the places and peoples it leaves out ("147
    migrants aboard the raft" in a story about the Mediterranean), and the person a passage that points back
    means ("The 57-year-old musher" in a story about Mitch Seavey). Never a company, a product or an event:
    "People's PAC" before a sentence about Clinton's fundraising would make it an answer."""
    passage, document = passage.replace("’", "'"), document.replace("’", "'")
    missing = [n for n in names if not _mentions(passage, n) and _mentions(document, n)]
    points_back = bool(_POINTS_BACK.match(passage))
    return [n for n in missing if (n.where and _sets_the_story(document, n)) or (n.person and points_back)]


# How much of an article is its lead: where a story names the place it is set in.
LEAD_CHARS = 400


def _sets_the_story(document: str, name: QuestionName) -> bool:
    """A place the story is set in, named in its lead or more than once, not one it passes through: "the Iowa
    and Nevada caucuses" in a story about union endorsements does not make its every sentence Nevada's."""
    if _mentions(document[:LEAD_CHARS], name):
        return True
    text = name.text if not name.place else name.place
    return len(re.findall(rf"(?<![\w-]){re.escape(text)}(?![\w-])", document, re.IGNORECASE)) >= 2


def missing_names(names: Sequence[QuestionName], document: str) -> list[QuestionName]:
    """The question's names the article never mentions, under any spelling news uses."""
    text = document.replace("’", "'")
    return [name for name in names if not _mentions(text, name)] if document else []


def missing_share(
    names: Sequence[QuestionName], missing: Sequence[QuestionName], descriptors: bool = True
) -> float:
    """How far an article missing ``missing`` is from naming what the question is about: 0 all named; 1 when
    half or more are missing (one place of two missing is already the wrong story). Without ``descriptors``,
    a nationality or a place that only describes ("British bank") may be missing."""
    counted = [name for name in missing if descriptors or not name.descriptor]
    return min(1.0, 2 * len(counted) / len(names)) if names else 0.0


def missing_names_share(names: Sequence[QuestionName], document: str, descriptors: bool = True) -> float:
    """``missing_share`` of the article."""
    return missing_share(names, missing_names(names, document), descriptors)


# A headline, a byline or a photo credit is no evidence for an answer unless the question asks about it:
# "Who took the photo?" may quote "Photo: John Smith/Reuters"; "Who won?" may not quote a headline.
_BYLINE = re.compile(
    r"^\s*(by|written by|reporting by|words by)\s+[A-Z][\w.'’-]*(\s+[A-Z][\w.'’-]*){0,4}\b", re.I
)
_CREDIT = re.compile(
    r"\b(photo|photograph|picture|image|video|graphic)s?\s*(:|by\b|credit\b|courtesy\b)|getty images|"
    r"\b(AP|AFP|EPA|Reuters)\s*(Photo|/)|©|\bfile photo\b|\bcredit:",
    re.IGNORECASE,
)
_ASKS_ABOUT_FURNITURE = re.compile(
    r"\b(headline|byline|photo\w*|picture|image|credit|wrote|written|author|reporter|correspondent)\b",
    re.IGNORECASE,
)
FURNITURE_WORDS = 25
# A wire dateline read as a sentence of its own ("ASTANA, March 15.", "/TASS/.", "Washington (CNN)"): where
# and when the story was filed, not where or when anything it reports happened.
_DATELINE = re.compile(
    r"[A-Z][A-Z.'’ -]+, (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}\.?"
    r"(?:\s*/\s*TASS\s*/\.?)?|/?\s*TASS\s*/\.?|" + WIRE_DATELINE
)
_NAME_LINE = re.compile(r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}")


def is_furniture(question: str, sentence: str, headline: str, start: int) -> bool:
    """The article's headline (``headline``: the title its text opens with, else empty), a byline, a dateline
    or a photo credit, not asked about."""
    if _ASKS_ABOUT_FURNITURE.search(question):
        return False
    if headline and start < len(headline):
        return True
    words = sentence.split()
    if len(words) > FURNITURE_WORDS:
        return False
    line = sentence.strip()
    if _DATELINE.fullmatch(line):
        return True
    if _NAME_LINE.fullmatch(line):
        return True  # a line holding a name alone: the byline of a page that did not say "By"
    return bool(_BYLINE.match(sentence) and len(words) <= 8) or bool(_CREDIT.search(sentence))


# "The cause of death was not immediately known": the passage speaks to the question and says there is no
# answer. Near-misses are answered from such sentences more than from any other kind.
_NO_ANSWER = re.compile(
    r"\b(?:not (?:immediately |yet |publicly )?(?:known|clear|available|disclosed|released|confirmed|"
    r"revealed|been (?:determined|valued|released|disclosed|announced|confirmed|identified|named|set))|"
    r"unknown|unclear|undisclosed|unconfirmed|"
    r"(?:did|does|do|would|could|will) not (?:say|disclose|specify|reveal|give|provide|elaborate|comment|"
    r"confirm)|(?:didn't|doesn't|don't|won't|wouldn't|haven't|hasn't|have not|has not) (?:said|say|"
    r"disclosed|specified|revealed|given|elaborated|confirmed|announced|been)|"
    r"declined to (?:say|comment|disclose|give|specify|reveal|confirm|elaborate)|"
    r"no (?:details|word|information|date|figure|decision) (?:on|about|was|were|has|had|yet)|"
    r"yet to be (?:determined|decided|announced|confirmed|named|released|set|valued)|"
    r"remains? (?:unclear|unknown|to be seen))\b",
    re.IGNORECASE,
)


def says_no_answer(passage: str) -> bool:
    """Whether the passage says the thing is not known, not said or not yet decided."""
    return bool(_NO_ANSWER.search(passage))


# The narrow part of the above: the article's own word that the thing is unknown ("The cause of death was not
# immediately known", "The suspect's identity is unknown"), not a declined comment or "has not been charged"
# beside the answer. "Not known as a brand" and "not known to be seeking power" say something else.
_NOT_KNOWN = re.compile(
    r"\b(?:not (?:immediately |yet |publicly )?known(?!\s+(?:as|to|in|for|by)\b)|"
    r"(?:remains?|is|was|were|are) (?:still )?unknown|"
    r"yet to be (?:determined|decided|announced|named|identified|released|disclosed)|"
    r"(?:has|have|had) not (?:yet )?been "
    r"(?:determined|decided|identified|named|released|disclosed|made public))\b",
    re.IGNORECASE,
)


def says_not_known(passage: str) -> bool:
    """Whether the passage says the thing is unknown or not yet made public."""
    return bool(_NOT_KNOWN.search(passage))


_UNNAMED_PERSON = (
    r"(?:person|people|man|men|woman|women|source|sources|official|officials|suspect|suspects|victim|victims|"
    r"individual|individuals|gunman|attacker|driver|officer|officers|soldier|soldiers|passenger|passengers|"
    r"shooter|buyer|bidder|donor|winner)"
)
# "Mr Musk declined to reveal their identities", "Their names were not released": who they are is the one
# thing the article does not say, whoever else the passage names.
_IDENTITY_WITHHELD = re.compile(
    r"\b(?:(?:declined|refused) to|(?:would|did|could|will) not) "
    r"(?:reveal|disclose|release|give|confirm|provide|publish) (?:his|her|their|the|its) (?:\w+ )?"
    r"(?:identit(?:y|ies)|names?)\b|"
    r"\b(?:identit(?:y|ies)|names?) (?:has|have|had|was|were) not (?:yet )?been "
    r"(?:released|disclosed|revealed|made public|confirmed|given)\b|"
    # "Nunes has declined to name the person he met with", "Police did not identify the victim", "The
    # victims were not immediately identified"; not "the victim's relationship".
    rf"\b(?:(?:declined|refused) to|(?:would|did|could|will) not) (?:name|identify) "
    rf"(?:the|his|her|their|its|a|an|any) (?:\w+ )?{_UNNAMED_PERSON}\b(?!['’])|"
    rf"\b(?:the|a) (?:\w+ )?{_UNNAMED_PERSON} (?:(?:has|have|had) not (?:yet )?been|(?:was|were) not|"
    r"(?:has|have) yet to be) (?:\w+ly )?(?:named|identified)\b",
    re.IGNORECASE,
)


def withholds_identity(passage: str) -> bool:
    """Whether the passage says that who someone is was withheld: no answer to a "who" question."""
    return bool(_IDENTITY_WITHHELD.search(passage))


# "What is the name of the field hospital ...?", "What will the new company be called?": a name is asked for.
_ASKS_FOR_A_NAME = re.compile(
    r"^\s*(?:what|which)\s+(?:is|was|are|were|will be)\s+(?:the\s+)?names?\s+of\b|\bcalled\s*\??\s*$",
    re.IGNORECASE,
)
# A capitalised word inside a sentence, or a quoted title: a name the recognizer may not know ("Gustavito").
_INNER_CAPITAL = re.compile(r"(?<=[a-z0-9,;:] )[A-Z][\w'’-]*|[\"“‘][A-Z][^\"”’]{0,60}[\"”’]")


def asks_for_a_name(question: str) -> bool:
    """Whether the question asks what something is called, not what it did."""
    return bool(_ASKS_FOR_A_NAME.search(question))


def names_nothing_new(question: str, passage: str, entities: Labeller) -> bool:
    """Whether every name the passage holds is one the question already has: "a Western-funded field
    hospital in Deraa" tells the story of "What is the name of the field hospital in Deraa?", naming none."""
    asked = question.lower()
    found = entities(passage)
    # A nationality describes ("the early days of the Syrian conflict"); it names nothing asked for.
    spans = [passage[start:end] for start, end, label in found if label in _NAME_LABELS - {"NORP"}]
    spans += [
        m.group(0).strip('"“”‘’')
        for m in _INNER_CAPITAL.finditer(passage)
        if not any(start <= m.start() < end for start, end, _ in found)
    ]
    return all(span.lower().removeprefix("the ") in asked for span in spans)
