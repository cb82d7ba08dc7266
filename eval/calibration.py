"""Calibrating the refusal threshold and the coverage weight on golden sets.

For every question the evidence is judged once (retrieval, cross-encoder, penalties, focus coverage); then
every ``coverage_weight`` on a grid and every threshold between two observed scores is tried. A setting's
cost counts its mistakes: a missed answer costs 1, an invented one (an unanswerable question answered)
costs ``INVENTED_ANSWER_COST``, because an answer made up from the wrong article is the complaint readers
make most. The cheapest setting wins; ties go to the threshold with the widest margin on both sides, the
one least likely to flip on a new question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from eval.datasets import GoldenItem
from eval.metrics import contains_answer
from service.answering import JudgedPassage, best_variant_only, choose_passages
from service.engine import Newsdesk

WEIGHT_GRID = tuple(x / 2 for x in range(0, 21))  # 0 .. 10
INVENTED_ANSWER_COST = 2.0


@dataclass(frozen=True)
class CalibrationCase:
    item: GoldenItem
    judged: list[JudgedPassage]


@dataclass(frozen=True)
class CalibrationResult:
    coverage_weight: float
    threshold: float
    correct: int
    total: int
    margin: float
    failures: list[str]
    cost: float = 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def collect_cases(
    newsdesk: Newsdesk, items: Sequence[GoldenItem], top_k: int | None = None
) -> list[CalibrationCase]:
    cases = []
    for item in items:
        nodes = newsdesk.search(item.question)[: top_k or newsdesk.settings.top_k]
        cases.append(CalibrationCase(item, newsdesk.judge.judge_all_readings(item.question, nodes)))
    return cases


def rescore(judged: Sequence[JudgedPassage], weight: float) -> list[JudgedPassage]:
    rescored = [replace(j, score=j.relevance - j.penalty - weight * j.uncovered) for j in judged]
    return best_variant_only(sorted(rescored, key=lambda j: j.score, reverse=True))


def is_correct(case: CalibrationCase, chosen: Sequence[JudgedPassage]) -> bool:
    if case.item.unanswerable:
        return not chosen
    if not chosen:
        return False
    text = " ".join(j.sentence.passage for j in chosen)
    cited = {j.sentence.doc_id for j in chosen}
    return contains_answer(text, case.item.answers) and bool(cited & set(case.item.doc_ids))


def evaluate(
    cases: Sequence[CalibrationCase], weight: float, threshold: float, max_passages: int
) -> list[str]:
    """Ids of the questions this setting gets wrong."""
    failures = []
    for case in cases:
        chosen = choose_passages(rescore(case.judged, weight), threshold, max_passages)
        if not is_correct(case, chosen):
            failures.append(case.item.id)
    return failures


def calibrate(
    cases: Sequence[CalibrationCase], max_passages: int, weights: Sequence[float] = WEIGHT_GRID
) -> CalibrationResult:
    unanswerable = {c.item.id for c in cases if c.item.unanswerable}
    best: CalibrationResult | None = None
    for weight in weights:
        tops = sorted({rescore(c.judged, weight)[0].score for c in cases if c.judged})
        candidates = [tops[0] - 1.0] + [(a + b) / 2 for a, b in pairwise(tops)] + [tops[-1] + 1]
        for threshold in candidates:
            failures = evaluate(cases, weight, threshold, max_passages)
            margin = min((abs(t - threshold) for t in tops), default=0.0)
            cost = sum(INVENTED_ANSWER_COST if f in unanswerable else 1.0 for f in failures)
            result = CalibrationResult(
                weight, round(threshold, 3), len(cases) - len(failures), len(cases), round(margin, 3),
                failures, cost,
            )  # fmt: skip
            if best is None or (-result.cost, result.margin) > (-best.cost, best.margin):
                best = result
    assert best is not None, "no cases to calibrate on"
    return best
