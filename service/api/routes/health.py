"""GET /healthz: the service is up and its catalog answers."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from service.api.deps import get_newsdesk
from service.engine import Newsdesk
from service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(newsdesk: Newsdesk = Depends(get_newsdesk)) -> Health:
    return Health(
        status="ok", documents=newsdesk.catalog.count_documents(), chunks=newsdesk.catalog.count_chunks()
    )
