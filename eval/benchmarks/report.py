"""The targets a run is checked against, and the tables a reader compares."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eval.benchmarks.options import BenchOptions
from eval.benchmarks.scale import scale_growth

TARGET_DOCS = 10_000  # the memory target is for an ingest of 10k articles


@dataclass
class Target:
    name: str
    measured: float | None
    target: str
    status: str  # pass | fail | partial (measured below the target's size) | not-run
    note: str = ""


def _check(value: float | None, ok: Callable[[float], bool]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not-run"
    return "pass" if ok(value) else "fail"


def targets(result: dict[str, Any], options: BenchOptions) -> list[Target]:
    """Each target of the issue with its measured value; "partial" when measured below the target's size."""
    encoder, ingest = result.get("encoder", {}), result.get("ingest", {})
    textbook, scale = result.get("textbook", {}), result.get("scale", {})

    efficiency = ingest.get("pipeline_efficiency")
    versus = textbook.get("ingest_speedup")
    embedding = encoder.get("speedup_vs_sentence_transformers")
    found = [
        Target(
            "pipeline efficiency (pipeline / raw encoder chunks/s)",
            efficiency,
            ">= 0.85",
            _check(efficiency, lambda v: v >= 0.85),
            "lowest of the rounds "
            + ", ".join(str(r["pipeline_efficiency"]) for r in ingest.get("rounds", []))
            + f"; in CPU time: {ingest.get('pipeline_efficiency_cpu')}",
        ),
        Target(
            "ingest articles/s vs the textbook pipeline",
            versus,
            ">= 2.0",
            _check(versus, lambda v: v >= 2.0),
            f"in CPU time: {textbook.get('ingest_speedup_cpu')}",
        ),
        Target(
            f"embedding ({encoder.get('backend', '?')}) vs torch fp32 sentence-transformers, chunks/s",
            embedding,
            "> 1.0",
            _check(embedding, lambda v: v > 1.0),
            "hit@5 of each backend on the golden sets: README (newsdesk eval)",
        ),
    ]

    from eval.benchmarks.news_ask import news_targets

    found.extend(news_targets(result))  # issue 24: queueing and article length, as ratios

    points = [p["retrieval"] for p in scale.get("points", []) if "incomplete" not in p]
    growth = scale_growth(points)
    note = "needs two complete scale points"
    if growth is not None:
        rounds = ", ".join(str(g) for g in scale.get("growth_rounds", []))
        sizes = f"{points[0]['chunks']} -> {points[-1]['chunks']} chunks"
        note = f"hybrid p50, {sizes}; steepest of the rounds {rounds}"
    status = _check(growth, lambda v: v <= 2.5)
    if status != "not-run" and (points[0]["chunks"] > 10_000 or points[-1]["chunks"] < 1_000_000):
        status = "partial"
    note += f"; filler: {scale.get('filler', {}).get('text', 'synthetic text')}" if growth is not None else ""
    found.append(Target("retrieval latency growth", growth, "<= 2.5 from 10k to 1M chunks", status, note))

    memory = result.get("ingest_memory", ingest)
    peak = memory.get("peak_rss_mib")
    status = _check(peak, lambda v: v < 2048)
    if status == "pass" and memory.get("articles", 0) < TARGET_DOCS:
        status = "partial"
    note = f"{memory.get('articles', '?')} articles ingested"
    found.append(Target("ingest peak RSS MiB", peak, f"< 2048 for {TARGET_DOCS} articles", status, note))
    from eval.benchmarks.news_ingest import news_ingest_targets

    found.extend(Target(*row) for row in news_ingest_targets(result))  # issue 24: real-corpus ingest
    return found


def _row(cells: Sequence[object], widths: Sequence[int]) -> str:
    return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return [_row(header, widths), _row(["-" * w for w in widths], widths), *(_row(r, widths) for r in rows)]


def format_table(result: dict[str, Any]) -> str:
    """The figures a reader compares, one table per section, then the targets."""
    from eval.benchmarks.news_ask import format_news_ask
    from eval.benchmarks.news_filler import filler_label
    from eval.benchmarks.news_ingest import NEWS_TABLE_HEADER, news_table_rows

    lines = [
        f"newsdesk bench: {result['machine']['cpus']} CPUs, {result['settings']['embedding_backend']}, "
        f"{result['corpus']['articles']} articles, {result['seconds']:.0f}s"
    ]
    if encoder := result.get("encoder"):
        named = [
            ("raw encoder (forward passes)", encoder["raw_encoder"]),
            ("embedder (tokenise, encode, pool)", encoder["embedder"]),
            ("torch fp32 sentence-transformers", encoder["sentence_transformers_torch_fp32"]),
        ]
        rows = [[name, r["chunks"], r["chunks_per_s"]] for name, r in named]
        lines += ["", "Embedding", *_table(["", "chunks", "chunks/s"], rows)]
    named = [(f"newsdesk ({n})", result[n]) for n in ("ingest", "ingest_memory") if n in result]
    if "textbook" in result:
        named.append(("textbook llama-index", {"peak_rss_mib": "", **result["textbook"]}))
    if named:
        keys = ("articles", "chunks", "articles_per_s", "chunks_per_s", "peak_rss_mib")
        rows = [[name, *(r[k] for k in keys)] for name, r in named]
        header = ["ingest", "articles", "chunks", "articles/s", "chunks/s", "peak RSS MiB"]
        lines += ["", "Ingest", *_table(header, rows)]
    if http := result.get("http"):
        keys = ("concurrency", "ok", "errors", "p50_ms", "p95_ms", "p99_ms", "requests_per_s")
        rows = [[lv[k] for k in keys] for lv in http["levels"]]
        title = f"/v1/ask over HTTP ({http['index_chunks']} chunks, {http['index']['real_chunks']} real)"
        header = ["concurrency", "ok", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s"]
        lines += ["", title, *_table(header, rows)]
    lines += format_news_ask(result)
    if scale := result.get("scale"):
        keys = ("chunks", "hybrid_p50_ms", "hybrid_p95_ms", "dense_p50_ms", "keyword_p50_ms", "rss_mib")
        rows = [
            [
                *(p["retrieval"][k] for k in keys),
                p["build"]["seconds"],
                filler_label(scale) + (" (incomplete)" if "incomplete" in p else ""),
            ]
            for p in scale["points"]
        ]
        header = ["chunks", "hybrid p50", "hybrid p95", "dense p50", "bm25 p50", "RSS MiB", "build s"]
        header.append("filler (vectors synthetic)")
        lines += ["", "Retrieval at scale (ms)", *_table(header, rows)]
    if news_rows := news_table_rows(result):
        title = f"Ingest of the real news corpus, whole processes ({result['news_ingest']['corpus']['name']})"
        lines += ["", title, *_table(NEWS_TABLE_HEADER, news_rows)]
    keys = ("name", "measured", "target", "status", "note")
    rows = [[t[k] for k in keys] for t in result.get("targets", [])]
    lines += ["", "Targets", *_table(["target", "measured", "wanted", "status", "note"], rows)]
    return "\n".join(lines)
