"""``/v1/ask`` under load: a real ``newsdesk serve`` subprocess and an async httpx load generator."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from eval.benchmarks.measure import latency_summary, mib, percentile, rate
from eval.loopback import checkout_env, free_port, newsdesk_command, running_process
from service.settings import Settings


@contextlib.contextmanager
def running_server(settings: Settings, log_path: Path, timeout: float = 300.0) -> Iterator[tuple[str, int]]:
    """``newsdesk serve`` on a free loopback port over ``settings.data_dir``; yields (url, pid)."""
    port = free_port()
    env = {
        **os.environ,
        "NEWSDESK_DATA_DIR": str(settings.data_dir),
        "NEWSDESK_EMBEDDING_BACKEND": settings.embedding_backend,
        "NEWSDESK_UI": "false",  # the chat UI does not touch /v1/ask; Gradio only slows the start
        "NEWSDESK_LOG_FORMAT": "text",
    }
    command = newsdesk_command("serve", "--no-sample", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    with (
        log_path.open("w") as log,
        running_process(
            command, f"{url}/healthz", log, name="the bench server", env=checkout_env(env), timeout=timeout
        ) as server,
    ):
        yield url, server.pid


async def load_level(url: str, questions: Sequence[str], concurrency: int) -> dict[str, Any]:
    """``concurrency`` clients, each sending its next question as soon as its last answer arrives."""
    import httpx

    queue: asyncio.Queue[str] = asyncio.Queue()
    for question in questions:
        queue.put_nowait(question)
    latencies: list[float] = []
    errors: list[str] = []
    steps: dict[str, list[float]] = {}
    grounded = 0

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal grounded
        while not queue.empty():
            question = queue.get_nowait()
            started = time.perf_counter()
            try:
                response = await http.post(f"{url}/v1/ask", json={"question": question})
            except httpx.HTTPError as error:
                errors.append(type(error).__name__)
                continue
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                errors.append(str(response.status_code))
                continue
            latencies.append(elapsed)
            answer = response.json()
            grounded += bool(answer.get("grounded"))
            for step, ms in answer.get("timings_ms", {}).items():
                steps.setdefault(step, []).append(ms)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "requests": len(questions),
        "ok": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "grounded": grounded,
        "seconds": round(wall, 2),
        "requests_per_s": rate(len(latencies), wall),
        **latency_summary(latencies),
        # Where the time goes, as the server itself timed each step of each answer.
        "server_step_p50_ms": {step: round(percentile(ms, 50), 1) for step, ms in steps.items()},
    }


def measure_http(
    settings: Settings, questions: Sequence[str], levels: Sequence[int], requests: int, log_path: Path
) -> dict[str, Any]:
    """Each level gets questions no earlier level asked: the embedder and cross-encoder cache per question."""
    import psutil

    warm = min(8, max(1, requests // 4))
    needed = warm + requests * len(levels)
    pool = list(questions)
    repeats = needed > len(pool)
    pool = (pool * math.ceil(needed / max(1, len(pool))))[:needed]
    started = time.perf_counter()
    with running_server(settings, log_path) as (url, pid):
        startup = time.perf_counter() - started
        asyncio.run(load_level(url, pool[:warm], 1))
        results = []
        server = psutil.Process(pid)
        for n, level in enumerate(levels):
            batch = pool[warm + n * requests : warm + (n + 1) * requests]
            before = sum(server.cpu_times()[:2])
            measured = asyncio.run(load_level(url, batch, level))
            cpu = sum(server.cpu_times()[:2]) - before
            measured["server_cpu_ms_per_request"] = round(cpu * 1000 / max(1, measured["ok"]), 1)
            results.append(measured)
        server_rss = psutil.Process(pid).memory_info().rss
    return {
        "server": "newsdesk serve (one uvicorn worker, default answerer) on loopback",
        "load_generator": "httpx.AsyncClient, closed loop: each client sends its next request on an answer",
        "startup_s": round(startup, 1),
        "warm_up_requests": warm,
        "distinct_questions": len(set(pool)),
        "questions_repeated": repeats,
        "server_rss_mib": mib(server_rss),
        "levels": results,
    }
