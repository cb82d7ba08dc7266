"""/ui: the Gradio app mounted on the FastAPI app, with the article view beside it.

Two tabs: Ask (the chat) and Documents (what is indexed). The page loads nothing from another host: the
styles and the one script come from ``ui/static``, the fonts from Gradio's own assets, and every link to an
original article opens only when clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from service.engine import Newsdesk
from service.feedback import FeedbackStore
from service.settings import Settings
from ui.chat import Chat
from ui.panel import DocumentsPanel
from ui.reader import router as reader_router

STATIC = Path(__file__).parent / "static"
HEADER = (
    '<header class="nd-header"><div><h1>Newsdesk</h1><p>Answers quoted from the articles, each sentence '
    "numbered to its source; when the articles do not say, Newsdesk says so.</p></div>"
    '<nav aria-label="Developer links"><a href="/docs" target="_blank" rel="noopener">API docs</a>'
    '<a href="/redoc" target="_blank" rel="noopener">ReDoc</a></nav></header>'
)


def build_ui(
    engine: Callable[[], Newsdesk],
    settings: Callable[[], Settings] | None = None,
    feedback: Callable[[], FeedbackStore] | None = None,
) -> gr.Blocks:
    """The whole /ui app; ``engine``, ``settings`` and ``feedback`` are read per request (set at start-up)."""
    settings = settings or (lambda: engine().settings)
    chat = Chat(engine, feedback)
    panel = DocumentsPanel(engine, settings)
    with gr.Blocks(title="Newsdesk", analytics_enabled=False) as app:
        gr.HTML(HEADER, padding=False)
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                ask = chat.render()
            with gr.Tab("Documents", id="documents"):
                listing = panel.render()

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            """Fresh outlet choices; the add/delete box for those who may write; the first page."""
            choices = panel.outlet_choices()
            return (
                choices,
                choices,
                gr.update(visible=panel.may_write(request)),
                *panel.show("", "", "", "", 0),
            )

        app.load(
            on_load,
            outputs=[ask.outlet, listing.outlet, listing.admin, *listing.shown],
            api_visibility="private",
        )
    return app


def mount_ui(app: FastAPI, path: str = "/ui") -> FastAPI:
    app.include_router(reader_router)  # before the mount, so /ui/articles/... is not Gradio's
    blocks = build_ui(lambda: app.state.newsdesk, lambda: app.state.settings, lambda: app.state.feedback)
    return gr.mount_gradio_app(
        app,
        blocks,
        path=path,
        footer_links=[],  # no "Use via API": Gradio's API is not Newsdesk's, and the header links /docs
        css_paths=[STATIC / "newsdesk.css"],
        head_paths=[STATIC / "newsdesk.html"],
    )
