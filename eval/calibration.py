"""Fitting the answerability judge on the dev halves of the labelled sets, and scoring it on the test halves.

For every question the evidence is retrieved, reranked and judged once, keeping each candidate passage's
signals (service.judge.model.FEATURES). The best-ranked passage is labelled right when it holds an accepted
answer and comes from a gold article; for an unanswerable question it is always wrong. A logistic regression
learns how likely the best passage answers; then the refusal threshold is chosen by **cost** over whole
questions: a missed answer costs
1, an invented one (an unanswerable question answered, or an answer from the wrong passage) costs
``INVENTED_ANSWER_COST``, since a newsroom forgives a refusal and not an invented answer. Only dev items are
fitted on; the test items are scored with the result, so the gap between the two says whether the judge
generalizes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from eval.datasets import GoldenItem
from eval.metrics import contains_answer
from service.answer.extractive import choose_passages
from service.engine import Newsdesk
from service.judge.evidence_judge import JudgedPassage, best_variant_only, with_confidence
from service.judge.model import AnswerabilityModel, fit_model, logit

INVENTED_ANSWER_COST = 2.0
REGULARIZATION_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(2, 20))  # 0.10 .. 0.95
FOLDS = 4


@dataclass(frozen=True)
class CalibrationCase:
    item: GoldenItem
    judged: list[JudgedPassage]
    dataset: str = ""

    @property
    def split(self) -> str:
        return item_split(self.item)


@dataclass(frozen=True)
class Outcome:
    """What one setting does to a set of questions."""

    right: int
    total: int
    cost: float
    failures: list[str]
    invented: int  # unanswerable questions answered, or answers from a wrong passage

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def item_split(item: GoldenItem) -> str:
    """The item's own split; an item without one is fitted on. The project's own sets (sample, synthetic)
    were written while tuning, so their figures are optimistic whichever half they fall in: only a set split
    by article (the news set) has a test half that says how the judge does on questions it never saw."""
    return item.split or "dev"


def collect_cases(
    newsdesk: Newsdesk, items: Sequence[GoldenItem], dataset: str = "", top_k: int | None = None
) -> list[CalibrationCase]:
    """Each question's judged passages, follow-ups asked after their history (with the engine's answers)."""
    cases = []
    for item in items:
        turns: list[dict[str, str]] = []
        for earlier in item.history:
            answer = newsdesk.ask(earlier, history=turns)
            turns += [{"role": "user", "content": earlier}, {"role": "assistant", "content": answer.answer}]
        query, nodes, _ = newsdesk.gather_evidence(item.question, turns)
        judged = newsdesk.judge.judge_all_readings(query, nodes[: top_k or newsdesk.settings.top_k])
        cases.append(CalibrationCase(item, judged, dataset))
    return cases


def passage_is_right(item: GoldenItem, passage: JudgedPassage) -> bool:
    return (
        not item.unanswerable
        and passage.sentence.doc_id in item.doc_ids
        and contains_answer(passage.sentence.passage, item.answers)
    )


def rescore(judged: Sequence[JudgedPassage], model: AnswerabilityModel) -> list[JudgedPassage]:
    """All readings of a question's passages, ranked and scored by ``model`` as the answerer would."""
    rescored = [replace(j, score=model.rank_score(j.features)) for j in judged]
    return with_confidence(best_variant_only(sorted(rescored, key=lambda j: j.score, reverse=True)), model)


def is_correct(item: GoldenItem, chosen: Sequence[JudgedPassage]) -> bool:
    if item.unanswerable:
        return not chosen
    if not chosen:
        return False
    text = " ".join(j.sentence.passage for j in chosen)
    cited = {j.sentence.doc_id for j in chosen}
    return contains_answer(text, item.answers) and bool(cited & set(item.doc_ids))


def evaluate(
    cases: Sequence[CalibrationCase],
    model: AnswerabilityModel,
    max_passages: int,
    threshold: float | None = None,
) -> Outcome:
    """Right answers and cost of ``model`` (at ``threshold``, a probability; default: its own)."""
    cut = logit(threshold if threshold is not None else model.threshold)
    failures, cost, invented = [], 0.0, 0
    for case in cases:
        chosen = choose_passages(rescore(case.judged, model), cut, max_passages)
        if is_correct(case.item, chosen):
            continue
        failures.append(case.item.id)
        if chosen:  # answered, and wrongly
            invented += 1
            cost += INVENTED_ANSWER_COST
        else:
            cost += 1.0
    return Outcome(len(cases) - len(failures), len(cases), cost, failures, invented)


def training_rows(
    cases: Iterable[CalibrationCase], model: AnswerabilityModel
) -> tuple[list[dict[str, float]], list[int]]:
    """The best-ranked passage of each question and whether it answers: the refusal decides on it alone."""
    rows, labels = [], []
    for case in cases:
        ranked = rescore(case.judged, model)
        if ranked:
            rows.append(dict(ranked[0].features))
            labels.append(int(passage_is_right(case.item, ranked[0])))
    return rows, labels


def fit_judge(
    cases: Sequence[CalibrationCase], max_passages: int, fitted_on: str = ""
) -> tuple[AnswerabilityModel, float]:
    """The model fitted on ``cases`` (dev only), with its regularization chosen by cross-validated cost over
    whole questions, and its threshold the cheapest on them. Returns the model and the chosen strength."""
    # Ranked as the fitted model will rank (its default, service.judge.model.RULE_WEIGHTS); nothing else of
    # this model is read.
    ranking = AnswerabilityModel(weights={}, bias=0.0, means={}, scales={}, threshold=0.5)
    folds = [cases[i::FOLDS] for i in range(FOLDS)]
    best: tuple[float, float] | None = None  # (cross-validated cost, C)
    for strength in REGULARIZATION_GRID:
        cost = 0.0
        for held_out in range(FOLDS):
            train = [c for i, fold in enumerate(folds) if i != held_out for c in fold]
            rows, labels = training_rows(train, ranking)
            if len(set(labels)) < 2:
                continue
            model = fit_model(rows, labels, regularization=strength)
            threshold = cheapest_threshold(train, model, max_passages)
            cost += evaluate(folds[held_out], model, max_passages, threshold).cost
        if best is None or cost < best[0]:
            best = (cost, strength)
    assert best is not None, "no cases to fit on"
    rows, labels = training_rows(cases, ranking)
    model = fit_model(rows, labels, regularization=best[1], fitted_on=fitted_on)
    return replace(model, threshold=cheapest_threshold(cases, model, max_passages)), best[1]


def cheapest_threshold(
    cases: Sequence[CalibrationCase], model: AnswerabilityModel, max_passages: int
) -> float:
    """The probability threshold with the lowest cost; ties go to the higher one (refusing is the safer
    mistake)."""
    scored = [(evaluate(cases, model, max_passages, t).cost, -t) for t in THRESHOLD_GRID]
    return -min(scored)[1]
