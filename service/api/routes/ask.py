"""POST /v1/ask and /v1/ask/stream: a grounded answer with numbered citations, whole or as it is written."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends
from sse_starlette import EventSourceResponse

from service.answer.llm import LLMError
from service.answer.types import AnswerEvent, Draft, Final
from service.api import metrics
from service.api.deps import get_api_settings, get_newsdesk
from service.api.errors import check_question_length, llm_error_body
from service.api.middleware import INTERNAL_ERROR
from service.api.schemas import AskRequest, AskResponse, ErrorResponse
from service.api.streaming import started_stream
from service.engine import Newsdesk
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["questions"])
log = logging.getLogger("newsdesk.api")
LLM_ERRORS: dict[int | str, dict] = {
    422: {"model": ErrorResponse},
    502: {"model": ErrorResponse, "description": "the language model backend answered with an error"},
    503: {"model": ErrorResponse, "description": "the language model backend cannot be reached"},
}


@router.post("/ask", response_model=AskResponse, responses=LLM_ERRORS)
def ask(
    request: AskRequest,
    newsdesk: Newsdesk = Depends(get_newsdesk),
    settings: Settings = Depends(get_api_settings),
) -> AskResponse:
    """Answer from the articles, citing the exact snippets; `grounded` is false when they do not say."""
    check_question_length("question", request.question, settings.max_question_chars)
    answer = newsdesk.ask(
        request.question,
        top_k=request.top_k,
        history=[m.model_dump() for m in request.history],
        filters=request.document_filter(),
        recency=request.recency,
    )
    metrics.observe_answer(answer.timings_ms, answer.grounded)
    return AskResponse.of(answer)


@router.post(
    "/ask/stream",
    responses={200: {"content": {"text/event-stream": {}}}, **LLM_ERRORS},
    response_class=EventSourceResponse,
)
def ask_stream(
    request: AskRequest,
    newsdesk: Newsdesk = Depends(get_newsdesk),
    settings: Settings = Depends(get_api_settings),
) -> EventSourceResponse:
    """The answer as server-sent events: `token` events (`{"text": ...}`) as it is written, then one `final`.

    `token` events carry the text as the model writes it, before verification; the `final` event (the
    /v1/ask response body) carries the verified answer, which may differ: unsupported sentences dropped,
    markers renumbered, or the extractive answer when nothing the model wrote was supported. Show the tokens
    while they arrive, then replace them with `final.answer`. The extractive answerer streams its finished
    answer word by word. A backend failure before the first token is a 502/503 JSON error; after it, an
    `error` event (the same JSON body) ends the stream, as any other failure does.
    """
    check_question_length("question", request.question, settings.max_question_chars)
    events = started_stream(
        newsdesk.ask_stream(
            request.question,
            top_k=request.top_k,
            history=[m.model_dump() for m in request.history],
            filters=request.document_filter(),
            recency=request.recency,
        )
    )
    return EventSourceResponse(_ask_events(events), ping=10)


def _ask_events(events: Iterator[AnswerEvent]) -> Iterator[dict[str, str]]:
    try:
        for event in events:
            if isinstance(event, Draft):
                yield {"event": "token", "data": json.dumps({"text": event.text}, ensure_ascii=False)}
            elif isinstance(event, Final):
                body = AskResponse.of(event.answer).model_dump_json()
                yield {"event": "final", "data": body}
    except LLMError as error:
        yield {"event": "error", "data": json.dumps(llm_error_body(error), ensure_ascii=False)}
    except Exception:  # the 200 is sent: the stream ends with an error event and the connection stays open
        log.exception("the answer stream failed")
        yield {"event": "error", "data": json.dumps(INTERNAL_ERROR)}
