"""OpenAI-compatible: POST /v1/chat/completions and GET /v1/models, so any OpenAI client can ask Newsdesk.

The last user message is the question and earlier user/assistant messages the history (follow-ups are
rewritten as in /v1/ask); system messages are ignored: they cannot change how Newsdesk grounds its answers.
Responses carry two extra fields, `citations` (the sources the answer's [n] markers number) and `grounded`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends
from sse_starlette import EventSourceResponse

from service.answer.llm import LLMError
from service.answer.types import AnswerEvent, Final, Verified
from service.api.chat_schemas import ChatCompletion, ChatCompletionRequest, ChunkStream, ModelCard, ModelList
from service.api.deps import get_api_settings, get_newsdesk
from service.api.errors import check_question_length
from service.api.middleware import INTERNAL_ERROR
from service.api.routes.ask import LLM_ERRORS
from service.api.streaming import started_stream
from service.engine import Newsdesk
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
log = logging.getLogger("newsdesk.api")


@router.get("/models", response_model=ModelList)
def list_models(newsdesk: Newsdesk = Depends(get_newsdesk)) -> ModelList:
    """The configured answerer, as the one model this server offers."""
    generator = getattr(newsdesk.answerer, "generator", None)
    return ModelList(data=[ModelCard(id=newsdesk.model_id, backend_model=getattr(generator, "model", None))])


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={200: {"content": {"text/event-stream": {}}}, **LLM_ERRORS},
)
def chat_completions(
    request: ChatCompletionRequest,
    newsdesk: Newsdesk = Depends(get_newsdesk),
    settings: Settings = Depends(get_api_settings),
) -> ChatCompletion | EventSourceResponse:
    """A chat completion whose content is Newsdesk's verified answer; `model` may be any name.

    Streamed (`"stream": true`), the content deltas are the *verified* answer, released sentence by sentence
    as the model writes them (word by word for the extractive answerer), so the deltas add up to exactly the
    non-streamed answer; the closing chunk carries `citations` and `grounded`, then `data: [DONE]`.
    """
    check_question_length("messages", request.question(), settings.max_question_chars)
    arguments = {
        "top_k": request.top_k,
        "history": request.history(),
        "filters": request.document_filter(),
        "recency": request.recency,
    }
    if not request.stream:
        return ChatCompletion.of(newsdesk.ask(request.question(), **arguments), newsdesk.model_id)
    events = started_stream(newsdesk.ask_stream(request.question(), **arguments))
    return EventSourceResponse(_chunks(events, ChunkStream(newsdesk.model_id)), ping=10)


def _chunks(events: Iterator[AnswerEvent], chunks: ChunkStream) -> Iterator[dict[str, str]]:
    yield {"data": json.dumps(chunks.role())}
    try:
        for event in events:
            if isinstance(event, Verified):
                yield {"data": json.dumps(chunks.content(event.text), ensure_ascii=False)}
            elif isinstance(event, Final):
                yield {"data": json.dumps(chunks.final(event.answer), ensure_ascii=False)}
    except LLMError as error:
        # OpenAI streams report a failure mid-way as an error object in a data line.
        yield {"data": json.dumps({"error": {"message": str(error), "type": "llm_error"}})}
    except Exception:  # the 200 is sent: the stream ends with an error and the connection stays open
        log.exception("the chat completion stream failed")
        failure = {"error": {"message": INTERNAL_ERROR["message"], "type": "internal_error"}}
        yield {"data": json.dumps(failure)}
    yield {"data": "[DONE]"}
