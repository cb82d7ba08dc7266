"""Checking a generated answer against the sources it cites, before anyone reads it.

A language model is asked to answer from numbered sources and cite them as ``[n]``. What it writes is checked
sentence by sentence:

1. markers are parsed (``[2]``, ``[1, 3]``, ``[1][3]``, ``[Source 2]``); a marker that names no source in the
   prompt is removed;
2. each sentence's *support* is measured against the snippets it cites: the share of its content words
   (names included) found there, by stem or as a MiniLM near-synonym (``service.judge.answerability``), and
   every number in it must appear in them literally: a wrong figure or date is news' commonest invented
   detail;
3. a sentence under ``support_threshold`` is **dropped**, not marked: the API promises that every sentence
   it returns rests on a quoted snippet, and a marked claim would still be in front of the reader. A sentence
   that cites nothing is kept only if one source supports it on its own, and that source is cited. A
   sentence that only restates the question ("The AFSCME council endorsed him in January.") is dropped too:
   supported, but no answer; so is a question the model writes itself ("Question: Who ...?");
4. the sources actually cited are renumbered 1..m in order of first use and the markers rewritten, so no
   citation points at a source the answer does not use.

When nothing supported remains, the caller falls back to the extractive answer. Sentences are released as
soon as the next one has begun (:class:`AnswerVerifier` is fed the stream), so verified text can stream too.
:func:`cited_support` measures, for any answer, the share of its sentences that their cited snippets
support: the evaluation's "supported sentences" metric.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.chunking import split_sentences
from ingest.keyword_index import STOPWORDS, analyze
from service.answer.types import Answer, Citation, Verification
from service.judge.answerability import (
    GENERIC_WORDS,
    TIME_ORDER_WORDS,
    WordVectors,
    word_coverage,
    word_tokens,
)
from service.judge.spelling import word_stems

# "[2]", "[1, 3]", "[1; 3]", "[Source 2]", "[source 1, 2]"; several in a row are read one by one.
MARKER = re.compile(
    r"\[\s*(?:sources?\s*)?(\d{1,3}(?:\s*[,;]\s*(?:sources?\s*)?\d{1,3})*)\s*\]", re.IGNORECASE
)
_LEADING_MARKERS = re.compile(rf"^(?:\s*{MARKER.pattern})+", re.IGNORECASE)
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])")
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")
_NON_WORD = re.compile(r"\W+")
# What a model writes around an answer that is not part of it: "Answer:" before a sentence, and chat-template
# tokens a server leaks when it formats a base model's turns ("[/INST]", "<end_of_turn>", "<|im_end|>").
_PREAMBLE = re.compile(r"^\s*(?:answer\s*:|a\s*:)\s*", re.IGNORECASE)
_TEMPLATE_TOKENS = re.compile(
    r"\[/?INST\]|<</?SYS>>|<\|[^|<>]{1,40}\|>|</?s>|<(?:start|end)_of_turn>(?:user|model)?", re.IGNORECASE
)
# Words that frame a claim without making it: the question-framing words, modal and linking words.
_NOT_CLAIMS = (frozenset(STOPWORDS) | GENERIC_WORDS | {
    "whether", "would", "should", "might", "may", "must", "shall", "however", "although", "though",
    "yet", "thus", "therefore", "also", "according", "source", "sources", "articles",
}) - TIME_ORDER_WORDS  # fmt: skip
# A content word counts as absent from the snippets under this coverage (0.5: a middling near-synonym).
ABSENT_BELOW = 0.5
MAX_ABSENT_SHARE = 1 / 6


@dataclass(frozen=True)
class Support:
    coverage: float  # share of the sentence's content words found in the snippets
    missing_numbers: tuple[str, ...]  # numbers of the sentence that no snippet holds
    supported: bool


@dataclass(frozen=True)
class ParsedSentence:
    text: str  # without its markers
    markers: tuple[int, ...]  # source numbers as written, in order, each once


@dataclass(frozen=True)
class CheckedSentence:
    text: str
    sources: tuple[int, ...]  # prompt numbers of the sources it is kept with; empty when dropped
    written: tuple[int, ...]  # prompt numbers the model wrote that name a source
    removed_markers: int  # markers naming no source
    support: Support
    attributed: bool  # cited nothing; kept with the one source that supports it
    echo: bool = False  # only restates the question: supported, but no answer

    @property
    def kept(self) -> bool:
        return bool(self.sources)


def _normal_number(token: str) -> str:
    return token.replace(",", "").rstrip(".")


def content_words(sentence: str) -> tuple[list[str], list[str]]:
    """(lowercased content words, numbers) of a sentence: names kept, stopwords and markers out."""
    words: list[str] = []
    numbers: list[str] = []
    for token in word_tokens(MARKER.sub(" ", sentence)):
        if token[0].isdigit():
            numbers.append(_normal_number(token))
            continue
        lower = token.lower().replace("’", "'").removesuffix("'s")
        if lower in _NOT_CLAIMS or not (analyze(lower) or lower in TIME_ORDER_WORDS):
            continue
        words.append(lower)
    return list(dict.fromkeys(words)), list(dict.fromkeys(numbers))


class SupportScorer:
    """Does a snippet back a sentence? Lexical coverage with MiniLM near-synonyms, and exact numbers."""

    def __init__(self, word_vectors: WordVectors | None, threshold: float) -> None:
        self.word_vectors = word_vectors
        self.threshold = threshold

    def support(self, sentence: str, snippets: Sequence[str]) -> Support:
        words, numbers = content_words(sentence)
        evidence = "\n".join(snippets)
        held = {_normal_number(n) for n in _NUMBER.findall(evidence)}
        missing_numbers = tuple(n for n in numbers if n not in held)
        if not words and not numbers:
            return Support(0.0, (), False)  # "Yes.", "Sure!": nothing a snippet could back
        per_word = word_coverage(words, evidence, self.word_vectors) if words else []
        coverage = sum(per_word) / len(per_word) if per_word else 1.0
        # One content word the snippet lacks can be the whole claim ("Obama *endorsed* Sanders in the
        # Illinois primary" against a snippet about Obama, Sanders and that primary): short sentences may
        # lack none, longer ones one in six.
        absent = sum(c < ABSENT_BELOW for c in per_word)
        supported = (
            bool(snippets)
            and coverage >= self.threshold
            and absent <= len(per_word) * MAX_ABSENT_SHARE
            and not missing_numbers
        )
        return Support(round(coverage, 4), missing_numbers, supported)


def restates(sentence: str, question: str) -> bool:
    """True when every content word and number of ``sentence`` comes from ``question``.

    "The AFSCME council endorsed him in January." answers nothing about "Which AFSCME council endorsed
    Sanders in January?", however well a snippet supports it.
    """
    words, numbers = content_words(sentence)
    if not words and not numbers:
        return False
    asked_words, asked_numbers = content_words(question)
    asked_stems = {stem for word in asked_words for stem in word_stems(word) or [word]}
    said_stems = {stem for word in words for stem in word_stems(word) or [word]}
    return said_stems <= asked_stems and set(numbers) <= set(asked_numbers)


def parse_sentences(text: str) -> list[ParsedSentence]:
    """Sentences with the markers each carries; markers opening a sentence belong to the one before it."""
    text = _TEMPLATE_TOKENS.sub(" ", text)
    pieces = [text[start:end] for start, end in split_sentences(text)]
    parsed: list[tuple[str, list[int]]] = []
    for piece in pieces:
        leading = _LEADING_MARKERS.match(piece)
        if leading and parsed:
            parsed[-1][1].extend(_numbers(leading.group(0)))
            piece = piece[leading.end() :]
        markers = _numbers(piece)
        body = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(MARKER.sub(" ", piece).split()))
        body = _PREAMBLE.sub("", body)
        if body:
            parsed.append((body, markers))
        elif parsed:
            parsed[-1][1].extend(markers)
    return [ParsedSentence(body, tuple(dict.fromkeys(markers))) for body, markers in parsed]


def _numbers(text: str) -> list[int]:
    return [int(n) for match in MARKER.finditer(text) for n in re.findall(r"\d+", match.group(1))]


def check_sentence(
    sentence: ParsedSentence, sources: dict[int, Citation], scorer: SupportScorer
) -> CheckedSentence:
    """Keep a sentence with the cited sources that back it, or with the one source that does; else drop it."""
    written = tuple(n for n in sentence.markers if n in sources)
    removed = len(sentence.markers) - len(written)
    if written:
        support = scorer.support(sentence.text, [sources[n].snippet for n in written])
        if support.supported:
            # A cited source that shares nothing with the sentence is not what backs it: leave it out.
            backing = tuple(
                n for n in written if scorer.support(sentence.text, [sources[n].snippet]).coverage > 0
            )
            return CheckedSentence(sentence.text, backing or written, written, removed, support, False)
        return CheckedSentence(sentence.text, (), written, removed, support, False)
    best: tuple[int, Support] | None = None
    for n, citation in sources.items():
        support = scorer.support(sentence.text, [citation.snippet])
        if (
            best is None
            or support.coverage > best[1].coverage
            or (support.supported and not best[1].supported)
        ):
            best = (n, support)
    if best is not None and best[1].supported:
        return CheckedSentence(sentence.text, (best[0],), (), removed, best[1], True)
    return CheckedSentence(
        sentence.text, (), (), removed, best[1] if best else Support(0.0, (), False), False
    )


@dataclass(frozen=True)
class VerifiedAnswer:
    text: str  # kept sentences, markers renumbered 1..m by first use
    citations: list[Citation]  # the sources used, renumbered to match
    checked: list[CheckedSentence]

    @property
    def verification(self) -> Verification:
        kept = sum(c.kept for c in self.checked)
        return Verification(
            sentences=len(self.checked),
            kept=kept,
            dropped=len(self.checked) - kept,
            removed_markers=sum(c.removed_markers for c in self.checked),
            attributed=sum(c.attributed for c in self.checked if c.kept),
            fallback=False,
        )


class AnswerVerifier:
    """Verifies a model's output as it streams in: feed it text, get back verified sentences.

    A sentence is final once the next sentence has begun (its closing markers may still be on the way until
    then); :meth:`finish` settles the last one. Released sentences carry renumbered markers, so the pieces
    joined with spaces are exactly :attr:`VerifiedAnswer.text`.
    """

    def __init__(self, sources: Sequence[Citation], scorer: SupportScorer, question: str = "") -> None:
        self.sources = {c.n: c for c in sources}
        self.scorer = scorer
        self.question = question  # given, a sentence that only restates it is dropped
        self.raw = ""
        self.checked: list[CheckedSentence] = []
        self.released: list[str] = []
        self._numbering: dict[int, int] = {}  # prompt number -> answer number
        self._seen: set[str] = set()

    def feed(self, delta: str) -> list[str]:
        self.raw += delta
        settled = self.raw
        if settled.rfind("[") > settled.rfind("]"):  # a marker is half written: wait for its "]"
            settled = settled[: settled.rfind("[")]
        parsed = parse_sentences(settled)
        # The last sentence may be incomplete; the one before it may still receive its markers until the
        # last one has words of its own.
        final = len(parsed) - 1
        return self._release(parsed[:final])

    def finish(self) -> list[str]:
        return self._release(parse_sentences(self.raw))

    def _release(self, parsed: Sequence[ParsedSentence]) -> list[str]:
        out = []
        for sentence in parsed[len(self.checked) :]:
            checked = check_sentence(sentence, self.sources, self.scorer)
            if checked.kept and checked.text.endswith(
                "?"
            ):  # a question ("Question: Who ...?") claims nothing
                checked = replace(checked, sources=(), attributed=False)
            if checked.kept and self.question and restates(checked.text, self.question):
                checked = replace(checked, sources=(), attributed=False, echo=True)
            key = " ".join(_NON_WORD.split(checked.text.lower())).strip()
            if key in self._seen:  # small models repeat themselves: keep a sentence once
                checked = replace(checked, sources=(), attributed=False)
            self._seen.add(key)
            self.checked.append(checked)
            if checked.kept:
                numbers = [self._numbering.setdefault(n, len(self._numbering) + 1) for n in checked.sources]
                out.append(checked.text + " " + "".join(f"[{n}]" for n in numbers))
        self.released.extend(out)
        return out

    def result(self) -> VerifiedAnswer:
        citations = [
            replace(self.sources[prompt_n], n=answer_n)
            for prompt_n, answer_n in sorted(self._numbering.items(), key=lambda item: item[1])
        ]
        return VerifiedAnswer(" ".join(self.released), citations, list(self.checked))


def verify_answer(
    text: str, sources: Sequence[Citation], scorer: SupportScorer, question: str = ""
) -> VerifiedAnswer:
    """The whole output at once: what :class:`AnswerVerifier` gives for the same text streamed."""
    verifier = AnswerVerifier(sources, scorer, question)
    verifier.feed(text)
    verifier.finish()
    return verifier.result()


@dataclass(frozen=True)
class SupportTally:
    supported: int
    sentences: int

    @property
    def share(self) -> float | None:
        """None for an answer without sentences to judge (a refusal)."""
        return self.supported / self.sentences if self.sentences else None


def cited_support(answer: Answer, scorer: SupportScorer) -> SupportTally:
    """How many of the answer's sentences the snippets they cite support (refusals: none to judge).

    The same test :class:`AnswerVerifier` applies, so any answerer's output is measured alike: a sentence
    without a marker, or whose markers name no citation of the answer, counts as unsupported.
    """
    if not answer.grounded:
        return SupportTally(0, 0)
    by_number = {c.n: c for c in answer.citations}
    sentences = parse_sentences(answer.answer)
    supported = 0
    for sentence in sentences:
        snippets = [by_number[n].snippet for n in sentence.markers if n in by_number]
        supported += bool(snippets) and scorer.support(sentence.text, snippets).supported
    return SupportTally(supported, len(sentences))
