"""Bulk ingest: POST /v1/ingest returns a job id at once; GET /v1/jobs/{id} reports progress and errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import ValidationError

from ingest.loading import LoadError, article_from_record, load_paths
from ingest.models import Article, InvalidDocumentError
from service.api.deps import get_api_settings, get_newsdesk
from service.api.document_schemas import DocumentIn, IngestRequest, JobAccepted, JobOut
from service.api.schemas import ErrorResponse
from service.engine import Newsdesk
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["ingest"])


def documents_to_articles(documents: list[DocumentIn | dict[str, Any]]) -> Iterator[Article | LoadError]:
    """Each document on its own: a bad one becomes an error in the job report and the rest go in."""
    for index, raw in enumerate(documents):
        doc_id = raw.id if isinstance(raw, DocumentIn) else raw.get("id")
        origin = f"documents[{index}] ({doc_id})" if isinstance(doc_id, str) else f"documents[{index}]"
        try:
            document = raw if isinstance(raw, DocumentIn) else DocumentIn.model_validate(raw)
            yield article_from_record(document.record(), origin=origin)
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "document"
            yield LoadError(origin, f"{field}: {first['msg'].removeprefix('Value error, ')}", field)
        except InvalidDocumentError as error:
            yield LoadError(origin, error.message, error.field)


def ingest_roots(settings: Settings) -> list[Path]:
    """The folders server-side ingest may read from, resolved: every file read is checked against them."""
    return [root.expanduser().resolve() for root in settings.ingest_roots]


def allowed_path(settings: Settings, raw: str) -> Path:
    try:
        # "~user" of an unknown user raises RuntimeError, a NUL byte ValueError: the client's mistake.
        path = Path(raw).expanduser().resolve()
    except (RuntimeError, ValueError, OSError) as error:
        raise HTTPException(422, detail=f"path: {raw!r} is not a usable path ({error})") from error
    roots = ingest_roots(settings)
    if not roots:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="path: server-side ingest is disabled; set NEWSDESK_INGEST_ROOTS to the folders it may "
            "read",
        )
    if not any(path == root or path.is_relative_to(root) for root in roots):
        allowed = ", ".join(str(r) for r in roots)
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"path: {raw!r} is outside the ingest roots ({allowed})"
        )
    if not path.exists():
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"path: {raw!r} does not exist on the server")
    return path


@router.post(
    "/ingest",
    response_model=JobAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 413: {"model": ErrorResponse},
               422: {"model": ErrorResponse}},
)  # fmt: skip
def start_ingest(
    body: IngestRequest,
    request: Request,
    newsdesk: Newsdesk = Depends(get_newsdesk),
    settings: Settings = Depends(get_api_settings),
) -> JobAccepted:
    """Start indexing many documents (or a server-side folder); poll the job for progress."""
    if body.documents is not None:
        if len(body.documents) > settings.max_bulk_documents:
            raise InvalidDocumentError(
                "documents",
                f"{len(body.documents):,} documents is over the {settings.max_bulk_documents:,} "
                "per request limit (NEWSDESK_MAX_BULK_DOCUMENTS)",
            )
        documents = body.documents
        job = newsdesk.jobs.submit(
            "documents", lambda: documents_to_articles(documents), total=len(documents)
        )
    else:
        path = allowed_path(settings, body.path or "")
        max_bytes = int(settings.max_body_mb * 1024 * 1024)
        # The folder is inside a root; each file in it is checked again when read (links may point out).
        roots = ingest_roots(settings)
        job = newsdesk.jobs.submit(
            f"path:{path}", lambda: load_paths([path], max_file_bytes=max_bytes, roots=roots), None
        )
    return JobAccepted(job_id=job.id, status_url=str(request.url_for("get_job", job_id=job.id)))


@router.get("/jobs/{job_id}", response_model=JobOut, responses={404: {"model": ErrorResponse}})
def get_job(job_id: str, newsdesk: Newsdesk = Depends(get_newsdesk)) -> JobOut:
    """Progress, counts and per-document errors of an ingest job."""
    job = newsdesk.jobs.get(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"job_id: no job with id {job_id!r}")
    return JobOut(**{k: v for k, v in job.__dict__.items() if k != "owner"})
