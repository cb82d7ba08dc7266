"""POST /v1/ask: a grounded answer with numbered citations."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from service.api import metrics
from service.api.deps import get_newsdesk
from service.engine import Newsdesk
from service.schemas import AskRequest, AskResponse, ErrorResponse

router = APIRouter(prefix="/v1", tags=["questions"])


@router.post("/ask", response_model=AskResponse, responses={422: {"model": ErrorResponse}})
def ask(request: AskRequest, newsdesk: Newsdesk = Depends(get_newsdesk)) -> AskResponse:
    """Answer from the articles, citing the exact snippets; `grounded` is false when they do not say."""
    answer = newsdesk.ask(
        request.question,
        top_k=request.top_k,
        history=[m.model_dump() for m in request.history],
        filters=request.document_filter(),
        recency=request.recency,
    )
    metrics.observe_answer(answer.timings_ms, answer.grounded)
    return AskResponse.of(answer)
