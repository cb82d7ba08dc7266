"""Answers with numbered citations; the extractive answerer is the offline default.

The extractive answerer quotes the evidence sentences that best answer the question, judged by the
cross-encoder. It refuses (``grounded=False``, no citations) when the best judged passage scores under the
calibrated threshold: lexical overlap alone cannot tell "about the right people" from "answers the question".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
from llama_index.core.schema import NodeWithScore

from ingest.chunking import split_sentences
from ingest.embedding import Embedder
from ingest.keyword_index import analyze
from service.answerability import (
    ANSWER_TYPE_PENALTY,
    WordVectors,
    answer_type,
    answer_type_penalty,
    attribution_penalty,
    has_answer_type,
    is_furniture,
    missing_names_share,
    question_focus,
    question_names,
    says_no_answer,
    uncovered_share,
    words_to_embed,
)
from service.cross_encoder import CrossEncoder, sigmoid
from service.direct_answer import (
    DirectAnswer,
    EntityFinder,
    answer_candidates,
    asked_kind,
    find_direct_answer,
)
from service.evidence import (
    EvidenceSentence,
    SentenceSplitCache,
    TermWeights,
    evidence_sentences,
    lexical_overlap,
    preselect,
)
from service.judge_model import AnswerabilityModel
from service.temporal import date_mismatch_penalty

REFUSAL = "The articles do not contain an answer to this question."

# A second quoted passage must clear the threshold by this much (log-odds) and rank nearly as high.
SECOND_PASSAGE_MARGIN = 0.0
SECOND_PASSAGE_GAP = 2.5
# The margin of a best passage with no runner-up.
NO_RUNNER_UP_MARGIN = 5.0
# Passages (best first) the entity recognizer checks for an answer of the asked kind.
ENTITY_CHECKS = 4
# Sentences an answer quotes at most: the answer, and what a reader needs around it.
MAX_ANSWER_SENTENCES = 3


@dataclass(frozen=True)
class Citation:
    """``snippet == document.text[start:end]``, exactly."""

    n: int
    doc_id: str
    title: str
    snippet: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Verification:
    """What checking a generated answer did: sentences kept and dropped, markers removed, fallback taken."""

    sentences: int  # sentences in the model's output
    kept: int
    dropped: int  # not supported by the snippets they cite (or by any snippet, when they cite none)
    removed_markers: int  # [n] naming no source in the prompt
    attributed: int  # sentences that cited nothing, kept with the source that supports them
    fallback: bool  # nothing was supported: the answer is the extractive one


@dataclass
class Answer:
    answer: str
    grounded: bool
    citations: list[Citation]
    timings_ms: dict[str, float] = field(default_factory=dict)
    query: str = ""  # the standalone query actually searched (after follow-up rewriting)
    answerer: str = "extractive"
    verification: Verification | None = None  # generative answerers only
    direct_answer: DirectAnswer | None = None  # the date, number, name or place asked for, when one is


def refusal(answerer: str = "extractive") -> Answer:
    return Answer(answer=REFUSAL, grounded=False, citations=[], answerer=answerer)


# --- streaming ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """Text as it is written: a language model's raw output, or the extractive answer in word chunks."""

    text: str


@dataclass(frozen=True)
class Verified:
    """A piece of the final answer text, released once verified; the pieces add up to ``Final.answer``."""

    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


AnswerEvent = Draft | Verified | Final

_WORD_CHUNK = re.compile(r"\s*\S+")


def word_chunks(text: str) -> list[str]:
    """``text`` in pieces of one word each (with the space before it) that join back to ``text``."""
    return _WORD_CHUNK.findall(text)


def stream_finished(answer: Answer) -> Iterator[AnswerEvent]:
    """A finished answer as a stream, so that clients have one code path whatever the answerer."""
    for chunk in word_chunks(answer.answer):
        yield Draft(chunk)
        yield Verified(chunk)
    yield Final(answer)


class Answerer(Protocol):
    name: str

    def answer(self, question: str, nodes: Sequence[NodeWithScore]) -> Answer: ...

    def stream(self, question: str, nodes: Sequence[NodeWithScore]) -> Iterator[AnswerEvent]:
        """``Draft`` and ``Verified`` events, then exactly one ``Final``."""
        ...


@dataclass(frozen=True)
class JudgedPassage:
    sentence: EvidenceSentence
    relevance: float  # cross-encoder logit
    penalty: float  # wrong or unconfirmed dates; words asked for but not attributed to the speaker
    uncovered: float  # share of the question's focus words the passage's neighbourhood lacks
    score: float  # the ranking score: passages are ordered by it
    features: Mapping[str, float] = field(default_factory=dict, compare=False)
    confidence: float = 0.0  # log-odds that the passage answers: what the refusal threshold applies to


class EvidenceJudge:
    """Scores the evidence sentences of retrieved chunks against a question."""

    def __init__(
        self,
        scorer: CrossEncoder,
        splits: SentenceSplitCache,
        weights: TermWeights,
        word_vectors: WordVectors | None,
        model: AnswerabilityModel,
        candidates: int = 8,
        embedder: Embedder | None = None,
        entities: EntityFinder | None = None,
        entity_checks: int = ENTITY_CHECKS,
    ) -> None:
        self.entities = entities
        self.entity_checks = entity_checks
        self.scorer = scorer
        self.splits = splits
        self.weights = weights
        self.word_vectors = word_vectors
        self.model = model
        self.candidates = candidates
        self.embedder = embedder

    def judge(
        self, question: str, nodes: Sequence[NodeWithScore], per_chunk: int | None = None
    ) -> list[JudgedPassage]:
        """Best first; each sentence once, in its better-scored reading, with how sure the model is."""
        return with_confidence(
            best_variant_only(self.judge_all_readings(question, nodes, per_chunk)), self.model
        )

    def judge_all_readings(
        self, question: str, nodes: Sequence[NodeWithScore], per_chunk: int | None = None
    ) -> list[JudgedPassage]:
        """Best first; a sentence that leans on its predecessor appears twice, alone and with it.

        With ``per_chunk``, up to that many sentences of every chunk are judged (the reranker's use);
        otherwise the ``candidates`` best-looking sentences wherever they are.
        """
        sentences = [
            _without_headline(s)
            for s in evidence_sentences(nodes, self.splits)
            if not is_furniture(question, s.sentence, s.title, s.start, s.document)
        ]
        if not sentences:
            return []
        terms = self.weights.idf(list(dict.fromkeys(analyze(question))))
        vector = self.embedder.embed_query(question) if self.embedder is not None else None
        limit = len(nodes) * per_chunk if per_chunk else self.candidates
        kind = answer_type(question)
        chosen = preselect(
            sentences, terms, vector, limit, per_chunk=per_chunk,
            typed=lambda s: has_answer_type(kind, s.passage, question),
        )  # fmt: skip
        picked = [v for s in chosen for v in s.variants()]
        names = question_names(question, self.entities.entities if self.entities is not None else None)
        logits = self.scorer.score(question, [scored_text(s, names) for s in picked])
        focus = question_focus(question)
        wanted = words_to_embed(focus.words, {s.window for s in picked})
        if self.word_vectors is not None and wanted:
            self.word_vectors.vectors(wanted)
        gaps = {s.doc_id: missing_names_share(names, s.document) for s in chosen}
        article_gaps = {s.doc_id: uncovered_share(focus, s.document, None) for s in chosen}
        best_logit = max(logits)
        judged = []
        for sentence, logit in zip(picked, logits, strict=True):
            date_penalty = date_mismatch_penalty(
                question, sentence.passage, sentence.window, sentence.published, sentence.document
            )
            attribution = attribution_penalty(question, sentence.passage)
            type_penalty = answer_type_penalty(question, sentence.passage)
            # The passage's neighbourhood (near-synonyms count) and, literally, its whole article: the
            # sentence holding a date rarely repeats the lawsuit it is the date of.
            window_gap = uncovered_share(focus, sentence.window, self.word_vectors)
            uncovered = 0.5 * window_gap + 0.5 * article_gaps[sentence.doc_id]
            features = {
                "logit": logit,
                "logit_gap": logit - best_logit,
                "date_penalty": date_penalty,
                "attribution": float(attribution > 0),
                "type_missing": float(type_penalty >= ANSWER_TYPE_PENALTY),
                "vague_date": float(0 < type_penalty < ANSWER_TYPE_PENALTY),
                "name_gap": gaps[sentence.doc_id],
                "uncovered_window": window_gap,
                "uncovered_passage": uncovered_share(focus, sentence.passage, self.word_vectors),
                "uncovered_literal": uncovered_share(focus, sentence.passage, None),
                "no_answer": float(says_no_answer(sentence.passage)),
                "uncovered_article": article_gaps[sentence.doc_id],
                "lexical": lexical_overlap(terms, sentence.passage),
                "dense": _cosine(sentence.vector, vector),
                "chunk_rank": math.log1p(sentence.chunk_rank),
                "has_context": float(sentence.has_context),
                "typed_question": float(kind is not None),
                "focus_words": math.log1p(focus.size),
                "entity_checked": 0.0,
                "entity_answer": 0.0,
            }
            penalty = date_penalty + attribution + type_penalty
            score = self.model.rank_score(features)
            judged.append(JudgedPassage(sentence, logit, penalty, uncovered, score, features))
        judged.sort(key=lambda j: j.score, reverse=True)
        if per_chunk is None:
            judged = self._check_entities(question, judged)
        return judged

    def _check_entities(self, question: str, judged: list[JudgedPassage]) -> list[JudgedPassage]:
        """Whether the best few passages hold an entity of the asked kind (a date, a person, a place) that
        the question does not name: the recognizer is precise where the regex checks are not, and costs a
        few ms a sentence, so it sees only the passages that can still win."""
        kind = asked_kind(question) if self.entities is not None else None
        if kind is None or self.entities is None:
            return judged
        checked: dict[tuple[str, int], int] = {}
        rescored = []
        for passage in judged:
            s = passage.sentence
            key = (s.doc_id, s.passage_start)
            if key not in checked and len(checked) < self.entity_checks:
                checked[key] = len(checked)
                found = bool(answer_candidates(question, kind, s.passage, self.entities))
                features = {**passage.features, "entity_checked": 1.0, "entity_answer": float(found)}
                passage = replace(passage, features=features, score=self.model.rank_score(features))
            rescored.append(passage)
        rescored.sort(key=lambda j: j.score, reverse=True)
        return rescored


def with_confidence(judged: Sequence[JudgedPassage], model: AnswerabilityModel) -> list[JudgedPassage]:
    """Each passage (ranked, best first) with the model's log-odds that it answers; a passage reads how far
    it leads the next one (the best) or trails the best (the rest)."""
    scored = []
    for i, passage in enumerate(judged):
        if i == 0:
            margin = passage.score - judged[1].score if len(judged) > 1 else NO_RUNNER_UP_MARGIN
        else:
            margin = passage.score - judged[0].score
        features = {**passage.features, "margin": margin, "rank_score": passage.score}
        scored.append(replace(passage, features=features, confidence=model.log_odds(features)))
    return scored


def _without_headline(sentence: EvidenceSentence) -> EvidenceSentence:
    """The lede's own reading when its context would be the headline: a headline is no evidence, and
    "Chuck Berry dies at 90" before the lede answered what he died of."""
    headline = bool(sentence.title) and sentence.document.startswith(sentence.title + "\n")
    if sentence.has_context and headline and sentence.passage_start < len(sentence.title):
        return replace(sentence, passage_start=sentence.start, passage=sentence.sentence)
    return sentence


def _cosine(sentence_vector: np.ndarray | None, question_vector: np.ndarray | None) -> float:
    """Both vectors are normalised at ingest and query time; a chunk indexed without them scores 0."""
    if sentence_vector is None or question_vector is None:
        return 0.0
    return float(np.dot(sentence_vector.astype(np.float32), question_vector))


def scored_text(sentence: EvidenceSentence, names: Sequence[str]) -> str:
    """What the cross-encoder reads: the passage, after the headline when the passage never names what the
    question asks about ("The county's vaccination rate stood at 59.6 percent": which county?).

    The citation still quotes the passage alone.
    """
    if names and sentence.title and missing_names_share(names, sentence.passage) > 0:
        return f"{sentence.title}. {sentence.passage}"
    return sentence.passage


def best_variant_only(judged: Sequence[JudgedPassage]) -> list[JudgedPassage]:
    """Of a sentence judged alone and with its context, keep the better-scored reading (input: best first)."""
    seen: set[tuple[str, int]] = set()
    kept = []
    for j in judged:
        key = (j.sentence.doc_id, j.sentence.start)
        if key not in seen:
            seen.add(key)
            kept.append(j)
    return kept


def passages_overlap(a: EvidenceSentence, b: EvidenceSentence) -> bool:
    return a.doc_id == b.doc_id and a.passage_start < b.end and b.passage_start < a.end


def _same_words(a: str, b: str) -> bool:
    first, second = set(a.lower().split()), set(b.lower().split())
    return len(first & second) >= 0.8 * min(len(first), len(second))


def choose_passages(judged: Sequence[JudgedPassage], threshold: float, limit: int) -> list[JudgedPassage]:
    """The best passage if the model is confident enough it answers, plus close runners-up that add
    something new (``threshold`` is in log-odds, like ``confidence``)."""
    if not judged or judged[0].confidence < threshold:
        return []
    chosen = [judged[0]]
    for candidate in judged[1:]:
        if len(chosen) >= limit:
            break
        good_enough = (
            candidate.confidence >= threshold + SECOND_PASSAGE_MARGIN
            and candidate.score >= judged[0].score - SECOND_PASSAGE_GAP
        )
        if not good_enough:
            break
        if any(
            passages_overlap(candidate.sentence, c.sentence)
            or _same_words(candidate.sentence.passage, c.sentence.passage)
            for c in chosen
        ):
            continue
        chosen.append(candidate)
    return chosen


def cite(
    passages: Sequence[JudgedPassage], splits: SentenceSplitCache, max_sentences: int = MAX_ANSWER_SENTENCES
) -> tuple[str, list[Citation]]:
    """Answer text with a ``[n]`` after every quoted sentence, and the citations it names.

    No sentence is quoted twice (a wire story often repeats its lede word for word further down), and the
    answer stops at ``max_sentences``: a reader wants the answer, not the article.
    """
    texts = splits.texts_and_spans([p.sentence.doc_id for p in passages])
    parts: list[str] = []
    citations: list[Citation] = []
    quoted: list[str] = []
    for passage in passages:
        s = passage.sentence
        text, spans = texts.get(s.doc_id, ("", []))
        if s.document and text != s.document:  # deleted or replaced since it was judged: quote that version
            text, spans = s.document, split_sentences(s.document)
        n = len(citations) + 1
        kept = []
        for whole_start, whole_end in spans:
            # A sentence cut across chunks (too long for one) is quoted as the piece the passage holds.
            start, end = max(whole_start, s.passage_start), min(whole_end, s.end)
            sentence = text[start:end]
            if start >= end or any(_same_words(sentence, q) for q in quoted):
                continue
            if len(quoted) >= max_sentences:
                break
            quoted.append(sentence)
            kept.append(f"{sentence} [{n}]")
        if not kept:
            continue
        parts.extend(kept)
        citations.append(
            Citation(
                n=n,
                doc_id=s.doc_id,
                title=s.title,
                snippet=text[s.passage_start : s.end],
                start=s.passage_start,
                end=s.end,
                score=round(sigmoid(passage.confidence), 4),
            )
        )
    return " ".join(parts), citations


def direct_answer_of(
    question: str, passages: Sequence[JudgedPassage], finder: EntityFinder | None
) -> DirectAnswer | None:
    """The short answer inside the best quoted sentence that holds one of the asked kind."""
    if finder is None:
        return None
    for passage in passages:
        s = passage.sentence
        found = find_direct_answer(question, s.doc_id, s.document, s.start, s.end, finder)
        if found is not None:
            return found
    return None


class ExtractiveAnswerer:
    """Quotes the best evidence; no language model involved."""

    name = "extractive"

    def __init__(
        self,
        judge: EvidenceJudge,
        threshold: float,
        max_passages: int = 2,
        entities: EntityFinder | None = None,
    ) -> None:
        self.judge = judge
        self.threshold = threshold
        self.max_passages = max_passages
        self.entities = entities

    def answer(self, question: str, nodes: Sequence[NodeWithScore]) -> Answer:
        passages = choose_passages(self.judge.judge(question, nodes), self.threshold, self.max_passages)
        if not passages:
            return refusal()
        text, citations = cite(passages, self.judge.splits)
        return Answer(
            answer=text,
            grounded=True,
            citations=citations,
            answerer=self.name,
            direct_answer=direct_answer_of(question, passages, self.entities),
        )

    def stream(self, question: str, nodes: Sequence[NodeWithScore]) -> Iterator[AnswerEvent]:
        return stream_finished(self.answer(question, nodes))
