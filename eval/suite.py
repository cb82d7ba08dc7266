"""`newsdesk eval-suite`: every labelled set, each beside the textbook baseline, in one table.

The sets: the sample questions over the five sample articles, the synthetic set over its generated corpus,
and the news set over the real news corpus (fetched once, see eval.corpora.news), reported by split: the dev
half is what `newsdesk calibrate` fits on, the test half is what says whether the fit generalizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.datasets import sample_golden_path
from eval.evaluation import EvaluationOptions, evaluate_dataset
from service.settings import Settings


@dataclass(frozen=True)
class SuiteSet:
    name: str
    dataset: Path
    corpus: Path


def suite_sets(settings: Settings, names: Sequence[str] = ("sample", "synthetic", "news")) -> list[SuiteSet]:
    """The named sets; the news corpus is built (fetched and converted once) when it is missing."""
    from service.engine import sample_corpus_path

    datasets = sample_golden_path().parent
    found = []
    for name in names:
        if name == "sample":
            found.append(SuiteSet(name, sample_golden_path(), sample_corpus_path()))
        elif name == "synthetic":
            found.append(
                SuiteSet(name, datasets / "synthetic_golden.jsonl", datasets / "synthetic_corpus.jsonl")
            )
        elif name == "news":
            found.append(SuiteSet(name, datasets / "news_golden.jsonl", news_corpus(settings)))
        else:
            raise ValueError(f"unknown set {name!r}: use sample, synthetic or news")
    return found


def news_corpus(settings: Settings) -> Path:
    from eval.corpora.news import build_news_corpus, news_corpus_path

    path = news_corpus_path(settings.data_dir)
    if not path.is_file():
        build_news_corpus(path)
    return path


def run_suite(
    settings: Settings, sets: Sequence[SuiteSet], report_dir: Path, baseline: str | None, progress: bool
) -> tuple[str, dict[str, Any]]:
    """Each set evaluated into its own report folder; returns the combined table and every set's metrics."""
    metrics = {}
    for suite_set in sets:
        options = EvaluationOptions(
            dataset=suite_set.dataset,
            corpus=suite_set.corpus,
            baseline=baseline,
            report_dir=report_dir / suite_set.name,
            variants=False,
            progress=progress,
        )
        metrics[suite_set.name] = evaluate_dataset(settings, options).metrics
    table = suite_table(metrics)
    (report_dir / "summary.md").write_text(table + "\n", encoding="utf-8")
    return table, metrics


SUITE_HEADER = (
    "set", "system", "answerable: right and cited", "unanswerable: refused", "follow-ups", "gold in top 5",
)  # fmt: skip


def suite_table(metrics: dict[str, dict[str, Any]]) -> str:
    """One Markdown table: a row per set, split and system."""
    rows = [SUITE_HEADER, tuple("---" for _ in SUITE_HEADER)]
    for name, set_metrics in metrics.items():
        for system, summary in set_metrics["systems"].items():
            splits = summary.get("by_split") or {}
            parts = [(f"{name} {split}", tally) for split, tally in splits.items()] or [(name, None)]
            for label, tally in parts:
                rows.append((label, system, *_cells(summary, tally)))
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def _cells(summary: dict[str, Any], tally: dict[str, Any] | None) -> tuple[str, ...]:
    if tally is None:
        answered = _ratio(
            round(summary["answer_accuracy_cited"] * summary["answerable"]), summary["answerable"]
        )
        refused = _ratio(
            round((summary["refusal_recall"] or 0) * summary["unanswerable"]), summary["unanswerable"]
        )
    else:
        answered = _ratio(tally["answerable_right"], tally["answerable"])
        refused = _ratio(tally["unanswerable_refused"], tally["unanswerable"])
    follow = summary.get("by_kind", {}).get("followup")
    if tally is not None:
        follow_ups = _ratio(tally["followups_right"], tally["followups"])
    else:
        follow_ups = _ratio(follow["right"], follow["total"]) if follow else "—"
    return answered, refused, follow_ups, f"{summary['hit@5']:.3f}"


def _ratio(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.0%})" if total else "—"
