"""The FastAPI application: routes, error handlers, and the Gradio chat mounted at /ui."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from service.api.errors import install_error_handlers
from service.api.routes import ask, documents, health
from service.engine import Newsdesk
from service.settings import Settings, get_settings

log = logging.getLogger("newsdesk")


def create_app(
    settings: Settings | None = None, newsdesk: Newsdesk | None = None, mount_ui: bool | None = None
) -> FastAPI:
    """The app; with ``newsdesk`` given it serves that engine (tests), otherwise it builds one at start-up.

    Without arguments (uvicorn's factory, one call per worker process) the settings come from the environment.
    """
    settings = settings or get_settings()
    mount_ui = settings.ui if mount_ui is None else mount_ui

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = newsdesk or Newsdesk(settings)
        if newsdesk is None and settings.ingest_sample_if_empty:
            report = engine.ingest_sample_if_empty(progress=True)
            if report is not None:
                log.info("index was empty: ingested the sample corpus (%s)", report.summary())
        engine.warm_up()
        app.state.newsdesk = engine
        yield
        if newsdesk is None:
            engine.close()

    app = FastAPI(
        title="Newsdesk",
        version="0.1.0",
        summary="Grounded, cited answers from a corpus of news articles.",
        lifespan=lifespan,
    )
    if newsdesk is not None:
        app.state.newsdesk = newsdesk
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(documents.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui" if mount_ui else "/docs")

    if mount_ui:
        from ui.chat import mount_chat

        app = mount_chat(app)
    return app
