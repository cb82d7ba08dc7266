"""GET /healthz for load balancers and GET /metrics for Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from service.api import metrics
from service.api.deps import get_newsdesk
from service.api.schemas import Health
from service.engine import Newsdesk

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz(newsdesk: Newsdesk = Depends(get_newsdesk)) -> Health:
    """The service is up and its catalog answers (no key needed)."""
    return Health(
        status="ok", documents=newsdesk.catalog.count_documents(), chunks=newsdesk.catalog.count_chunks()
    )


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def prometheus_metrics() -> Response:
    """Request counts and latencies per route, stage timings, answers, index size (Prometheus format)."""
    body, content_type = metrics.exposition()
    return Response(content=body, media_type=content_type)
