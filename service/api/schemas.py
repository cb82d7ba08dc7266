"""Typed request and response bodies of the HTTP API, separate from the core's records."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ingest.catalog import DocumentFilter
from service.answer.types import Answer, Citation

MAX_HISTORY_TURNS = 50
MAX_TURN_CHARS = 20_000


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class SearchFilters(BaseModel):
    """Newsroom filters, shared by /v1/ask and the CLI."""

    doc_ids: list[str] | None = Field(default=None, max_length=1000, description="only these documents")
    source: str | None = Field(default=None, max_length=200, description="only articles from this source")
    published_from: date | None = Field(default=None, description="only articles published on or after")
    published_to: date | None = Field(default=None, description="only articles published on or before")
    recency: float = Field(
        default=0.0, ge=0.0, le=1.0, description="0 ignores dates; 1 strongly prefers recent articles"
    )

    @model_validator(mode="after")
    def dates_in_order(self) -> SearchFilters:
        if self.published_from and self.published_to and self.published_from > self.published_to:
            raise ValueError("published_from must not be after published_to")
        return self

    def document_filter(self) -> DocumentFilter | None:
        chosen = DocumentFilter(
            doc_ids=tuple(self.doc_ids) if self.doc_ids is not None else None,
            source=self.source or None,
            published_from=self.published_from,
            published_to=self.published_to,
        )
        return None if chosen.is_empty else chosen


class AskRequest(SearchFilters):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "When did the AFL-CIO endorse Hillary Clinton?"}]},
    )

    # The length limit is a setting (NEWSDESK_MAX_QUESTION_CHARS), checked by the route that reads it.
    question: str = Field(
        min_length=1,
        json_schema_extra={"pattern": r"\S"},  # documented here, enforced (with a clearer message) below
        description="the question, at most NEWSDESK_MAX_QUESTION_CHARS characters (2,000 unless set)",
    )
    top_k: int | None = Field(default=None, ge=1, le=50, description="how many chunks the answer may draw on")
    history: list[Message] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS, description="earlier turns, oldest first"
    )

    @field_validator("question")
    @classmethod
    def question_is_usable(cls, value: str) -> str:
        return usable_text(value)


def usable_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value.strip()


def over_question_limit(question: str, limit: int) -> str | None:
    """Why ``question`` is too long for ``limit`` (the NEWSDESK_MAX_QUESTION_CHARS setting), or None."""
    if len(question) <= limit:
        return None
    return f"must be at most {limit} characters (got {len(question)}; NEWSDESK_MAX_QUESTION_CHARS)"


class SearchRequest(SearchFilters):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(
        min_length=1,
        json_schema_extra={"pattern": r"\S"},
        description="what to look for, at most NEWSDESK_MAX_QUESTION_CHARS characters (2,000 unless set)",
    )
    top_k: int = Field(default=10, ge=1, le=50, description="how many chunks to return")
    rerank: bool | None = Field(default=None, description="cross-encoder reranking (default: the setting)")

    @field_validator("query")
    @classmethod
    def query_is_usable(cls, value: str) -> str:
        return usable_text(value)


class SearchHit(BaseModel):
    rank: int
    chunk_id: str
    doc_id: str
    title: str
    text: str = Field(description="exactly the document's text between start and end")
    start: int
    end: int
    score: float = Field(description="fusion score, or the cross-encoder's logit when reranked")


class SearchResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "query": "AFL-CIO endorsement vote",
                    "results": [
                        {
                            "rank": 1,
                            "chunk_id": "001_232c99f60a508717@5d1f0c2a9e4b7c13#1",
                            "doc_id": "001_232c99f60a508717",
                            "title": "Clinton Camp: Trumka 'Not Motivated' to Support Hillary",
                            "text": "AFL-CIO president Richard Trumka announced on Feb. 17 that ...",
                            "start": 333,
                            "end": 550,
                            "score": 4.8125,
                        }
                    ],
                    "timings_ms": {"total": 61.2},
                }
            ]
        }
    )

    query: str
    results: list[SearchHit]
    timings_ms: dict[str, float]


class CitationOut(BaseModel):
    n: int = Field(description="the number used in the answer's [n] markers")
    doc_id: str
    title: str
    snippet: str = Field(description="exactly the document's text between start and end")
    start: int
    end: int
    score: float = Field(description="relevance of the snippet to the question, 0..1")

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls(**citation.__dict__)


class VerificationOut(BaseModel):
    """What checking a generated answer did (generative answerers only)."""

    sentences: int = Field(description="sentences the model wrote")
    kept: int = Field(description="sentences supported by the snippets they cite")
    dropped: int = Field(description="sentences removed as unsupported")
    removed_markers: int = Field(description="[n] markers that named no source, removed")
    attributed: int = Field(
        description="kept sentences that cited nothing, now citing the source backing them"
    )
    fallback: bool = Field(description="nothing was supported: the answer quotes the evidence instead")


class DirectAnswerOut(BaseModel):
    """The short answer (a date, number, name or place) inside a cited sentence."""

    text: str = Field(description="exactly the document's text between start and end")
    doc_id: str
    start: int
    end: int


class AskResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "answer": "AFL-CIO president Richard Trumka announced on Feb. 17 that his 12.5 million "
                    "member organization would remain neutral in the closely contested primary battle. [1]",
                    "grounded": True,
                    "direct_answer": {
                        "text": "Feb. 17",
                        "doc_id": "001_232c99f60a508717",
                        "start": 381,
                        "end": 388,
                    },
                    "citations": [
                        {
                            "n": 1,
                            "doc_id": "001_232c99f60a508717",
                            "title": "Clinton Camp: Trumka 'Not Motivated' to Support Hillary",
                            "snippet": "AFL-CIO president Richard Trumka announced on Feb. 17 that ...",
                            "start": 333,
                            "end": 550,
                            "score": 0.9999,
                        }
                    ],
                    "timings_ms": {
                        "rewrite": 0.02,
                        "retrieve": 21.4,
                        "rerank": 48.9,
                        "answer": 35.1,
                        "total": 105.6,
                    },
                    "query": "When did Richard Trumka announce that the AFL-CIO would stay neutral?",
                    "answerer": "extractive",
                    "verification": None,
                }
            ]
        }
    )

    answer: str
    grounded: bool = Field(description="false when the articles do not hold the answer")
    direct_answer: DirectAnswerOut | None = Field(
        default=None,
        description="when the question asks for a date, number, name or place: that span of a cited sentence",
    )
    citations: list[CitationOut]
    timings_ms: dict[str, float]
    query: str = Field(description="the standalone query that was searched (follow-ups rewritten)")
    answerer: str
    verification: VerificationOut | None = Field(
        default=None, description="for generative answerers: what verification kept and dropped"
    )

    @classmethod
    def of(cls, answer: Answer) -> AskResponse:
        return cls(
            answer=answer.answer,
            grounded=answer.grounded,
            direct_answer=DirectAnswerOut(**answer.direct_answer.__dict__) if answer.direct_answer else None,
            citations=[CitationOut.of(c) for c in answer.citations],
            timings_ms=answer.timings_ms,
            query=answer.query,
            answerer=answer.answerer,
            verification=VerificationOut(**answer.verification.__dict__) if answer.verification else None,
        )


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "documents": 3824, "chunks": 10412}]}
    )

    status: Literal["ok"]
    documents: int
    chunks: int


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorResponse(BaseModel):
    error: str
    message: str
    fields: list[ErrorDetail] = Field(default_factory=list)


MAX_NOTE_CHARS = 2000
MAX_FEEDBACK_CITATIONS = 50


class FeedbackIn(BaseModel):
    """A reader's verdict on one answer: what was asked, what came back, thumbs up or down, a note."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rating": "down",
                    "question": "How many emails did WikiLeaks release on Wednesday?",
                    "answer": "The articles do not contain an answer to this question.",
                    "grounded": False,
                    "note": "1,500",
                }
            ]
        },
    )

    rating: Literal["up", "down"]
    question: str = Field(min_length=1, json_schema_extra={"pattern": r"\S"}, description="as asked")
    answer: str = Field(max_length=MAX_TURN_CHARS, description="the answer as shown (`answer` of /v1/ask)")
    grounded: bool = Field(description="false for a refusal")
    citations: list[CitationOut] = Field(default_factory=list, max_length=MAX_FEEDBACK_CITATIONS)
    direct_answer: DirectAnswerOut | None = None
    query: str | None = Field(default=None, max_length=MAX_TURN_CHARS, description="the query searched")
    history: list[str] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS, description="earlier questions, oldest first"
    )
    note: str | None = Field(
        default=None,
        max_length=MAX_NOTE_CHARS,
        description="the right answer, or 'not in the articles' (see `newsdesk feedback export`)",
    )

    @field_validator("question")
    @classmethod
    def question_is_usable(cls, value: str) -> str:
        return usable_text(value)

    @field_validator("history")
    @classmethod
    def turns_fit(cls, value: list[str]) -> list[str]:
        if any(len(turn) > MAX_TURN_CHARS for turn in value):
            raise ValueError(f"each earlier question must be at most {MAX_TURN_CHARS} characters")
        return value


class FeedbackSaved(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": 17, "rating": "down", "created_at": "2017-02-07T10:31:02+00:00"}]
        }
    )

    id: int
    rating: Literal["up", "down"]
    created_at: str
