"""The documents in the index, with the cleaned text that citation offsets point into."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from service.api.deps import get_newsdesk
from service.engine import Newsdesk
from service.schemas import DocumentDetail, DocumentList, DocumentSummary, ErrorResponse

router = APIRouter(prefix="/v1/documents", tags=["documents"])


@router.get("", response_model=DocumentList)
def list_documents(
    limit: int = Query(100, ge=1, le=1000, description="page size"),
    offset: int = Query(0, ge=0, description="documents to skip"),
    newsdesk: Newsdesk = Depends(get_newsdesk),
) -> DocumentList:
    records = newsdesk.catalog.list_documents(limit=limit, offset=offset)
    return DocumentList(
        documents=[DocumentSummary.of(r) for r in records],
        total=newsdesk.catalog.count_documents(),
        limit=limit,
        offset=offset,
    )


@router.get("/{doc_id}", response_model=DocumentDetail, responses={404: {"model": ErrorResponse}})
def get_document(doc_id: str, newsdesk: Newsdesk = Depends(get_newsdesk)) -> DocumentDetail:
    record = newsdesk.catalog.get_document(doc_id)
    if record is None:
        raise HTTPException(status_code=404, detail=f"doc_id: no document with id {doc_id!r}")
    return DocumentDetail.of(record)
