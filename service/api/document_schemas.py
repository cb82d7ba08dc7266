"""Request and response bodies of the document and ingest routes (``/v1/documents``, ``/v1/ingest``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ingest.catalog import DocumentRecord


class DocumentSummary(BaseModel):
    id: str
    title: str
    chunk_count: int
    url: str | None = None
    source: str | None = None
    published: date | None = None
    byline: str | None = None

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentSummary:
        return cls(
            id=record.id,
            title=record.title,
            chunk_count=record.chunk_count,
            url=record.url,
            source=record.source,
            published=record.published,
            byline=record.byline,
        )


class DocumentDetail(DocumentSummary):
    text: str = Field(description="the cleaned reference text that citation offsets point into")
    metadata: dict[str, object] = Field(default_factory=dict)
    content_hash: str
    ingested_at: str

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentDetail:
        return cls(
            **DocumentSummary.of(record).model_dump(),
            text=record.text or "",
            metadata=record.metadata,
            content_hash=record.content_hash,
            ingested_at=record.ingested_at,
        )


class DocumentList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "documents": [
                        {
                            "id": "news-126",
                            "title": "Russian tourist flow to Cyprus grew by 50% in 2016",
                            "chunk_count": 3,
                            "url": "http://tass.com/society/925633",
                            "source": "tass.com",
                            "published": "2017-01-09",
                            "byline": None,
                        }
                    ],
                    "total": 3824,
                    "limit": 1,
                    "offset": 0,
                }
            ]
        }
    )

    documents: list[DocumentSummary]
    total: int
    limit: int
    offset: int


class DocumentIn(BaseModel):
    """A document to index: the same fields as a JSONL line; unknown keys belong in ``metadata``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "council-budget-2016",
                    "title": "Council approves transit budget",
                    "text": "The council voted 7 to 2 on Tuesday to approve a $12 million transit budget.",
                    "source": "Springfield Herald",
                    "published": "2016-11-01",
                }
            ]
        },
    )

    id: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
    title: str | None = Field(
        default=None,
        max_length=1000,
        description="the headline; without one, the first sentence (metadata.title_derived says so)",
    )
    text: str = Field(min_length=1, max_length=20_000_000)
    url: str | None = Field(default=None, max_length=2000)
    source: str | None = Field(default=None, max_length=200)
    published: date | None = None
    byline: str | None = Field(default=None, max_length=300)
    metadata: dict[str, Any] = Field(default_factory=dict, max_length=100)

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty or only whitespace")
        return value

    def record(self) -> dict[str, Any]:
        """As a JSONL-style record for the loader (which validates and names fields the same way)."""
        record = {k: v for k, v in self.model_dump(exclude={"metadata"}).items() if v is not None}
        if self.published:
            record["published"] = self.published.isoformat()
        return {**self.metadata, **record}


class DocumentWriteResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "council-budget-2016",
                    "status": "added",
                    "chunk_count": 1,
                    "content_hash": "276e512e9600de16236088cfe786bd271cf1dbdf5c763c20b0bcb7e7795ec718",
                }
            ]
        }
    )

    id: str
    status: Literal["added", "replaced", "unchanged"]
    chunk_count: int
    content_hash: str


class IngestRequest(BaseModel):
    """Many documents, or one folder or file on the server (under NEWSDESK_INGEST_ROOTS)."""

    model_config = ConfigDict(extra="forbid")

    # Typed loosely on purpose: each document is validated on its own in the job, so one bad document fails
    # alone instead of the whole request.
    documents: list[DocumentIn | dict[str, Any]] | None = Field(default=None, max_length=100_000)
    path: str | None = Field(default=None, max_length=4096, description="a file or folder on the server")

    @model_validator(mode="after")
    def one_source(self) -> IngestRequest:
        if (self.documents is None) == (self.path is None):
            raise ValueError("give exactly one of 'documents' or 'path'")
        if self.documents is not None and not self.documents:
            raise ValueError("'documents' must not be empty")
        return self


class JobError(BaseModel):
    origin: str
    field: str | None = None
    message: str


class JobOut(BaseModel):
    id: str
    status: Literal["queued", "running", "succeeded", "failed", "interrupted"]
    source: str
    total: int | None = Field(description="documents to process, when known in advance")
    processed: int
    added: int
    replaced: int
    unchanged: int
    failed: int
    errors: list[JobError]
    message: str | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None


class JobAccepted(BaseModel):
    job_id: str
    status_url: str
