"""The generative answerer: a language model writes the answer, verification decides what of it is kept.

The evidence judge goes first, exactly as for the extractive answerer: when no passage clears the refusal
threshold the answer is the refusal and the model is never called. Otherwise the model sees the best judged
passages as numbered sources (``service.answer.prompting``), its output is verified sentence by sentence as it
streams (``service.answer.verification``), and when no sentence survives the answer is the extractive one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import closing

from llama_index.core.schema import NodeWithScore

from service.answer.extractive import choose_passages, cite
from service.answer.llm import TextGenerator
from service.answer.prompting import GroundedPrompt, prompt_sources
from service.answer.types import (
    Answer,
    AnswerEvent,
    Draft,
    Final,
    Verification,
    Verified,
    refusal,
    stream_finished,
    word_chunks,
)
from service.answer.verification import AnswerVerifier, SupportScorer
from service.judge.evidence_judge import EvidenceJudge, JudgedPassage


class GenerativeAnswerer:
    def __init__(
        self,
        generator: TextGenerator,
        judge: EvidenceJudge,
        scorer: SupportScorer,
        threshold: float,
        sources: int = 4,
        max_passages: int = 2,
    ) -> None:
        self.generator = generator
        self.name = generator.name
        self.judge = judge
        self.scorer = scorer
        self.threshold = threshold
        self.sources = sources
        self.max_passages = max_passages

    def answer(self, question: str, nodes: Sequence[NodeWithScore]) -> Answer:
        for event in self.stream(question, nodes):
            if isinstance(event, Final):
                return event.answer
        raise RuntimeError("the answer stream ended without a final answer")  # a bug, not a user error

    def stream(self, question: str, nodes: Sequence[NodeWithScore]) -> Iterator[AnswerEvent]:
        started = time.perf_counter()
        judged = self.judge.judge(question, nodes)
        judge_ms = _ms(started)
        sources = prompt_sources(judged, self.threshold, self.sources)
        if not sources:
            answer = refusal(self.name)
            answer.timings_ms = {"judge": judge_ms}
            yield from stream_finished(answer)
            return

        verifier = AnswerVerifier(sources, self.scorer, question)
        prompt = GroundedPrompt(question, tuple(sources))
        mark = time.perf_counter()
        first_token_ms: float | None = None
        separator = ""
        with closing(self.generator.stream(prompt)) as deltas:
            for delta in deltas:
                if not delta:
                    continue
                if first_token_ms is None:
                    first_token_ms = _ms(mark)
                yield Draft(delta)
                for sentence in verifier.feed(delta):
                    yield Verified(separator + sentence)
                    separator = " "
        for sentence in verifier.finish():
            yield Verified(separator + sentence)
            separator = " "
        generate_ms = _ms(mark)

        verified = verifier.result()
        timings = {"judge": judge_ms, "first_token": first_token_ms or generate_ms, "generate": generate_ms}
        if verified.text:
            answer = Answer(
                answer=verified.text,
                grounded=True,
                citations=verified.citations,
                answerer=self.name,
                verification=verified.verification,
                timings_ms=timings,
            )
        else:
            answer = self._fallback(judged, verified.verification, timings)
            for chunk in word_chunks(answer.answer):
                yield Verified(chunk)
        yield Final(answer)

    def _fallback(
        self, judged: Sequence[JudgedPassage], checked: Verification, timings: dict[str, float]
    ) -> Answer:
        """Nothing the model wrote is supported: quote the evidence, as the extractive answerer does."""
        passages = choose_passages(judged, self.threshold, self.max_passages)
        text, citations = cite(passages, self.judge.splits)
        verification = Verification(
            sentences=checked.sentences,
            kept=0,
            dropped=checked.sentences,
            removed_markers=checked.removed_markers,
            attributed=0,
            fallback=True,
        )
        return Answer(text, True, citations, timings, answerer=self.name, verification=verification)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
