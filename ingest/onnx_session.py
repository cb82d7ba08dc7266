"""onnxruntime sessions run one core per call, several calls at once: the embedder's and the cross-encoder's.

Intra-op threads hand work back and forth at every operator, so splitting one run over several cores buys
little and costs CPU, while independent single-threaded runs scale with the cores (eval/performance.md has
the figures). So every run gets one core, and a call with several batches spreads them over ``workers``
threads (onnxruntime releases the GIL and allows concurrent runs of one session). Under concurrent requests
the CPU goes to work, not to synchronisation.
"""

from __future__ import annotations

import math
import os
import threading
import time
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np

Feed = dict[str, np.ndarray]


def available_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def balanced_batches(count: int, batch_size: int, workers: int) -> list[range]:
    """``count`` rows cut into batches of at most ``batch_size``, their number a multiple of ``workers`` where
    there are rows enough, of near-equal size: no worker is left alone with a long last batch."""
    if count <= 0:
        return []
    rounds = math.ceil(count / (batch_size * workers))
    batches = min(count, rounds * workers)
    size = math.ceil(count / batches)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


# onnxruntime fuses every residual Add + LayerNormalization of a BERT graph into one SkipLayerNormalization,
# and on CPU that fused kernel is the slower (profile in eval/performance.md); outputs move within the int8
# models' own noise. onnxruntime ignores names it does not know, so a test checks the fusion stays off.
SLOWER_FUSIONS = ("SkipLayerNormFusion",)


def session_arguments() -> tuple[Any, list[str]]:
    """Session options (one thread) and the optimizers to disable, for every model Newsdesk runs."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return options, list(SLOWER_FUSIONS)


@lru_cache(maxsize=4)
def load_onnx_session(path: str) -> Any:
    """One single-threaded session per model file per process."""
    import onnxruntime as ort

    options, disabled = session_arguments()
    return ort.InferenceSession(
        path, options, providers=["CPUExecutionProvider"], disabled_optimizers=disabled
    )


_SESSIONS: weakref.WeakSet[ParallelSession] = weakref.WeakSet()


class ParallelSession:
    """A model's session and the threads that run its batches side by side.

    Every run is one core on the calling thread, so that thread's CPU time over the run is the model's CPU
    time: ``cpu_seconds`` adds them up (two clock reads a run, under a microsecond), for `newsdesk bench`'s
    pipeline efficiency (encoder CPU over the whole ingest's, from the same run).
    """

    def __init__(self, path: str, workers: int = 0) -> None:
        self.path = path
        self.session = load_onnx_session(path)
        self.workers = workers or available_cores()
        self._pool = (
            ThreadPoolExecutor(self.workers, thread_name_prefix="newsdesk-onnx") if self.workers > 1 else None
        )
        self._cpu_lock = threading.Lock()
        self.cpu_seconds = 0.0
        self.runs = 0
        _SESSIONS.add(self)

    def run(self, feed: Feed) -> np.ndarray:
        """The model's first output for one batch, on the calling thread."""
        started = time.thread_time()
        output = np.asarray(self.session.run(None, feed)[0])
        spent = time.thread_time() - started
        with self._cpu_lock:
            self.cpu_seconds += spent
            self.runs += 1
        return output

    def run_many(self, feeds: Sequence[Feed]) -> list[np.ndarray]:
        """The first output of every batch, in order; at most ``workers`` batches run at once."""
        if len(feeds) <= 1 or self._pool is None:
            return [self.run(feed) for feed in feeds]
        return list(self._pool.map(self.run, feeds))


def model_cpu_seconds() -> dict[str, float]:
    """CPU seconds each model file's runs have taken in this process so far (its file name as the key)."""
    spent: dict[str, float] = {}
    for session in list(_SESSIONS):
        name = os.path.basename(session.path)
        spent[name] = spent.get(name, 0.0) + session.cpu_seconds
    return spent


@lru_cache(maxsize=4)
def parallel_session(path: str, workers: int = 0) -> ParallelSession:
    """One :class:`ParallelSession` (and thread pool) per model file and worker count per process."""
    return ParallelSession(path, workers)
