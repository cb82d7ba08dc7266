"""The FastAPI application: routes, error handlers, middleware, and a slot for a user interface.

The API never imports a user interface: the chat at /ui is handed in as a :class:`Frontend` by the one app
factory that composes both (``newsdesk.app.create_app``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from service.api import metrics
from service.api.docs import add_offline_docs
from service.api.errors import install_error_handlers
from service.api.middleware import ApiKeyGuard, BodySizeLimit, RequestContext
from service.api.routes import ask, chat, documents, feedback, ingest, observability, search
from service.engine import Newsdesk
from service.feedback import FeedbackStore
from service.settings import Settings, get_settings

log = logging.getLogger("newsdesk")


class Frontend(Protocol):
    """A user interface served beside the API: mounted once, opened at start-up and closed at shutdown."""

    home: str  # where / redirects

    def mount(self, app: FastAPI) -> FastAPI: ...

    def open(self) -> None: ...

    def close(self) -> None: ...


def create_app(
    settings: Settings | None = None, newsdesk: Newsdesk | None = None, frontend: Frontend | None = None
) -> FastAPI:
    """The API; with ``newsdesk`` given it serves that engine (tests), otherwise it builds one at start-up.

    Without settings they come from the environment. ``frontend`` (the chat UI) is mounted beside the routes.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = newsdesk or Newsdesk(settings)
        if frontend is not None:
            frontend.open()
        announce_access(settings)
        interrupted = engine.jobs.mark_interrupted()
        if interrupted:
            log.warning("%d ingest jobs were interrupted by an earlier stop", interrupted)
        if newsdesk is None and settings.ingest_sample_if_empty:
            report = engine.ingest_sample_if_empty(progress=True)
            if report is not None:
                log.info("index was empty: ingested the sample corpus (%s)", report.summary())
        engine.warm_up()
        app.state.newsdesk = engine
        metrics.track_index_size(engine.catalog.count_documents, engine.catalog.count_chunks)
        try:
            yield
        finally:
            if frontend is not None:
                frontend.close()
            if newsdesk is None:
                engine.close()
            app.state.feedback.close()

    app = FastAPI(
        title="Newsdesk",
        version="0.1.0",
        summary="Grounded, cited answers from a corpus of news articles.",
        lifespan=lifespan,
        docs_url=None,  # add_offline_docs serves both pages without a CDN
        redoc_url=None,
    )
    add_offline_docs(app)
    app.state.settings = settings  # the HTTP layer's limits and roots; the engine has its own settings
    app.state.feedback = FeedbackStore.in_data_dir(settings.data_dir)
    if newsdesk is not None:
        app.state.newsdesk = newsdesk
    install_error_handlers(app)
    app.include_router(observability.router)
    app.include_router(ask.router)
    app.include_router(search.router)
    app.include_router(documents.router)
    app.include_router(chat.router)
    app.include_router(ingest.router)
    app.include_router(feedback.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(frontend.home if frontend is not None else "/docs")

    if frontend is not None:
        app = frontend.mount(app)
    # Added last = outermost: the request id and access log see every response, 401s and 413s included.
    app.add_middleware(BodySizeLimit, max_mb=settings.max_body_mb)
    app.add_middleware(ApiKeyGuard, keys=set(settings.api_keys), admin_keys=set(settings.admin_keys))
    app.add_middleware(RequestContext)
    return app


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def announce_access(settings: Settings) -> None:
    """Say at start who can reach the API: keys, or open on loopback, or (loudly) open to the network."""
    if settings.all_keys:
        writers = "admin keys only" if settings.admin_keys else "every key"
        log.info("API keys required on every route but /healthz; writes: %s", writers)
    elif settings.host in LOOPBACK:
        log.warning("no API keys set (NEWSDESK_API_KEYS): the API is open, bound to %s only", settings.host)
    else:
        log.warning(
            "no API keys set (NEWSDESK_API_KEYS) and bound to %s: anyone who can reach it can read and write",
            settings.host,
        )
