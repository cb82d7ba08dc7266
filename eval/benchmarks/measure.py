"""Measuring: latency percentiles, rates, wall and CPU time, resident memory, the machine itself."""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from service.settings import Settings


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(float(np.mean(ms)), 2) if ms else float("nan"),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
    }


def rate(count: float, seconds: float) -> float:
    return round(count / seconds, 2) if seconds > 0 else float("nan")


class Stopwatch:
    """Wall and CPU time (all of this process's threads): on a shared machine CPU time is the steadier."""

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self._wall
        self.cpu_seconds = time.process_time() - self._cpu

    def rates(self, count: int, unit: str) -> dict[str, float]:
        return {
            "seconds": round(self.seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            f"{unit}_per_s": rate(count, self.seconds),
            f"{unit}_per_cpu_s": rate(count, self.cpu_seconds),
        }


def peak_rss_bytes() -> int:
    """This process's peak resident set since it started its program.

    Not ``ru_maxrss``: Linux carries it across fork and exec, so a child the bench spawns would report the
    bench's own peak. ``VmHWM`` belongs to the address space, which exec replaces.
    """
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss_bytes() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def mib(value: float) -> float:
    return round(value / 2**20, 1)


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def fresh(path: Path) -> Path:
    """An empty folder: a kept --work-dir must not turn a re-run's ingest into "unchanged" skips."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def run_isolated(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` in a fresh process: its memory figures and its store handles stay its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def machine() -> dict[str, Any]:
    import psutil

    versions = {}
    for package in (
        "onnxruntime",
        "torch",
        "chromadb",
        "tantivy",
        "sentence-transformers",
        "llama-index-core",
    ):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[package] = version(package)
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def settings_summary(settings: Settings) -> dict[str, Any]:
    keys = (
        "embedding_backend", "embedding_batch_size", "ingest_batch_documents", "chunk_tokens", "onnx_threads",
        "candidates", "top_k",
        "rerank", "rerank_candidates", "answer_candidates", "answerer",
    )  # fmt: skip
    return {key: getattr(settings, key) for key in keys}
