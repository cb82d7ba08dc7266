"""OpenAI-compatible bodies for /v1/chat/completions and /v1/models, with Newsdesk's extra fields.

Requests are lenient where OpenAI clients send fields Newsdesk has no use for (temperature, max_tokens,
top_p, user, ...: accepted and ignored; the answer's length and wording come from the evidence), and strict
where it matters: a non-empty user question of at most NEWSDESK_MAX_QUESTION_CHARS characters, ``n`` of 1.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.answer.types import Answer
from service.api.schemas import MAX_HISTORY_TURNS, MAX_TURN_CHARS, CitationOut, SearchFilters


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls, ...

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    @field_validator("content")
    @classmethod
    def is_unicode(cls, content: str | list[ContentPart] | None) -> str | list[ContentPart] | None:
        # JSON may escape a lone surrogate ("\\ud800"), which no encoder or tokenizer accepts: /v1/ask's
        # strict strings refuse it while parsing; this union of types lets it through, so it is checked here.
        parts = [content] if isinstance(content, str) else [p.text or "" for p in content or []]
        for part in parts:
            try:
                part.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("must be valid Unicode text (a lone surrogate is not)") from None
        return content

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return " ".join(part.text for part in self.content if part.type == "text" and part.text)


class ChatCompletionRequest(SearchFilters):
    """The newsroom filters of /v1/ask may ride along (the openai client's ``extra_body``)."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1, max_length=200, description="any name; the configured answerer answers")
    messages: list[ChatMessageIn] = Field(min_length=1, max_length=MAX_HISTORY_TURNS + 1)
    stream: bool = False
    n: int = Field(default=1, ge=1, le=1, description="only one choice")
    top_k: int | None = Field(default=None, ge=1, le=50, description="how many chunks the answer may draw on")
    # Accepted for compatibility, not used: the evidence decides what the answer says.
    temperature: float | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    stream_options: dict[str, Any] | None = None

    @field_validator("messages")
    @classmethod
    def has_a_user_question(cls, messages: list[ChatMessageIn]) -> list[ChatMessageIn]:
        for message in messages:
            if len(message.text()) > MAX_TURN_CHARS:
                raise ValueError(f"each message must be at most {MAX_TURN_CHARS} characters")
        question = _last_user_text(messages)
        if not question:
            raise ValueError("the last user message must have text content")
        return messages  # its length limit is a setting: the route checks it

    def _last_user_index(self) -> int | None:
        for index in range(len(self.messages) - 1, -1, -1):
            if self.messages[index].role == "user":
                return index
        return None

    def question(self) -> str:
        return _last_user_text(self.messages)

    def history(self) -> list[dict[str, str]]:
        """Earlier user and assistant turns, oldest first; system prompts are left out."""
        index = self._last_user_index() or 0
        return [
            {"role": m.role, "content": m.text()}
            for m in self.messages[:index]
            if m.role in ("user", "assistant") and m.text().strip()
        ]


def _last_user_text(messages: list[ChatMessageIn]) -> str:
    users = [m for m in messages if m.role == "user"]
    return users[-1].text().strip() if users else ""


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    # Newsdesk's extras: the numbered sources of the answer's [n] markers, and whether it is grounded.
    citations: list[CitationOut]
    grounded: bool
    query: str
    timings_ms: dict[str, float]

    @classmethod
    def of(cls, answer: Answer, model: str) -> ChatCompletion:
        return cls(
            id=completion_id(),
            created=int(time.time()),
            model=model,
            choices=[Choice(message=AssistantMessage(content=answer.answer))],
            citations=[CitationOut.of(c) for c in answer.citations],
            grounded=answer.grounded,
            query=answer.query,
            timings_ms=answer.timings_ms,
        )


class ChunkStream:
    """chat.completion.chunk bodies sharing one id: a role chunk, content deltas, then the closing chunk."""

    def __init__(self, model: str) -> None:
        self.id = completion_id()
        self.created = int(time.time())
        self.model = model

    def _chunk(self, delta: dict[str, str], finish_reason: str | None, **extra: Any) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
            **extra,
        }

    def role(self) -> dict[str, Any]:
        return self._chunk({"role": "assistant", "content": ""}, None)

    def content(self, text: str) -> dict[str, Any]:
        return self._chunk({"content": text}, None)

    def final(self, answer: Answer) -> dict[str, Any]:
        return self._chunk(
            {},
            "stop",
            citations=[CitationOut.of(c).model_dump() for c in answer.citations],
            grounded=answer.grounded,
            query=answer.query,
            timings_ms=answer.timings_ms,
        )


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "newsdesk"
    backend_model: str | None = Field(default=None, description="the language model behind the answerer")


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
