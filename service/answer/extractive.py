"""The extractive answerer, the offline default: it quotes the evidence, with numbered citations.

It quotes the evidence sentences that best answer the question, as the evidence judge ranks them. It refuses
(``grounded=False``, no citations) when the best judged passage scores under the calibrated threshold:
lexical overlap alone cannot tell "about the right people" from "answers the question".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from llama_index.core.schema import NodeWithScore

from ingest.chunking import split_sentences
from service.answer.types import Answer, AnswerEvent, Citation, refusal, stream_finished
from service.judge.cross_encoder import sigmoid
from service.judge.direct_answer import DirectAnswer, EntityFinder, find_direct_answer
from service.judge.evidence import SentenceSplitCache
from service.judge.evidence_judge import EvidenceJudge, JudgedPassage, passages_overlap

# A second quoted passage must clear the threshold by this much (log-odds) and rank nearly as high.
SECOND_PASSAGE_MARGIN = 0.0
SECOND_PASSAGE_GAP = 2.5
# Sentences an answer quotes at most: the answer, and what a reader needs around it.
MAX_ANSWER_SENTENCES = 3


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
    """The short answer inside the best quoted passage that holds one of the asked kind. A passage may quote
    the sentence its own leans on ("Budzinski replied, ..." after "policy advisor Ann O'Leary referred to
    Trumka as annoying"): the answer may lie there, and it is quoted and cited too."""
    if finder is None:
        return None
    for passage in passages:
        s = passage.sentence
        found = find_direct_answer(question, s.doc_id, s.document, s.passage_start, s.end, finder)
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
