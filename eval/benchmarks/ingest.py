"""The whole ingest pipeline (clean, chunk, embed, write the three stores), in a process of its own so its
peak memory is its own, and the textbook llama-index pipeline on the same articles."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.benchmarks.measure import Stopwatch, current_rss_bytes, mib, peak_rss_bytes, rate, run_isolated
from eval.benchmarks.workload import bench_articles
from ingest.models import Article
from service.settings import Settings


def _ingest_child(settings: Settings, count: int, seed: int) -> dict[str, Any]:
    from ingest.chunking import load_chunking_models
    from service.stores import open_stores

    articles = bench_articles(count, seed)
    stores = open_stores(settings)
    try:
        # Loading the models (embedder, sentence splitter, tokenizer) is a start-up cost, not throughput.
        stores.embedder.embed_documents(["warm up"])
        load_chunking_models()
        with Stopwatch() as watch:
            report = stores.indexer.ingest(articles)
    finally:
        stores.close()
    return {
        "articles": count,
        "indexed": len(report.added) + len(report.replaced),
        "failed": len(report.failed),
        "chunks": report.chunks,
        **watch.rates(count, "articles"),
        "chunks_per_s": rate(report.chunks, watch.seconds),
        "chunks_per_cpu_s": rate(report.chunks, watch.cpu_seconds),
        "peak_rss_mib": mib(peak_rss_bytes()),
        "end_rss_mib": mib(current_rss_bytes()),
    }


def measure_ingest(settings: Settings, count: int, seed: int) -> dict[str, Any]:
    """The whole pipeline into ``settings.data_dir``, in a fresh process (its peak RSS is the ingest's)."""
    result = run_isolated(_ingest_child, settings, count, seed)
    result["peak_rss_note"] = "peak RSS of a process that generated the articles in memory and ingested them"
    return result


def measure_textbook(articles: Sequence[Article], persist_dir: Path) -> dict[str, Any]:
    from eval.textbook import TextbookPipeline

    with contextlib.redirect_stdout(
        sys.stderr
    ):  # llama-index prints its MockLLM notice: stdout is the JSON's
        pipeline = TextbookPipeline(persist_dir)
    pipeline.embed_model.get_text_embedding("warm up")
    with Stopwatch() as watch:
        documents, chunks, _ = pipeline.ingest(articles)
    return {
        "pipeline": "llama-index SentenceSplitter(512, 50) + HuggingFaceEmbedding (torch fp32) + Chroma",
        "chunks": chunks,
        **watch.rates(documents, "articles"),
        "chunks_per_s": rate(chunks, watch.seconds),
    }
