"""The documents panel: what is indexed (listed, searched, filtered), and adding or deleting an article.

Adding and deleting follow the API's rule for writes: with admin keys set only they may write; with only
reader keys every key may; with no keys at all (a server on loopback) anyone may. The panel is hidden from
anyone else, and each action checks again, so a hidden button is not the only guard.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ingest.catalog import DocumentFilter
from ingest.loading import LoadError, load_bytes
from ingest.models import InvalidDocumentError, validate_doc_id
from service.api.middleware import key_from_authorization
from service.engine import Newsdesk
from service.retrieve.retrievers import NewsQuery
from service.settings import Settings
from ui.render import Source, article_link, esc, flat, format_date

PAGE_SIZE = 20
ALL_OUTLETS = ("All outlets", "")


@dataclass(frozen=True)
class Filters:
    """The outlet (a document's ``source``) and date range the chat and the panel are limited to."""

    source: str | None = None
    published_from: date | None = None
    published_to: date | None = None

    def document_filter(self) -> DocumentFilter | None:
        chosen = DocumentFilter(
            source=self.source, published_from=self.published_from, published_to=self.published_to
        )
        return None if chosen.is_empty else chosen

    def describe(self, names: Mapping[str, str]) -> str:
        """A sentence for the reply: which articles the answer was limited to ('' when none)."""
        parts = []
        if self.source:
            parts.append(f"from {names.get(self.source, self.source)}")
        if self.published_from and self.published_to:
            parts.append(f"published {self.published_from} to {self.published_to}")
        elif self.published_from:
            parts.append(f"published on or after {self.published_from}")
        elif self.published_to:
            parts.append(f"published on or before {self.published_to}")
        return f"Only articles {', '.join(parts)}." if parts else ""


class FilterError(ValueError):
    pass


def parse_filters(source: str | None, published_from: str | None, published_to: str | None) -> Filters:
    """The filter fields as typed; a FilterError names the field and the format."""
    dates: list[date | None] = []
    for label, value in (("Published from", published_from), ("Published to", published_to)):
        value = (value or "").strip()
        try:
            dates.append(date.fromisoformat(value) if value else None)
        except ValueError:
            raise FilterError(f"{label}: {value[:40]!r} is not a date like 2017-02-07.") from None
    if dates[0] and dates[1] and dates[0] > dates[1]:
        raise FilterError("Published from must not be after Published to.")
    return Filters(source=(source or "").strip() or None, published_from=dates[0], published_to=dates[1])


@dataclass(frozen=True)
class Outlet:
    source: str  # what the filter matches: a document's ``source``
    name: str  # the outlet's name (``metadata.outlet``) when the articles give one, else the source
    count: int

    @property
    def label(self) -> str:
        named = self.name if self.name == self.source else f"{self.name} ({self.source})"
        return f"{named} · {self.count:,}"


def outlets(engine: Newsdesk) -> list[Outlet]:
    """Every source in the index with its outlet's name and article count, biggest first."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    offset = 0
    while page := engine.catalog.list_documents(limit=1000, offset=offset):
        for record in page:
            if record.source:
                counts[record.source] = counts.get(record.source, 0) + 1
                names.setdefault(record.source, Source.of(record).outlet or record.source)
        offset += len(page)
    ordered = sorted(counts, key=lambda source: (-counts[source], source))
    return [Outlet(source, names[source], counts[source]) for source in ordered]


def outlet_choices(found: list[Outlet]) -> list[tuple[str, str]]:
    return [ALL_OUTLETS, *((outlet.label, outlet.source) for outlet in found)]


def document_rows(sources: list[Source]) -> str:
    """The panel's list: title (to the article view), outlet, date, id; one block per row so it wraps."""
    if not sources:
        return '<p class="nd-empty">No article matches.</p>'
    rows = []
    for source in sources:
        bits = [esc(source.outlet)] if source.outlet else []
        if source.published:
            bits.append(
                f'<time datetime="{source.published.isoformat()}">{format_date(source.published)}</time>'
            )
        bits.append(f'<code class="nd-id">{esc(source.doc_id)}</code>')
        rows.append(
            f'<li class="nd-doc"><a class="nd-title" href="{esc(article_link(source.doc_id))}">'
            f'{esc(flat(source.title))}</a><div class="nd-meta">{" · ".join(bits)}</div></li>'
        )
    return f'<ol class="nd-docs">{"".join(rows)}</ol>'


def list_page(engine: Newsdesk, filters: Filters, page: int) -> tuple[list[Source], int]:
    """One page of the indexed articles (in id order) and how many match in all."""
    where = filters.document_filter()
    records = engine.catalog.list_documents(where, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    return [Source.of(r) for r in records], engine.catalog.count_documents(where)


def search_documents(engine: Newsdesk, query: str, filters: Filters) -> list[Source]:
    """The articles holding the words of ``query``, best BM25 match first (the chat's keyword index).

    Keyword search, not the chat's hybrid retrieval: dense retrieval ranks every article, so a search
    box fed by it would list articles that share none of the words typed."""
    nodes = engine.keyword_retriever.retrieve(NewsQuery(query_str=query, filters=filters.document_filter()))
    doc_ids = list(dict.fromkeys(node.node.metadata["doc_id"] for node in nodes))[:PAGE_SIZE]
    records = [engine.catalog.get_document(doc_id, with_text=False) for doc_id in doc_ids]
    return [Source.of(r) for r in records if r is not None]


def may_write(settings: Settings, authorization: str | None) -> bool:
    """Whether the API would let this request's key add or delete documents."""
    if not settings.all_keys:
        return True
    key = key_from_authorization(authorization or "")
    return key in (set(settings.admin_keys) or settings.all_keys)


def add_article_file(engine: Newsdesk, path: str, source: str | None = None, url: str | None = None) -> str:
    """Index one uploaded article file; a sentence saying what happened (or what is wrong with it)."""
    name = Path(path).name
    limit = engine.settings.max_file_bytes
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if name.lower().endswith((".jsonl", ".ndjson")):
        return "A JSONL file holds many articles: send it to POST /v1/ingest or `newsdesk ingest`."
    items = list(load_bytes(data, name, max_file_bytes=limit))
    if len(items) != 1 or isinstance(items[0], LoadError):
        problem = items[0].message if items and isinstance(items[0], LoadError) else "no article in the file"
        return f"Not added: {problem}."
    overrides = {
        key: value.strip() for key, value in {"source": source, "url": url}.items() if value and value.strip()
    }
    article = replace(items[0], **overrides)
    try:
        report = engine.ingest_articles([article])
    except InvalidDocumentError as error:
        return f"Not added: {error.field}: {error.message}."
    if report.failed:
        return f"Not added: {report.failed[0].message}."
    outcome = "added" if report.added else "replaced" if report.replaced else "unchanged (same content)"
    title = textwrap.shorten(article.title, width=80, placeholder="…")
    return f"{article.id} {outcome}: {title}"


def delete_article(engine: Newsdesk, doc_id: str) -> str:
    doc_id = (doc_id or "").strip()
    if not doc_id:
        return "Type the id of the article to delete (it is shown under each title)."
    try:
        validate_doc_id(doc_id)
    except InvalidDocumentError as error:
        return f"Not deleted: {error.message}."
    if not engine.delete([doc_id]):
        return f"Not deleted: no article has the id {doc_id!r}."
    return f"{doc_id} deleted from every index."
