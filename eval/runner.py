"""The evaluation run: every question through every system, scored, streamed to disk, summarised.

Outcomes are written one JSON line per (question, system) as soon as they are scored; only running totals and
latencies stay in memory, so a run of any size holds one answer per worker at a time. The report is built
from the outcomes file afterwards (``eval.report``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.datasets import GoldenItem, iter_dataset
from eval.metrics import (
    answered_and_cited,
    direct_answer_matches,
    first_relevant_rank,
    ndcg_at,
    percentile,
    token_f1,
)
from eval.ragas_scores import RagasScorer
from eval.systems import EvalSystem, RetrievalVariant, SystemAnswer

HIT_CURVE_DEPTH = 10


def score_outcome(item: GoldenItem, system: str, result: SystemAnswer) -> dict[str, Any]:
    """One question's outcome for one system, with every per-question metric."""
    outcome: dict[str, Any] = {
        "id": item.id,
        "system": system,
        "question": item.question,
        "kind": item.kind,
        "split": item.split,
        "history": list(item.history),
        "query": result.query,
        "unanswerable": item.unanswerable,
        "gold_answers": list(item.answers),
        "gold_doc_ids": list(item.doc_ids),
        "answer": result.answer,
        "grounded": result.grounded,
        "citations": [asdict(c) for c in result.citations],
        "ranked_doc_ids": result.ranked_doc_ids,
        "timings_ms": result.timings_ms,
        "direct_answer": result.direct_answer,
        "citation_validity": (
            sum(c.valid for c in result.citations) / len(result.citations) if result.citations else None
        ),
    }
    if item.unanswerable:
        outcome["correct"] = not result.grounded
        outcome["failure"] = None if outcome["correct"] else "answered an unanswerable question"
        return outcome
    rank = first_relevant_rank(result.ranked_doc_ids, item.doc_ids)
    cited = {c.doc_id for c in result.citations}
    answered, cites_gold = answered_and_cited(
        result.answer, result.grounded, cited, item.answers, item.doc_ids
    )
    outcome.update(
        first_relevant_rank=rank,
        ndcg_at_10=ndcg_at(result.ranked_doc_ids, item.doc_ids, 10),
        answer_correct=answered,
        token_f1=token_f1(result.answer, item.answers) if result.grounded else 0.0,
        citation_precision=(len(cited & set(item.doc_ids)) / len(cited)) if cited else None,
        correct=answered and cites_gold,
        # Of a right answer, whether its short answer is one of the accepted ones (None: none was given).
        direct_answer_right=direct_answer_matches(result.direct_answer, item.answers)
        if answered and cites_gold and result.direct_answer
        else None,
        failure=(
            None
            if answered and cites_gold
            else "refused an answerable question"
            if not result.grounded
            else "answer lacks an accepted string"
            if not answered
            else "no citation of a gold document"
        ),
    )
    return outcome


@dataclass
class RankingTotals:
    """Retrieval metrics over answerable questions, from the rank of the first gold document."""

    questions: int = 0
    first_ranks: dict[int, int] = field(default_factory=dict)  # rank -> questions whose first hit is there
    reciprocal_rank: float = 0.0
    ndcg: float = 0.0

    def add(self, ranked_doc_ids: Sequence[str], gold: Sequence[str]) -> None:
        self.questions += 1
        rank = first_relevant_rank(ranked_doc_ids, gold)
        if rank is not None:
            self.first_ranks[rank] = self.first_ranks.get(rank, 0) + 1
            self.reciprocal_rank += 1.0 / rank
        self.ndcg += ndcg_at(ranked_doc_ids, gold, 10)

    def hit_at(self, k: int) -> float:
        hits = sum(count for rank, count in self.first_ranks.items() if rank <= k)
        return hits / self.questions if self.questions else 0.0

    def summary(self) -> dict[str, float]:
        n = self.questions or 1
        return {
            "hit@1": round(self.hit_at(1), 4),
            "hit@5": round(self.hit_at(5), 4),
            "mrr": round(self.reciprocal_rank / n, 4),
            "ndcg@10": round(self.ndcg / n, 4),
            "questions": self.questions,
        }

    def curve(self) -> list[float]:
        return [round(self.hit_at(k), 4) for k in range(1, HIT_CURVE_DEPTH + 1)]


@dataclass
class AnswerTotals:
    ranking: RankingTotals = field(default_factory=RankingTotals)
    answerable: int = 0
    answered_correctly: int = 0  # contains an accepted answer
    correct_with_citation: int = 0
    f1: float = 0.0
    precision_sum: float = 0.0
    precision_count: int = 0
    citations: int = 0
    valid_citations: int = 0
    unanswerable: int = 0
    refused: int = 0
    refused_unanswerable: int = 0
    direct_answers: int = 0  # right answers that gave a short answer
    direct_answers_right: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [right, total]
    # split -> [answerable right and cited, answerable, unanswerable refused, unanswerable, follow-ups right,
    # follow-ups]
    by_split: dict[str, list[int]] = field(default_factory=dict)

    def add(self, outcome: dict[str, Any]) -> None:
        if outcome.get("kind"):
            tally = self.by_kind.setdefault(outcome["kind"], [0, 0])
            tally[0] += bool(outcome["correct"])
            tally[1] += 1
        if outcome.get("split"):
            split = self.by_split.setdefault(outcome["split"], [0, 0, 0, 0, 0, 0])
            offset = 2 if outcome["unanswerable"] else 0
            split[offset] += bool(outcome["correct"])
            split[offset + 1] += 1
            if outcome.get("kind") == "followup":
                split[4] += bool(outcome["correct"])
                split[5] += 1
        for citation in outcome["citations"]:
            self.citations += 1
            self.valid_citations += bool(citation["valid"])
        if not outcome["grounded"]:
            self.refused += 1
        for stage, ms in outcome["timings_ms"].items():
            self.latencies.setdefault(stage, []).append(float(ms))
        if outcome["unanswerable"]:
            self.unanswerable += 1
            self.refused_unanswerable += not outcome["grounded"]
            return
        self.answerable += 1
        self.ranking.add(outcome["ranked_doc_ids"], outcome["gold_doc_ids"])
        self.answered_correctly += outcome["answer_correct"]
        self.correct_with_citation += outcome["correct"]
        if outcome.get("direct_answer_right") is not None:
            self.direct_answers += 1
            self.direct_answers_right += outcome["direct_answer_right"]
        self.f1 += outcome["token_f1"]
        if outcome["citation_precision"] is not None:
            self.precision_sum += outcome["citation_precision"]
            self.precision_count += 1

    def summary(self) -> dict[str, Any]:
        answerable = self.answerable or 1
        total = self.answerable + self.unanswerable or 1
        return {
            **self.ranking.summary(),
            "answer_accuracy": round(self.answered_correctly / answerable, 4),
            "answer_accuracy_cited": round(self.correct_with_citation / answerable, 4),
            "overall_accuracy": round((self.correct_with_citation + self.refused_unanswerable) / total, 4),
            "token_f1": round(self.f1 / answerable, 4),
            "citation_precision": round(self.precision_sum / self.precision_count, 4)
            if self.precision_count
            else None,
            "citation_validity": round(self.valid_citations / self.citations, 4) if self.citations else None,
            "refusal_precision": round(self.refused_unanswerable / self.refused, 4) if self.refused else None,
            "refusal_recall": round(self.refused_unanswerable / self.unanswerable, 4)
            if self.unanswerable
            else None,
            "direct_answer_accuracy": round(self.direct_answers_right / self.direct_answers, 4)
            if self.direct_answers
            else None,
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            "by_split": {
                split: {
                    "answerable_right": a_right,
                    "answerable": a_total,
                    "unanswerable_refused": u_right,
                    "unanswerable": u_total,
                    "followups_right": f_right,
                    "followups": f_total,
                    "answer_accuracy_cited": round(a_right / a_total, 4) if a_total else None,
                    "refusal_recall": round(u_right / u_total, 4) if u_total else None,
                }
                for split, (a_right, a_total, u_right, u_total, f_right, f_total) in sorted(
                    self.by_split.items()
                )
            },
            "by_kind": {
                kind: {"right": right, "total": total, "accuracy": round(right / total, 4)}
                for kind, (right, total) in sorted(self.by_kind.items())
            },
            "latency_ms": {
                stage: {"p50": round(percentile(v, 50), 2), "p95": round(percentile(v, 95), 2)}
                for stage, v in self.latencies.items()
            },
        }


@dataclass
class EvalRun:
    dataset: Path
    outcomes_path: Path
    systems: dict[str, AnswerTotals]
    variants: dict[str, RankingTotals]

    def metrics(self) -> dict[str, Any]:
        return {
            "dataset": str(self.dataset),
            "systems": {name: totals.summary() for name, totals in self.systems.items()},
            # A variant that is also a system (the baseline) is reported once, as a system.
            "retrieval": {
                name: totals.summary() for name, totals in self.variants.items() if name not in self.systems
            },
            "hit_curve": {
                **{name: t.curve() for name, t in self.variants.items()},
                **{name: t.ranking.curve() for name, t in self.systems.items()},
            },
        }


def count_items(dataset: Path, split: str | None = None) -> int:
    if split is not None:
        return sum(1 for _ in iter_dataset(dataset, split))
    with dataset.open(encoding="utf-8") as lines:
        return sum(1 for line in lines if line.strip())


def run_evaluation(
    dataset: Path,
    systems: Sequence[EvalSystem],
    out_dir: Path,
    variants: Sequence[RetrievalVariant] = (),
    progress: bool = True,
    ragas: RagasScorer | None = None,
    split: str | None = None,
) -> EvalRun:
    """Run every question through every system; RAGAS (when given) scores the first system's answers."""
    out_dir.mkdir(parents=True, exist_ok=True)
    run = EvalRun(
        dataset=dataset,
        outcomes_path=out_dir / "outcomes.jsonl",
        systems={system.name: AnswerTotals() for system in systems},
        variants={variant.name: RankingTotals() for variant in variants},
    )
    with run.outcomes_path.open("w", encoding="utf-8") as out:
        for item in tqdm(
            iter_dataset(dataset, split), total=count_items(dataset, split), unit="q", disable=not progress
        ):
            for index, system in enumerate(systems):
                result = system.answer(item.question, replay_history(system, item.history))
                outcome = score_outcome(item, system.name, result)
                if ragas is not None and index == 0 and result.grounded:
                    outcome["ragas"] = ragas.score(
                        item.question, result.answer, [c.snippet for c in result.citations]
                    )
                out.write(json.dumps(outcome, ensure_ascii=False) + "\n")
                run.systems[system.name].add(outcome)
                del outcome
            if not item.unanswerable:
                for variant in variants:
                    run.variants[variant.name].add(variant.rank(item.question), item.doc_ids)
    return run


def replay_history(system: EvalSystem, questions: Sequence[str]) -> list[dict[str, str]]:
    """The conversation before a follow-up, with the system's own answers: a follow-up is judged on what
    this system said before, as a reader would see it."""
    turns: list[dict[str, str]] = []
    for question in questions:
        answer = system.answer(question, turns)
        turns += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
    return turns


def check_thresholds(metrics: dict[str, Any], thresholds: dict[str, float], system: str) -> list[str]:
    """Violations of ``--fail-under`` for one system, as readable lines."""
    summary = metrics["systems"][system]
    problems = []
    for name, floor in thresholds.items():
        value = summary.get(name)
        if not isinstance(value, int | float):
            problems.append(f"{name}: not measured for {system}")
        elif value < floor:
            problems.append(f"{name} = {value} is under {floor}")
    return problems
