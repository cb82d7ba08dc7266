"""The documents in the index: add or replace one, list with paging and filters, read, delete."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Response, UploadFile, status

from ingest.catalog import DocumentFilter
from ingest.loading import LoadError, article_from_record, load_bytes
from ingest.models import Article, InvalidDocumentError, validate_doc_id
from service.api import metrics
from service.api.deps import get_api_settings, get_newsdesk
from service.api.document_schemas import (
    DocumentDetail,
    DocumentIn,
    DocumentList,
    DocumentSummary,
    DocumentWriteResult,
)
from service.api.schemas import ErrorResponse
from service.engine import Newsdesk
from service.settings import Settings

router = APIRouter(prefix="/v1/documents", tags=["documents"])
ERRORS = {404: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}
WRITES = {
    200: {"model": DocumentWriteResult, "description": "replaced, or unchanged (same content: a no-op)"},
    409: {"model": ErrorResponse, "description": "deleted by another request as it was written"},
    **ERRORS,
}


def write_one(newsdesk: Newsdesk, article: Article, response: Response) -> DocumentWriteResult:
    """Index one article; an unchanged one is a no-op, a changed one replaces its chunks in one step."""
    report = newsdesk.ingest_articles([article])
    if report.failed:
        failure = report.failed[0]
        raise InvalidDocumentError(failure.field or "text", failure.message)
    metrics.observe_ingest(len(report.added), len(report.replaced), len(report.unchanged), 0)
    outcome = "added" if report.added else "replaced" if report.replaced else "unchanged"
    response.status_code = status.HTTP_201_CREATED if outcome == "added" else status.HTTP_200_OK
    record = newsdesk.catalog.get_document(article.id, with_text=False)
    if record is None:  # another request deleted it between the write and this read
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"id: {article.id!r} was deleted by another request as it was written; send it again",
        )
    return DocumentWriteResult(
        id=record.id, status=outcome, chunk_count=record.chunk_count, content_hash=record.content_hash
    )


@router.post("", response_model=DocumentWriteResult, status_code=201, responses=WRITES)
def put_document(
    document: DocumentIn, response: Response, newsdesk: Newsdesk = Depends(get_newsdesk)
) -> DocumentWriteResult:
    """Add a document, or replace the one with its id (201 added, 200 replaced or unchanged)."""
    return write_one(newsdesk, article_from_record(document.record(), origin="body"), response)


@router.post("/upload", response_model=DocumentWriteResult, status_code=201, responses=WRITES)
def upload_document(
    response: Response,
    file: UploadFile = File(description="one article: .txt, .md or .html (use /v1/ingest for JSONL)"),
    doc_id: str | None = Form(default=None, description="the id (default: the file name's stem)"),
    source: str | None = Form(default=None, max_length=200),
    url: str | None = Form(default=None, max_length=2000),
    newsdesk: Newsdesk = Depends(get_newsdesk),
    settings: Settings = Depends(get_api_settings),
) -> DocumentWriteResult:
    """Add or replace a document from an uploaded file."""
    name = file.filename or "upload.txt"
    if name.lower().endswith((".jsonl", ".ndjson")):
        raise InvalidDocumentError("file", "a JSONL file holds many documents: send it to POST /v1/ingest")
    limit = int(settings.max_body_mb * 1024 * 1024)
    items = list(load_bytes(file.file.read(limit + 1), name, max_file_bytes=limit))
    if len(items) != 1 or isinstance(items[0], LoadError):
        message = items[0].message if items and isinstance(items[0], LoadError) else "no article in the file"
        raise InvalidDocumentError("file", message)
    article = items[0]
    overrides = {key: value for key, value in {"source": source, "url": url}.items() if value}
    if doc_id:
        overrides["id"] = validate_doc_id(doc_id)
    return write_one(newsdesk, replace(article, **overrides), response)


@router.get("", response_model=DocumentList, responses={422: {"model": ErrorResponse}})
def list_documents(
    limit: int = Query(100, ge=1, le=1000, description="page size (at most 1,000)"),
    offset: int = Query(0, ge=0, le=10_000_000, description="documents to skip"),
    source: str | None = Query(None, max_length=200, description="only this source"),
    published_from: date | None = Query(None, description="published on or after"),
    published_to: date | None = Query(None, description="published on or before"),
    newsdesk: Newsdesk = Depends(get_newsdesk),
) -> DocumentList:
    """Documents in id order, a page at a time."""
    where = DocumentFilter(source=source, published_from=published_from, published_to=published_to)
    records = newsdesk.catalog.list_documents(where, limit=limit, offset=offset)
    return DocumentList(
        documents=[DocumentSummary.of(r) for r in records],
        total=newsdesk.catalog.count_documents(where),
        limit=limit,
        offset=offset,
    )


@router.get("/{doc_id}", response_model=DocumentDetail, responses={404: {"model": ErrorResponse}})
def get_document(doc_id: str, newsdesk: Newsdesk = Depends(get_newsdesk)) -> DocumentDetail:
    """One document with the cleaned text that citation offsets point into."""
    record = newsdesk.catalog.get_document(doc_id)
    if record is None:
        raise HTTPException(status_code=404, detail=f"doc_id: no document with id {doc_id!r}")
    return DocumentDetail.of(record)


@router.delete("/{doc_id}", status_code=204, responses={404: {"model": ErrorResponse}})
def delete_document(doc_id: str, newsdesk: Newsdesk = Depends(get_newsdesk)) -> Response:
    """Remove a document from every index; the cost grows with its chunks, not with the corpus."""
    if not newsdesk.delete([doc_id]):
        raise HTTPException(status_code=404, detail=f"doc_id: no document with id {doc_id!r}")
    return Response(status_code=204)
