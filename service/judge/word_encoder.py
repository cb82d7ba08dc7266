"""Single-word MiniLM vectors for the judge's near-synonym check (``service.answerability.WordVectors``).

A news question's passages bring about 90 words a question that no earlier question had (the sample's five
articles about 12), and each word ran alone through the int8 embedder: 1.4-1.9 ms a word, nearly all of it
the per-run cost of 18 dynamically quantised matrix products on a 3-token input, so that on the real corpus
the word vectors cost more CPU than everything but the cross-encoder (issue 24).

Here the words run through the fp32 export of the same model, those of the same token count in one batch.
Unpadded fp32 rows are computed independently of each other (a word's vector is bit-identical alone or in any
batch, which int8 is not: its activations are quantised per batch), so a word's vector stays a function of the
word only, whatever else was missing from the cache, and 90 words cost about 45% of what they cost one by one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

MAX_ROWS = 64  # words per model run: bounds the run's memory, not its result


class WordEncoder:
    """Normalised mean-pooled fp32 MiniLM vectors of single words (or any short texts), batched by length."""

    def __init__(self, cache_dir: Any = None) -> None:
        self.cache_dir = cache_dir
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            from ingest.embedding import bundled_model_path, default_model_cache, load_tokenizer, onnx_model
            from ingest.onnx_session import load_onnx_session

            path = onnx_model(self.cache_dir or default_model_cache(), quantized=False)
            self._tokenizer = load_tokenizer(bundled_model_path())
            self._session = load_onnx_session(str(path))

    def encode(self, words: Sequence[str]) -> np.ndarray:
        if not words:
            return np.zeros((0, 384), dtype=np.float32)
        if self._session is None:
            self._load()
        encodings = self._tokenizer.encode_batch(list(words))
        by_length: dict[int, list[int]] = {}
        for i, encoding in enumerate(encodings):
            by_length.setdefault(len(encoding.ids), []).append(i)
        vectors: list[np.ndarray | None] = [None] * len(words)
        for rows in by_length.values():
            for start in range(0, len(rows), MAX_ROWS):
                group = rows[start : start + MAX_ROWS]
                ids = np.array([encodings[i].ids for i in group], dtype=np.int64)
                types = np.array([encodings[i].type_ids for i in group], dtype=np.int64)
                feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": types}
                hidden = np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
                pooled = hidden.mean(axis=1)
                pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
                for row, i in enumerate(group):
                    vectors[i] = pooled[row]
        return np.stack([v for v in vectors if v is not None])


_shared: WordEncoder | None = None
_shared_lock = threading.Lock()


def embed_words(embedder: Any, words: Sequence[str]) -> np.ndarray:
    """The words' vectors: fp32 and batched by length for the ONNX backends, the embedder's own for torch."""
    global _shared
    if not str(getattr(embedder, "backend", "")).startswith("onnx"):
        return embedder.embed_documents(words)
    with _shared_lock:
        if _shared is None:
            _shared = WordEncoder(getattr(embedder, "cache_dir", None))
    return _shared.encode(words)
