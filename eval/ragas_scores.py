"""RAGAS faithfulness and answer relevancy, when an OpenAI-compatible judge model is configured.

Both metrics need an LLM judge; Newsdesk does not invent a score without one. ``ragas_unavailable`` says why
the scores are absent (no judge configured, or the optional ``ragas`` extra not installed), and the report
prints that reason instead of a number. Answer relevancy compares embeddings of questions the judge
generates from the answer with the question, using our own bundled MiniLM (no hub download).
"""

from __future__ import annotations

import asyncio
import math
import os
from dataclasses import dataclass, field
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.embedding import bundled_model_path


@dataclass(frozen=True)
class JudgeConfig:
    base_url: str
    model: str
    api_key: str = "not-needed"
    timeout: float = 120.0


class JudgeSettings(BaseSettings):
    """The judge model, from NEWSDESK_JUDGE_BASE_URL, NEWSDESK_JUDGE_MODEL and NEWSDESK_JUDGE_API_KEY."""

    model_config = SettingsConfigDict(env_prefix="NEWSDESK_JUDGE_", extra="ignore")

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None

    def config(self) -> JudgeConfig | None:
        """The judge to score with, or ``None`` when none is configured."""
        if not (self.base_url and self.model):
            return None
        return JudgeConfig(self.base_url, self.model, self.api_key or "not-needed")


def ragas_unavailable(judge: JudgeConfig | None) -> str | None:
    """Why RAGAS scores cannot be computed, or ``None`` when they can."""
    if judge is None:
        return (
            "not computed: no OpenAI-compatible judge is configured "
            "(set NEWSDESK_JUDGE_BASE_URL and NEWSDESK_JUDGE_MODEL)"
        )
    try:
        import ragas  # noqa: F401
    except ImportError:
        return "not computed: the ragas library is not installed (pip install -e '.[ragas]')"
    return None


@dataclass
class RagasTotals:
    faithfulness: list[float] = field(default_factory=list)
    answer_relevancy: list[float] = field(default_factory=list)
    errors: int = 0
    last_error: str = ""

    def summary(self) -> dict[str, Any]:
        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        return {
            "faithfulness": mean(self.faithfulness),
            "answer_relevancy": mean(self.answer_relevancy),
            "scored": len(self.faithfulness),
            "errors": self.errors,
            "last_error": self.last_error,
        }


class RagasScorer:
    """Scores one answer at a time (grounded answers only: a refusal has no claims to check)."""

    def __init__(self, judge: JudgeConfig) -> None:
        os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")
        from openai import AsyncOpenAI
        from ragas.embeddings import HuggingFaceEmbeddings
        from ragas.llms import llm_factory
        from ragas.metrics.collections import AnswerRelevancy, Faithfulness

        client = AsyncOpenAI(base_url=judge.base_url, api_key=judge.api_key, timeout=judge.timeout)
        llm = llm_factory(judge.model, client=client)
        embeddings = HuggingFaceEmbeddings(model=bundled_model_path())
        self.faithfulness = Faithfulness(llm=llm)
        self.relevancy = AnswerRelevancy(llm=llm, embeddings=embeddings, strictness=1)
        self.totals = RagasTotals()

    def score(self, question: str, answer: str, contexts: list[str]) -> dict[str, float | None]:
        try:
            faithful = asyncio.run(
                self.faithfulness.ascore(user_input=question, response=answer, retrieved_contexts=contexts)
            ).value
            relevant = asyncio.run(self.relevancy.ascore(user_input=question, response=answer)).value
        except Exception as error:  # the judge is a remote model: any failure is one unscored question
            self.totals.errors += 1
            self.totals.last_error = f"{type(error).__name__}: {error}"[:300]
            return {"faithfulness": None, "answer_relevancy": None}
        scores = {"faithfulness": _number(faithful), "answer_relevancy": _number(relevant)}
        if scores["faithfulness"] is not None:
            self.totals.faithfulness.append(scores["faithfulness"])
        if scores["answer_relevancy"] is not None:
            self.totals.answer_relevancy.append(scores["answer_relevancy"])
        return scores


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
