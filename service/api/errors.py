"""Every error is JSON that names the offending field; no input produces a 500 with a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.models import InvalidDocumentError
from service.answer.llm import LLMError
from service.api.middleware import INTERNAL_ERROR
from service.api.schemas import over_question_limit

log = logging.getLogger("newsdesk.api")


def field_name(location: tuple[object, ...] | list[object]) -> str:
    """``("body", "history", 0, "role")`` -> ``history[0].role``; the body itself is ``body``."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        if len(parts) == 1:
            return str(parts[0])
        parts = parts[1:]  # where the value came from, not part of its name
    if not parts:
        return "request"
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def check_question_length(field: str, question: str, limit: int) -> None:
    """A 422 naming ``field`` and the limit (NEWSDESK_MAX_QUESTION_CHARS) when the question is over it."""
    problem = over_question_limit(question, limit)
    if problem is not None:
        raise RequestValidationError(
            [{"type": "string_too_long", "loc": ("body", field), "msg": problem, "input": None}]
        )


def _message(error: dict) -> str:
    if error.get("type") == "json_invalid":
        context = error.get("ctx", {}).get("error", "")
        return f"invalid JSON{': ' + str(context) if context else ''}"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    fields = [
        {
            "field": "body" if e.get("type") == "json_invalid" else field_name(e.get("loc", ())),
            "message": _message(e),
        }
        for e in exc.errors()
    ]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return JSONResponse(
        status_code=422, content={"error": "invalid_request", "message": summary, "fields": fields}
    )


async def invalid_document(request: Request, exc: InvalidDocumentError) -> JSONResponse:
    return JSONResponse(
        status_code=422,
        content={
            "error": "invalid_document",
            "message": f"{exc.field}: {exc.message}",
            "fields": [{"field": exc.field, "message": exc.message}],
        },
    )


def llm_error_body(exc: LLMError) -> dict[str, object]:
    """503: the backend cannot be reached; 502: it answered with an error. The message names the backend."""
    return {
        "error": "llm_unavailable" if exc.status_code == 503 else "llm_error",
        "message": str(exc),
        "fields": [],
    }


async def llm_error(request: Request, exc: LLMError) -> JSONResponse:
    log.warning("%s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(status_code=exc.status_code, content=llm_error_body(exc))


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else "request failed"
    return JSONResponse(
        status_code=exc.status_code,
        content={"error": _error_code(exc.status_code), "message": detail, "fields": []},
        headers=getattr(exc, "headers", None),
    )


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """The last resort, for an error outside every route (``RequestContext`` answers those in a route)."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(status_code=500, content=INTERNAL_ERROR)


def _error_code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "payload_too_large",
        415: "unsupported_media_type",
        429: "too_many_requests",
    }.get(status, "error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(InvalidDocumentError, invalid_document)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(LLMError, llm_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected_error)
