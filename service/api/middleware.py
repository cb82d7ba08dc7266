"""ASGI middleware: request ids, access logs, metrics and the last word on errors; API keys; the body limit.

Written as plain ASGI callables (not BaseHTTPMiddleware) so streaming responses pass through untouched.
Outermost first: ``RequestContext`` (so 401s and 413s are logged and counted too, and an unexpected error
becomes a JSON 500 here), ``ApiKeyGuard``, ``BodySizeLimit``.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

from starlette.exceptions import HTTPException

from service.api import metrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = "x-request-id"
request_id: ContextVar[str] = ContextVar("request_id", default="-")
access_log = logging.getLogger("newsdesk.access")
error_log = logging.getLogger("newsdesk.api")
# What a client learns of an unexpected error: nothing of its text (paths, internals), only that it happened.
INTERNAL_ERROR = {
    "error": "internal_error",
    "message": "the server could not complete the request",
    "fields": [],
}


async def send_json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()
) -> None:
    payload = json.dumps(body).encode()
    length = str(len(payload)).encode()
    response_headers = [(b"content-type", b"application/json"), (b"content-length", length), *headers]
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": payload})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def route_label(scope: Scope) -> str:
    """The route's path template ("/v1/documents/{doc_id}"), so metrics do not explode per document."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return path
    raw = scope.get("path", "")
    return "/ui" if raw.startswith("/ui") else "unmatched"


class RequestContext:
    """A request id on every response (the client's X-Request-ID, or a new one), one log line, metrics.

    An exception no route handled is logged and answered here with a JSON 500. Left to Starlette's
    ServerErrorMiddleware, it would be re-raised after the 500 was sent, and uvicorn closes the connection of
    a request whose application raised: a client's next request on that keep-alive connection was reset.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, REQUEST_ID_HEADER.encode())
        rid = incoming if incoming and len(incoming) <= 128 and incoming.isprintable() else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            error_log.exception("unhandled error on %s %s", scope["method"], scope.get("path", ""))
            if response_started:
                raise  # half a response cannot be taken back: the connection has to end
            await send_json(send_with_id, 500, INTERNAL_ERROR)
        finally:
            seconds = time.perf_counter() - started
            route = route_label(scope)
            metrics.observe_request(scope["method"], route, status, seconds)
            access_log.info(
                "%s %s %s",
                scope["method"],
                scope.get("path", ""),
                status,
                extra={
                    "method": scope["method"],
                    "path": scope.get("path", ""),
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            request_id.reset(token)


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
WRITE_PREFIXES = ("/v1/documents", "/v1/ingest")
OPEN_PATHS = {"/healthz"}
# One challenge a header, Basic first: Chromium reads only the first scheme of a header, and given
# "Bearer ..., Basic ..." it sends no credentials, so /ui could not log in.
LOGIN_CHALLENGES = [
    (b"www-authenticate", b'Basic realm="Newsdesk"'),
    (b"www-authenticate", b'Bearer realm="Newsdesk"'),
]


def key_from_authorization(header: str) -> str | None:
    """The key in an Authorization header: ``Bearer KEY``, or HTTP Basic with the key as password."""
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


class ApiKeyGuard:
    """With keys configured, every route but /healthz needs one; writes may be limited to admin keys.

    Keys come as ``Authorization: Bearer KEY`` or, for browsers on /ui, HTTP Basic with the key as password.
    """

    def __init__(self, app: ASGIApp, keys: set[str], admin_keys: set[str]) -> None:
        self.app = app
        self.keys = keys | admin_keys
        self.admin_keys = admin_keys

    def presented_key(self, scope: Scope) -> str | None:
        return key_from_authorization(_header(scope, b"authorization") or "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.keys or scope.get("path") in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        key = self.presented_key(scope)
        if key not in self.keys:
            await send_json(
                send,
                401,
                {
                    "error": "unauthorized",
                    "message": "Authorization: a valid API key is required (Authorization: Bearer <key>)",
                    "fields": [{"field": "Authorization", "message": "missing or unknown API key"}],
                },
                LOGIN_CHALLENGES,
            )
            return
        path = scope.get("path", "")
        is_write = scope["method"] in WRITE_METHODS and path.startswith(WRITE_PREFIXES)
        if is_write and self.admin_keys and key not in self.admin_keys:
            await send_json(
                send,
                403,
                {
                    "error": "forbidden",
                    "message": "Authorization: this key may read but not write; writes need an admin key",
                    "fields": [{"field": "Authorization", "message": "not an admin key"}],
                },
            )
            return
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Refuse bodies over the limit: at once when Content-Length says so, else as soon as it is passed."""

    def __init__(self, app: ASGIApp, max_mb: float) -> None:
        self.app = app
        self.max_mb = max_mb
        self.max_bytes = int(max_mb * 1024 * 1024)

    def too_large(self) -> dict[str, Any]:
        message = f"the request body is over the {self.max_mb:g} MB limit (NEWSDESK_MAX_BODY_MB)"
        return {"error": "payload_too_large", "message": f"body: {message}", "fields": [{"field": "body",
                "message": message}]}  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await send_json(send, 413, self.too_large())
            return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI re-raises an HTTPException from body parsing as is: the client gets this 413.
                    raise HTTPException(413, detail=self.too_large()["message"])
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except HTTPException as error:  # raised where no FastAPI route caught it (mounted apps)
            if error.status_code != 413 or response_started:
                raise
            await send_json(send, 413, self.too_large())
