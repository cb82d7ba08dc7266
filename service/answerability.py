"""Is a passage an answer, or merely about the right people?

The cross-encoder's logit says how relevant a passage is, and relevance is not enough: "When did Trumka
retire?" scores high on any sentence about Trumka that holds a date. What separates the two is whether the
passage speaks to the question's *focus*, the words that are not names: "retire", "salary", "first meet".
Each focus word must be found near the passage (the sentence, the one before and the one after), literally
(same stem) or as a near-synonym (MiniLM word vectors: "knew" ~ "aware", "stay" ~ "remain"). Years are
the date rules' business (``service.temporal``).

The answer score is ``logit - date penalty - coverage_weight * uncovered share``; the answerer refuses under
the threshold. Both numbers are calibrated on the golden set (``newsdesk calibrate``, eval/calibration.md).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.embedding import Embedder
from ingest.keyword_index import STOPWORDS, analyze

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
    "mean", "supposed", "intended",
}  # fmt: skip
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


def question_focus(question: str) -> QuestionFocus:
    """The words a passage must speak to, to answer the question."""
    words: list[str] = []
    for index, match in enumerate(_WORD.finditer(question)):
        word = match.group(0)
        lower = word.lower().replace("’", "'")
        is_name = any(c.isupper() for c in word) and index > 0
        if lower in TIME_ORDER_WORDS:
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
            computed = self.embedder.embed_documents(missing)
            with self._lock:
                for word, vector in zip(missing, computed, strict=True):
                    self._cache[word] = vector
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        with self._lock:
            return np.stack([self._cache[w] for w in words])


def word_coverage(words: Sequence[str], window: str, vectors: WordVectors | None) -> list[float]:
    """Per lowercased word: 1 when the window has it (same stem), partial for a near-synonym, else 0."""
    # Stems for content words; the plain words too, for "before", "after" and the like.
    present = set(analyze(window)) | {w.lower() for w in _WORD.findall(window)}
    coverage = [1.0 if set(analyze(w) or [w]) <= present else 0.0 for w in words]
    unmatched = [i for i, c in enumerate(coverage) if c == 0.0]
    window_words = [w.lower() for w in _WORD.findall(window) if w.lower() not in GENERIC_WORDS]
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


def attribution_penalty(question: str, passage: str) -> float:
    """Penalty when the question asks what someone said and no sentence attributes words to them."""
    match = _SPEECH_QUESTION.search(question)
    if not match:
        return 0.0
    names = [w.strip("'’") for w in re.findall(r"\b[A-Z][\w'’-]+", match.group("who"))]
    names = [re.sub(r"['’]s$", "", n) for n in names if n.lower() not in {"the", "mr", "ms", "mrs", "dr"}]
    if not names:
        return 0.0
    speaker_in_previous = False
    for sentence in _SENTENCE_BREAK.split(passage):
        names_speaker = any(name in sentence for name in names)
        refers_back = speaker_in_previous and bool(_LEADING_PRONOUN.match(sentence))
        if (names_speaker or refers_back) and _SPEECH_CUE.search(sentence):
            return 0.0
        speaker_in_previous = names_speaker
    return ATTRIBUTION_PENALTY
