"""POST /v1/search: the ranked evidence chunks for a query, without an answer."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends

from service.api.deps import get_api_settings, get_newsdesk
from service.api.errors import check_question_length
from service.api.schemas import ErrorResponse, SearchHit, SearchRequest, SearchResponse
from service.engine import Newsdesk
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["questions"])


@router.post("/search", response_model=SearchResponse, responses={422: {"model": ErrorResponse}})
def search(
    request: SearchRequest,
    newsdesk: Newsdesk = Depends(get_newsdesk),
    settings: Settings = Depends(get_api_settings),
) -> SearchResponse:
    """Hybrid retrieval (and reranking) as used by /v1/ask, for tools that want the evidence itself."""
    check_question_length("query", request.query, settings.max_question_chars)
    started = time.perf_counter()
    nodes = newsdesk.search(
        request.query, filters=request.document_filter(), recency=request.recency, rerank=request.rerank
    )[: request.top_k]
    results = [
        SearchHit(
            rank=rank,
            chunk_id=hit.node.node_id,
            doc_id=hit.node.metadata["doc_id"],
            title=hit.node.metadata.get("title", ""),
            text=hit.node.get_content(),
            start=hit.node.start_char_idx or 0,
            end=hit.node.end_char_idx or 0,
            score=round(float(hit.score or 0.0), 6),
        )
        for rank, hit in enumerate(nodes, start=1)
    ]
    return SearchResponse(
        query=request.query,
        results=results,
        timings_ms={"total": round((time.perf_counter() - started) * 1000, 2)},
    )
