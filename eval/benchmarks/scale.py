"""Retrieval latency and process memory at growing index sizes."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from typing import Any

from eval.benchmarks.filler import FillerPool, fill_child
from eval.benchmarks.measure import current_rss_bytes, latency_summary, mib, peak_rss_bytes, run_isolated
from service.settings import Settings

# Questions for the scale bench: a few to warm up, then each retriever's own; all of them again, new ones,
# in every round: see measure_scale.
SCALE_WARM_UP_QUESTIONS = 4
SCALE_ROUNDS = 2
SCALE_RETRIEVERS = ("hybrid", "dense", "keyword")


def _retrieval_child(settings: Settings, questions: Sequence[str]) -> dict[str, Any]:
    from service.engine import Newsdesk
    from service.retrieve.retrievers import NewsQuery

    opened = time.perf_counter()
    engine = Newsdesk(settings)
    try:
        open_s = time.perf_counter() - opened
        embedded = [engine.embedder.embed_query(q).tolist() for q in questions]  # loads the model, as serving
        chunks = engine.catalog.count_chunks()

        def timed(retriever: Any, n: int) -> tuple[float, int]:
            started = time.perf_counter()
            hits = retriever.retrieve(NewsQuery(query_str=questions[n], embedding=list(embedded[n])))
            return time.perf_counter() - started, len(hits)

        first_query_s, _ = timed(engine.retriever, 0)  # Chroma loads its HNSW index on the first query
        for n in range(1, min(SCALE_WARM_UP_QUESTIONS, len(questions))):
            timed(engine.retriever, n)
        # Each retriever gets its own questions, none asked before: a question's first search pulls its
        # postings, vectors and catalog rows into the caches, and a retriever timed on a question another
        # one had just searched would look faster than it is.
        retrievers = dict(
            zip(
                SCALE_RETRIEVERS,
                (engine.retriever, engine.dense_retriever, engine.keyword_retriever),
                strict=True,
            )
        )
        runs: dict[str, list[float]] = {name: [] for name in SCALE_RETRIEVERS}
        hits = 0
        for n in range(SCALE_WARM_UP_QUESTIONS, len(questions)):
            name = SCALE_RETRIEVERS[n % len(SCALE_RETRIEVERS)]
            seconds, found = timed(retrievers[name], n)
            runs[name].append(seconds)
            hits += found if name == "hybrid" else 0
        counts = []
        for _ in range(len(questions)):
            # The vector store counts the collection on every query: how much of the dense time is that?
            started = time.perf_counter()
            engine.vectors.count()
            counts.append(time.perf_counter() - started)
        rss = current_rss_bytes()
    finally:
        engine.close()
    return {
        "chunks": chunks,
        "queries": {name: len(r) for name, r in runs.items()},
        "mean_hits": round(hits / max(1, len(runs["hybrid"])), 1),
        "open_s": round(open_s, 2),
        "first_query_ms": round(first_query_s * 1000, 1),
        **{f"{name}_{key}": value for name, r in runs.items() for key, value in latency_summary(r).items()},
        "chroma_count_p50_ms": latency_summary(counts)["p50_ms"],
        "rss_mib": mib(rss),
        "peak_rss_mib": mib(peak_rss_bytes()),
    }


def measure_scale(
    settings: Settings,
    pool: FillerPool,
    sizes: Sequence[int],
    questions: Sequence[str],
    seed: int,
    build_limit_s: float | None,
    progress: bool,
) -> dict[str, Any]:
    """One index grown through the sizes, a copy kept of each smaller one; then every point timed by a fresh
    process that only serves it, smallest to largest, back to back, in rounds.

    The growth is a ratio of two points, and timing each point right after its build put the 1M build's ten
    minutes of the machine's drift between them. Each round asks questions no earlier round asked; the round
    with the steepest growth is the result, as the lowest round is for the pipeline efficiency.
    """
    built: list[tuple[dict[str, Any], Settings]] = []
    largest = max(sizes)
    for size in sorted(set(sizes)):
        deadline = None if build_limit_s is None else time.monotonic() + build_limit_s
        options = {
            "sentence_vectors": False,
            "batch_documents": 2000,
            "deadline": deadline,
            "progress": progress,
        }
        build = run_isolated(fill_child, settings, pool, size, seed, options)
        point: dict[str, Any] = {"target_chunks": size, "build": build}
        point["vectors"] = "synthetic vectors (perturbed copies of real chunk vectors), filler text"
        served = settings
        if build["stopped_at_time_limit"]:
            remaining = size - build["chunks"]
            point["incomplete"] = (
                f"stopped at {build['chunks']} chunks after the {build_limit_s:.0f}s build limit; at "
                f"{build['chunks_per_s']} chunks/s the remaining {remaining} would take about "
                f"{remaining / build['chunks_per_s']:.0f}s more"
            )
        elif size < largest:
            copy = settings.data_dir.with_name(f"{settings.data_dir.name}-{size}")
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(settings.data_dir, copy)
            served = settings.model_copy(update={"data_dir": copy})
        built.append((point, served))
        if build["stopped_at_time_limit"]:
            break
    per_round = len(questions) // SCALE_ROUNDS
    try:
        for n in range(SCALE_ROUNDS):
            asked = list(questions[n * per_round : (n + 1) * per_round])
            for point, served in built:
                point.setdefault("rounds", []).append(run_isolated(_retrieval_child, served, asked))
    finally:
        for _, served in built:
            if served is not settings:
                shutil.rmtree(served.data_dir, ignore_errors=True)
    growths = [scale_growth([p["rounds"][n] for p, _ in built]) for n in range(SCALE_ROUNDS)]
    steepest = max(range(SCALE_ROUNDS), key=lambda n: growths[n] or 0.0)
    for point, _ in built:
        point["retrieval"] = point["rounds"][steepest]
    return {
        "what": "HybridRetriever (Chroma dense + tantivy BM25, RRF, catalog join), query embedding excluded, "
        "each retriever timed on its own questions, none searched before; all points timed back to back "
        f"after the builds, in {SCALE_ROUNDS} rounds, the figures from the round of steepest growth; "
        "RSS of a fresh process that opened the index, loaded the embedder and ran the queries",
        "growth_rounds": growths,
        "points": [point for point, _ in built],
    }


def scale_growth(measured: Sequence[dict[str, Any]]) -> float | None:
    """Hybrid p50 at the largest point over the smallest's, for one round's points (smallest first)."""
    if len(measured) < 2 or not measured[0]["hybrid_p50_ms"]:
        return None
    return round(measured[-1]["hybrid_p50_ms"] / measured[0]["hybrid_p50_ms"], 2)
