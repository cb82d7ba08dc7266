"""`newsdesk eval`: build the systems, run the dataset through them, write the report.

Without ``--url`` Newsdesk is evaluated against a fresh index of the corpus built in a temporary folder (the
baseline too, from the same articles), so a run never depends on what an existing index holds. With
``--index`` it reads an index built once instead: two builds of one corpus rank a few questions differently,
so comparing two versions of the code on one index separates their difference from the build's.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.ragas_scores import JudgeSettings, RagasScorer, ragas_unavailable
from eval.report import fmt, summary_tables, write_report
from eval.runner import count_items, run_evaluation
from eval.systems import (
    EvalSystem,
    NewsdeskSystem,
    RemoteSystem,
    RetrievalVariant,
    TextbookSystem,
    newsdesk_variants,
    textbook_variant,
)
from eval.textbook import TextbookPipeline
from ingest.loading import load_paths
from service.settings import Settings

SETTINGS_IN_REPORT = (
    "answerer", "top_k", "candidates", "dense_weight", "bm25_weight", "rrf_k", "rerank", "rerank_candidates",
    "answer_candidates", "answerability_model", "refusal_threshold", "chunk_tokens",
)  # fmt: skip


@dataclass(frozen=True)
class EvaluationOptions:
    dataset: Path
    corpus: Path | None = None
    answerer: str | None = None
    baseline: str | None = None
    report_dir: Path | None = None
    url: str | None = None
    api_key: str | None = None
    variants: bool = True
    split: str | None = None
    progress: bool = False
    index: Path | None = None


@dataclass(frozen=True)
class EvaluationOutcome:
    metrics: dict[str, Any]
    paths: dict[str, Path]
    summary_text: str
    primary_system: str


def evaluate_dataset(settings: Settings, options: EvaluationOptions) -> EvaluationOutcome:
    from service.engine import Newsdesk, sample_corpus_path

    started = time.perf_counter()
    corpus = options.corpus or sample_corpus_path()
    report_dir = options.report_dir or Path("reports") / datetime.now(UTC).strftime("eval-%Y%m%d-%H%M%S")
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-") as scratch:
        systems: list[EvalSystem] = []
        variants: list[RetrievalVariant] = []
        engine = None
        if options.url:
            systems.append(RemoteSystem(options.url, api_key=options.api_key))
            notes.append(f"Newsdesk: the running service at {options.url}.")
        else:
            overrides: dict[str, Any] = {"data_dir": options.index or Path(scratch) / "newsdesk"}
            if options.answerer:
                overrides["answerer"] = options.answerer
            settings = settings.model_copy(update=overrides)
            engine = Newsdesk(settings)
            if options.index is None:
                report = engine.ingest_paths([corpus], progress=options.progress)
                notes.append(f"Newsdesk: a fresh index of the corpus ({report.summary()}).")
            else:
                notes.append(
                    f"Newsdesk: the existing index at {options.index} "
                    f"({engine.catalog.count_documents()} documents), not rebuilt."
                )
            engine.warm_up()
            systems.append(NewsdeskSystem(engine))
            if options.variants:
                variants.extend(newsdesk_variants(engine))
        if options.baseline == "textbook":
            pipeline = TextbookPipeline(Path(scratch) / "textbook")
            documents, chunks, seconds = pipeline.ingest(load_paths([corpus]))
            notes.append(
                "Baseline `textbook`: llama-index SentenceSplitter 512/50, all-MiniLM-L6-v2, Chroma, top 5 "
                f"by cosine; {documents} documents, {chunks} chunks indexed in {seconds:.1f} s. It has no "
                "answerer: its answer is its best chunk, its citations its five chunks, and it never refuses."
            )
            systems.append(TextbookSystem(pipeline))
            if options.variants:
                variants.append(textbook_variant(pipeline))

        judge = JudgeSettings().config()
        reason = ragas_unavailable(judge)
        scorer = RagasScorer(judge) if judge is not None and reason is None else None
        run = run_evaluation(
            options.dataset,
            systems,
            report_dir,
            variants=variants,
            progress=options.progress,
            ragas=scorer,
            split=options.split,
        )
        metrics = run.metrics()
        metrics.update(
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            seconds=round(time.perf_counter() - started, 1),
            corpus=str(corpus),
            questions=count_items(options.dataset, options.split),
            split=options.split,
            settings={key: getattr(settings, key) for key in SETTINGS_IN_REPORT},
            ragas=scorer.totals.summary() if scorer else {"note": reason},
        )
        ragas_note = (
            f"RAGAS faithfulness {fmt(metrics['ragas']['faithfulness'])}, answer relevancy "
            f"{fmt(metrics['ragas']['answer_relevancy'])} ({metrics['ragas']['scored']} answers scored by "
            f"{judge.model if judge else ''}, {metrics['ragas']['errors']} judge errors)."
            if scorer
            else f"RAGAS faithfulness and answer relevancy: {reason}."
        )
        paths = write_report(metrics, run.outcomes_path, report_dir, notes=[*notes, ragas_note])
        if engine is not None:
            engine.close()
    return EvaluationOutcome(metrics, paths, summary_text(metrics), systems[0].name)


def summary_text(metrics: dict[str, Any]) -> str:
    lines = []
    for title, header, rows in summary_tables(metrics):
        widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
        lines.append(title)
        for row in [header, *rows]:
            lines.append(
                "  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
            )
        lines.append("")
    return "\n".join(lines)
