"""The learned answerability judge: how likely is it that a passage answers the question?

The signals are the ones the judge already computes (the cross-encoder's logit, the date, attribution,
answer-type and name checks, the share of the question's focus words the passage lacks, lexical and dense
similarity, the chunk's rank, what the entity recognizer found). Passages are ranked by a fixed weighted sum
of a few of them; whether the best one answers is learned, not hand-set: a logistic regression fitted by
``newsdesk calibrate`` on the best passage of each dev question, labelled right when it holds an accepted
answer and comes from a gold article. Its output reads as a probability, so one threshold on it means the
same thing on every corpus.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

# Order matters only inside a fitted file, which names each weight.
FEATURES = (
    "logit",  # cross-encoder relevance of the passage to the question
    "logit_gap",  # this logit minus the best logit among the question's candidates (0 for the best)
    "date_penalty",  # wrong or unconfirmed years and months (service.judge.dates)
    "attribution",  # 1 when "what did X say" meets no words from X
    "type_missing",  # 1 when a who / when / how-many question meets a passage with no person / date / count
    "vague_date",  # 1 when a date question meets only a weekday or "last week"
    "name_gap",  # share of the question's names the article never mentions (0..1)
    "uncovered_window",  # share of focus words missing near the passage (near-synonyms count partly)
    "uncovered_passage",  # share of focus words missing from the quoted passage itself
    "uncovered_literal",  # ... from the quoted passage, near-synonyms not counted
    "no_answer",  # 1 when the passage says it is not known, not said or not yet decided
    "uncovered_article",  # share of focus words missing from the whole article
    "lexical",  # IDF-weighted share of the question's terms in the passage
    "dense",  # cosine of the sentence's vector to the question's
    "chunk_rank",  # log(1 + rank) of the chunk the passage came from, after reranking
    "has_context",  # 1 when the passage quotes the previous sentence too
    "typed_question",  # 1 when the question asks for a date, number or person
    "focus_words",  # log(1 + focus words): short questions leave less to check
    "entity_checked",  # 1 when the recognizer looked at the passage (the best few, for typed questions)
    "entity_answer",  # 1 when it found an entity of the asked kind the question does not name
)


# The refusal model also reads how far the passage leads the next one, and its ranking score.
REFUSAL_FEATURES = (*FEATURES, "margin", "rank_score")

# How passages are ranked: the cross-encoder's logit less the checks' penalties, weights set by hand (a
# learned ranking put the right passage first no more often on the dev halves; the refusal is learned).
# A passage the recognizer checked and found no entity of the asked kind in loses 2: "Two Palestinians were
# killed" names nobody, "identified as Hossam al-Sufi" does.
RULE_WEIGHTS = {
    "logit": 1.0, "date_penalty": -1.0, "attribution": -3.0, "type_missing": -3.0, "vague_date": -1.0,
    "name_gap": -6.0, "uncovered_window": -3.0, "uncovered_article": -3.0,
    "entity_checked": -2.0, "entity_answer": 2.0,
}  # fmt: skip


@dataclass(frozen=True)
class AnswerabilityModel:
    """Ranks passages with ``ranking`` (a weighted sum of signals) and says how likely the best one answers:
    ``P(answers) = sigmoid(bias + sum(weight * (feature - mean) / scale))`` over REFUSAL_FEATURES."""

    weights: Mapping[str, float]
    bias: float
    means: Mapping[str, float]
    scales: Mapping[str, float]
    threshold: float  # the probability under which the answerer refuses, fitted with the weights
    ranking: Mapping[str, float] = field(default_factory=lambda: dict(RULE_WEIGHTS))
    fitted_on: str = ""

    def rank_score(self, features: Mapping[str, float]) -> float:
        return sum(weight * features[name] for name, weight in self.ranking.items())

    def log_odds(self, features: Mapping[str, float]) -> float:
        """Log-odds that the passage answers (``features`` with ``margin`` and ``rank_score``)."""
        total = self.bias
        for name, weight in self.weights.items():
            total += weight * (features[name] - self.means[name]) / self.scales[name]
        return total

    def probability(self, features: Mapping[str, float]) -> float:
        return sigmoid(self.log_odds(features))

    @property
    def threshold_log_odds(self) -> float:
        return logit(self.threshold)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> AnswerabilityModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        unknown = (set(data["weights"]) - set(REFUSAL_FEATURES)) | (
            set(data.get("ranking", {})) - set(FEATURES)
        )
        if unknown:
            raise ValueError(f"{path}: unknown features {sorted(unknown)}")
        return cls(**data)


def bundled_model_path() -> Path:
    return Path(str(resources.files("service.judge") / "answerability_model.json"))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def fit_model(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    threshold: float = 0.5,
    regularization: float = 1.0,
    fitted_on: str = "",
) -> AnswerabilityModel:
    """Logistic regression on standardized features (L2)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    matrix = np.array([[row[name] for name in REFUSAL_FEATURES] for row in rows], dtype=float)
    means = matrix.mean(axis=0)
    scales = matrix.std(axis=0)
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=regularization, max_iter=2000)
    model.fit((matrix - means) / scales, np.array(labels))
    return AnswerabilityModel(
        weights={name: round(float(w), 6) for name, w in zip(REFUSAL_FEATURES, model.coef_[0], strict=True)},
        bias=round(float(model.intercept_[0]), 6),
        means={name: round(float(m), 6) for name, m in zip(REFUSAL_FEATURES, means, strict=True)},
        scales={name: round(float(s), 6) for name, s in zip(REFUSAL_FEATURES, scales, strict=True)},
        threshold=threshold,
        fitted_on=fitted_on,
    )
