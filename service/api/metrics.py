"""Prometheus metrics: requests and latency per route, pipeline stage timings, answers, index size.

Served at /metrics in the text exposition format. Each process keeps its own counters (with several API
workers, scrape each worker, or run one per container and let Prometheus aggregate).
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

REQUESTS = Counter("newsdesk_http_requests_total", "HTTP requests", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "newsdesk_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
STAGE_SECONDS = Histogram(
    "newsdesk_stage_duration_seconds",
    "Time spent per pipeline stage of an answer (rewrite, retrieve, rerank, answer, total)",
    ["stage"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
ANSWERS = Counter("newsdesk_answers_total", "Answers given, by whether they were grounded", ["grounded"])
INGESTED = Counter("newsdesk_ingested_documents_total", "Documents ingested, by outcome", ["outcome"])
DOCUMENTS = Gauge("newsdesk_documents", "Documents in the index")
CHUNKS = Gauge("newsdesk_chunks", "Chunks in the index")


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    REQUEST_SECONDS.labels(method, route).observe(seconds)


def observe_answer(timings_ms: dict[str, float], grounded: bool) -> None:
    for stage, ms in timings_ms.items():
        STAGE_SECONDS.labels(stage).observe(ms / 1000)
    ANSWERS.labels(str(grounded).lower()).inc()


def observe_ingest(added: int, replaced: int, unchanged: int, failed: int) -> None:
    for outcome, count in (
        ("added", added),
        ("replaced", replaced),
        ("unchanged", unchanged),
        ("failed", failed),
    ):
        if count:
            INGESTED.labels(outcome).inc(count)


def track_index_size(documents: Callable[[], float], chunks: Callable[[], float]) -> None:
    """Read the index size at scrape time rather than keeping a copy up to date."""
    DOCUMENTS.set_function(documents)
    CHUNKS.set_function(chunks)


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
