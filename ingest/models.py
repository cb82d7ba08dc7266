"""The plain records that flow through ingestion: a loaded article, a cleaned document, a chunk."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Ids end up in URLs, Chroma ids and file names: keep them to a safe, printable alphabet.
DOC_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")


class InvalidDocumentError(ValueError):
    """A document that cannot be ingested; ``field`` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def validate_doc_id(doc_id: str) -> str:
    # fullmatch: with match(), "$" would also accept the id followed by a newline.
    if not isinstance(doc_id, str) or not DOC_ID_PATTERN.fullmatch(doc_id):
        raise InvalidDocumentError(
            "id",
            f"{doc_id!r} is not a valid document id: use 1-200 letters, digits, '.', '_', '~' or '-', "
            "starting with a letter or digit (no path separators, spaces or control characters)",
        )
    return doc_id


@dataclass(frozen=True)
class Article:
    """An article as loaded from a file or a request, before cleaning."""

    id: str
    title: str
    body: str
    url: str | None = None
    source: str | None = None
    published: date | None = None
    byline: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    origin: str = ""  # where it came from (a path, "api"), for error messages


@dataclass(frozen=True)
class Document:
    """A cleaned article: ``text`` is the reference text that every chunk and citation offset points into."""

    id: str
    title: str
    text: str
    url: str | None = None
    source: str | None = None
    published: date | None = None
    byline: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Changes whenever anything a reader could see changes: text, title or metadata."""
        payload = json.dumps(
            {
                "title": self.title,
                "text": self.text,
                "url": self.url,
                "source": self.source,
                "published": self.published.isoformat() if self.published else None,
                "byline": self.byline,
                "metadata": self.metadata,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one document: ``text == document.text[start:end]``."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
