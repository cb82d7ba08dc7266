"""The documents tab of /ui: list and search what is indexed by outlet and date; add or delete an article."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from service.engine import Newsdesk
from service.settings import Settings
from ui import documents
from ui.chat import as_text

PRIVATE = {"api_visibility": "private"}  # the page's own plumbing, not an API to document


@dataclass
class PanelTab:
    """What the page updates on load: the outlet choices, the admin box, the first page."""

    outlet: gr.Dropdown
    admin: gr.Accordion
    shown: list[Any]  # summary, list, page number


class DocumentsPanel:
    def __init__(self, engine: Callable[[], Newsdesk], settings: Callable[[], Settings]) -> None:
        self.engine = engine
        self.settings = settings

    def show(
        self, query: str, source: str, published_from: str, published_to: str, page: int
    ) -> tuple[str, str, int]:
        """The summary line, the list's HTML and the page shown: search results, or a page of the listing."""
        try:
            filters = documents.parse_filters(source, published_from, published_to)
        except documents.FilterError as error:
            return as_text(str(error)), "", 0
        engine = self.engine()
        if (query or "").strip():
            found = documents.search_documents(engine, query.strip(), filters)
            noun = "article has" if len(found) == 1 else "articles have"
            summary = f"{len(found)} {noun} the words *{as_text(query.strip())}*, best match first"
            return summary, documents.document_rows(found), 0
        page = max(page, 0)
        listed, total = documents.list_page(engine, filters, page)
        if not listed and page > 0:  # past the end (a delete, a narrower filter): the last page
            page = max((total - 1) // documents.PAGE_SIZE, 0)
            listed, total = documents.list_page(engine, filters, page)
        first = page * documents.PAGE_SIZE + 1
        summary = (
            f"Articles {first:,}–{first + len(listed) - 1:,} of {total:,}"
            if listed
            else f"None of the {total:,} indexed articles match"
        )
        return summary, documents.document_rows(listed), page

    def may_write(self, request: gr.Request) -> bool:
        return documents.may_write(self.settings(), request.headers.get("authorization"))

    def outlet_choices(self) -> Any:
        return gr.update(choices=documents.outlet_choices(documents.outlets(self.engine())))

    def on_add(self, path: str | None, source: str, url: str, request: gr.Request) -> tuple[Any, ...]:
        if not self.may_write(request):
            return "Only an admin key may add articles.", gr.update(), gr.update()
        if not path:
            return "Choose an article file first.", gr.update(), gr.update()
        message = documents.add_article_file(self.engine(), path, source, url)
        return as_text(message), gr.update(value=None), self.outlet_choices()

    def on_delete(self, doc_id: str, request: gr.Request) -> tuple[Any, ...]:
        if not self.may_write(request):
            return "Only an admin key may delete articles.", gr.update(), gr.update()
        message = documents.delete_article(self.engine(), doc_id)
        return as_text(message), gr.update(value=""), self.outlet_choices()

    def render(self) -> PanelTab:
        with gr.Row(equal_height=True):
            query = gr.Textbox(
                label="Search the articles",
                placeholder="names, places, topics",
                scale=3,
                elem_id="nd-doc-query",
            )
            outlet = gr.Dropdown(
                choices=[documents.ALL_OUTLETS], value="", label="Outlet", scale=2, elem_id="nd-doc-outlet"
            )
            published_from = gr.Textbox(
                label="Published from", placeholder="YYYY-MM-DD", min_width=130, elem_id="nd-doc-from"
            )
            published_to = gr.Textbox(
                label="Published to", placeholder="YYYY-MM-DD", min_width=130, elem_id="nd-doc-to"
            )
        search = gr.Button("Search", variant="primary", elem_id="nd-doc-search")
        summary = gr.Markdown(elem_id="nd-doc-summary")
        listing = gr.HTML(elem_id="nd-doc-list", padding=False)
        page = gr.State(0)
        with gr.Row():
            previous_page = gr.Button("← Previous", size="sm", elem_id="nd-doc-prev")
            next_page = gr.Button("Next →", size="sm", elem_id="nd-doc-next")
        with gr.Accordion("Add or delete an article", visible=False, elem_id="nd-admin") as admin:
            with gr.Row():
                upload = gr.File(
                    label="Article file (.txt: first line is the title; .md; .html)",
                    file_types=[".txt", ".md", ".html", ".htm"],
                    elem_id="nd-upload",
                )
                with gr.Column():
                    source = gr.Textbox(label="Source (optional)", elem_id="nd-upload-source")
                    url = gr.Textbox(label="Original URL (optional)", elem_id="nd-upload-url")
                    add = gr.Button("Add article", variant="primary", elem_id="nd-add")
            with gr.Row(equal_height=True):
                delete_id = gr.Textbox(label="Id of the article to delete", scale=3, elem_id="nd-delete-id")
                delete = gr.Button("Delete article", variant="stop", elem_id="nd-delete")
            status = gr.Markdown(elem_id="nd-admin-status")

        filters = [query, outlet, published_from, published_to]
        shown = [summary, listing, page]
        for trigger in (search.click, query.submit):
            trigger(lambda *args: self.show(*args, 0), filters, shown, **PRIVATE)
        previous_page.click(
            lambda *args: self.show(*args[:-1], args[-1] - 1), [*filters, page], shown, **PRIVATE
        )
        next_page.click(lambda *args: self.show(*args[:-1], args[-1] + 1), [*filters, page], shown, **PRIVATE)
        refresh = {"fn": lambda *args: self.show(*args, 0), "inputs": filters, "outputs": shown, **PRIVATE}
        add.click(self.on_add, [upload, source, url], [status, upload, outlet], **PRIVATE).then(**refresh)
        delete.click(self.on_delete, [delete_id], [status, delete_id, outlet], **PRIVATE).then(**refresh)
        return PanelTab(outlet=outlet, admin=admin, shown=shown)
