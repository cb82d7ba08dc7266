"""All of Newsdesk's settings, read from the environment (prefix ``NEWSDESK_``).

Every default works offline on a laptop: an embedded Chroma store under ``./data``, the extractive answerer,
models that ship inside PyPI packages.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def quiet_offline_environment() -> None:
    """Switch off every library's phone-home before it is imported: this machine has no hub access."""
    for key, value in {
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(key, value)


quiet_offline_environment()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", extra="ignore")

    # Where the catalog, the keyword index and the embedded vector store live.
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    # `make run` and `newsdesk serve` start with the bundled sample corpus when the index is empty.
    ingest_sample_if_empty: bool = True

    # A Chroma server (``chroma run``) instead of the embedded store, for several API workers.
    chroma_host: str | None = None
    chroma_port: int = 8001
    collection: str = "newsdesk_chunks"

    # Chunking: sentences are packed into chunks of at most this many (approximate) word pieces; the
    # embedding model truncates at 256, so chunks stay under it.
    chunk_tokens: int = Field(default=180, ge=32, le=256)
    embedding_batch_size: int = Field(default=32, ge=1, le=512)

    # Retrieval.
    top_k: int = Field(default=5, ge=1, le=50, description="chunks handed to the answerer")
    candidates: int = Field(default=30, ge=1, le=200, description="chunks fetched from each retriever")
    dense_weight: float = Field(default=1.0, ge=0)
    bm25_weight: float = Field(default=1.0, ge=0)
    rrf_k: int = Field(default=60, ge=1)
    rerank: bool = True
    # The cross-encoder costs ~5 ms a (question, sentence) pair on two cores: it sees the best sentence of
    # each of the first `rerank_candidates` fused chunks, then `answer_candidates` sentences of the top_k.
    rerank_candidates: int = Field(default=8, ge=1, le=100)
    rerank_sentences: int = Field(default=1, ge=1, le=10, description="sentences scored per reranked chunk")
    answer_candidates: int = Field(default=6, ge=1, le=50)
    onnx_threads: int = Field(default=0, ge=0, le=64, description="0: onnxruntime's default (all cores)")

    # Answering.
    answerer: Literal["extractive", "llama-cpp", "openai"] = "extractive"
    # The answer score of the best evidence passage (cross-encoder logit, minus penalties for wrong dates and
    # for question words the passage does not speak to) under which the answerer refuses. Both numbers are
    # calibrated on eval/datasets/sample_golden.jsonl: see eval/calibration.md and `newsdesk calibrate`.
    refusal_threshold: float = 2.33
    coverage_weight: float = 5.5
    max_answer_sentences: int = Field(default=2, ge=1, le=5)

    # API limits.
    max_question_chars: int = 2000
    # Ingestion refuses bigger files (checked before reading them): a news article is kilobytes, and a
    # JSONL feed over this should be split.
    max_file_mb: float = Field(default=20, gt=0, le=4096)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def keyword_index_path(self) -> Path:
        return self.data_dir / "keyword_index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
