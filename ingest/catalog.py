"""The catalog: documents, their chunks' offsets, and the write journal, in one SQLite database.

The catalog is the source of truth. The vector store and the keyword index are derived indexes that may
briefly hold chunks of a version the catalog no longer (or not yet) points to; every search result is joined
against the catalog, so a query only ever sees the current version of each document. Switching a document to
its new version is one SQLite transaction.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ingest.models import Chunk, Document

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published TEXT,
    byline TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL,
    version TEXT NOT NULL,
    chunk_count INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source);
CREATE INDEX IF NOT EXISTS documents_published ON documents (published);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
-- One row per document whose index writes are in flight: what to undo or finish after a crash.
CREATE TABLE IF NOT EXISTS pending_writes (
    doc_id TEXT PRIMARY KEY,
    old_version TEXT,
    old_chunk_count INTEGER,
    new_version TEXT,
    new_chunk_count INTEGER,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- A vector per sentence of each chunk (late chunking): int32 start offsets and float16 vectors, in order.
CREATE TABLE IF NOT EXISTS sentence_vectors (
    chunk_id TEXT PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
    starts BLOB NOT NULL,
    vectors BLOB NOT NULL
);
"""


def chunk_id(doc_id: str, version: str, index: int) -> str:
    return f"{doc_id}@{version}#{index}"


def version_key(doc_id: str, version: str) -> str:
    return f"{doc_id}@{version}"


def chunk_ids(doc_id: str, version: str, count: int) -> list[str]:
    return [chunk_id(doc_id, version, i) for i in range(count)]


@dataclass(frozen=True)
class DocumentRecord:
    id: str
    title: str
    url: str | None
    source: str | None
    published: date | None
    byline: str | None
    metadata: dict[str, Any]
    content_hash: str
    version: str
    chunk_count: int
    ingested_at: str
    text: str | None = None


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk as search results need it: where it is, and its exact text."""

    id: str
    doc_id: str
    title: str
    index: int
    start: int
    end: int
    text: str
    published: date | None
    source: str | None
    title_derived: bool = False  # an untitled article's first sentence: the text opens with no headline


@dataclass(frozen=True)
class SentenceVectors:
    """The vectors of a chunk's sentences, keyed by each sentence's start offset in the document."""

    starts: np.ndarray  # int32
    vectors: np.ndarray  # float16, one row per start

    def by_start(self) -> dict[int, np.ndarray]:
        return {int(s): self.vectors[i] for i, s in enumerate(self.starts)}


@dataclass(frozen=True)
class PendingWrite:
    doc_id: str
    old_version: str | None
    old_chunk_count: int
    new_version: str | None
    new_chunk_count: int


@dataclass(frozen=True)
class DocumentFilter:
    """Which documents a listing or a search may return."""

    doc_ids: tuple[str, ...] | None = None
    source: str | None = None
    published_from: date | None = None
    published_to: date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.doc_ids is not None or self.source or self.published_from or self.published_to)


def _to_date(value: date | str | None) -> date | None:
    """SQLite keeps dates as ISO text, PostgreSQL as dates."""
    if isinstance(value, date) or value is None:
        return value
    return date.fromisoformat(value) if value else None


def chunk_record(row: Mapping[str, Any]) -> ChunkRecord:
    """A chunk joined with its document's fields, from either catalog's row."""
    return ChunkRecord(
        id=row["id"],
        doc_id=row["doc_id"],
        title=row["title"],
        index=row["idx"],
        start=row["start_char"],
        end=row["end_char"],
        text=row["text"],
        published=_to_date(row["published"]),
        source=row["source"],
        title_derived=bool(json.loads(row["metadata"] or "{}").get("title_derived")),
    )


def document_record(row: Mapping[str, Any], text: str | None) -> DocumentRecord:
    """A document's record from either catalog's row (``text`` only when it was asked for)."""
    return DocumentRecord(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
        published=_to_date(row["published"]),
        byline=row["byline"],
        metadata=json.loads(row["metadata"] or "{}"),
        content_hash=row["content_hash"],
        version=row["version"],
        chunk_count=row["chunk_count"],
        ingested_at=row["ingested_at"],
        text=text,
    )


class CatalogStore(Protocol):
    """What the indexer, the retrievers and the API need of a catalog: :class:`Catalog` (SQLite, one host's
    disk, the default) and :class:`ingest.catalog_postgres.PostgresCatalog` (shared by every host)."""

    def count_documents(self, where: DocumentFilter | None = None) -> int: ...
    def count_chunks(self) -> int: ...
    def hashes(self, doc_ids: Sequence[str]) -> dict[str, tuple[str, str, int]]: ...
    def get_document(self, doc_id: str, with_text: bool = True) -> DocumentRecord | None: ...
    def list_documents(
        self, where: DocumentFilter | None = None, limit: int = 100, offset: int = 0
    ) -> list[DocumentRecord]: ...
    def iter_document_ids(self) -> Iterator[str]: ...
    def current_chunk_ids(self, among: Sequence[str] | None = None) -> set[str]: ...
    def current_versions(self) -> dict[str, tuple[str, int]]: ...
    def chunk_row_counts(self) -> dict[str, int]: ...
    def chunk_records(self, ids: Sequence[str]) -> dict[str, ChunkRecord]: ...
    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]: ...
    def document_texts(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, str]]: ...
    def pending_writes(self) -> list[PendingWrite]: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def begin_writes(self, pending: Sequence[PendingWrite]) -> None: ...
    def switch_versions(
        self,
        documents: Sequence[tuple[Document, str, Sequence[Chunk]]],
        deleted: Sequence[str] = (),
        sentence_vectors: Mapping[str, SentenceVectors] | None = None,
    ) -> None: ...
    def end_writes(self, doc_ids: Sequence[str]) -> None: ...
    def close(self) -> None: ...


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.connection.executescript(SCHEMA)

    @property
    def connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE in transaction().
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            self._local.connection = connection
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # --- reads -------------------------------------------------------------------------------------------

    def count_documents(self, where: DocumentFilter | None = None) -> int:
        clause, params = self._where(where)
        return self.connection.execute(f"SELECT count(*) FROM documents {clause}", params).fetchone()[0]

    def count_chunks(self) -> int:
        return self.connection.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def hashes(self, doc_ids: Sequence[str]) -> dict[str, tuple[str, str, int]]:
        """``doc_id -> (content_hash, version, chunk_count)`` for the documents that exist."""
        rows = self._rows_among(
            "SELECT id, content_hash, version, chunk_count FROM documents WHERE id IN {}", doc_ids
        )
        return {row["id"]: (row["content_hash"], row["version"], row["chunk_count"]) for row in rows}

    def get_document(self, doc_id: str, with_text: bool = True) -> DocumentRecord | None:
        row = self.connection.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return self._document(row, with_text) if row else None

    def list_documents(
        self, where: DocumentFilter | None = None, limit: int = 100, offset: int = 0
    ) -> list[DocumentRecord]:
        clause, params = self._where(where)
        rows = self.connection.execute(
            "SELECT id, title, url, source, published, byline, metadata, content_hash, version, "
            f"chunk_count, ingested_at FROM documents {clause} ORDER BY id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [self._document(row, with_text=False) for row in rows]

    def iter_document_ids(self) -> Iterator[str]:
        for row in self.connection.execute("SELECT id FROM documents ORDER BY id"):
            yield row[0]

    def current_chunk_ids(self, among: Sequence[str] | None = None) -> set[str]:
        """Every current chunk's id, or those of ``among`` that are current.

        Checking ``among`` reads the primary-key index alone, several times cheaper than reading the whole
        records.
        """
        if among is None:
            return {row[0] for row in self.connection.execute("SELECT id FROM chunks")}
        return {row[0] for row in self._rows_among("SELECT id FROM chunks WHERE id IN {}", among)}

    def current_versions(self) -> dict[str, tuple[str, int]]:
        return {
            row[0]: (row[1], row[2])
            for row in self.connection.execute("SELECT id, version, chunk_count FROM documents")
        }

    def chunk_row_counts(self) -> dict[str, int]:
        """``doc_id -> number of chunk rows``; each should equal the document's recorded ``chunk_count``."""
        return {
            row[0]: row[1]
            for row in self.connection.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id")
        }

    def chunk_records(self, ids: Sequence[str]) -> dict[str, ChunkRecord]:
        """The current chunks among ``ids``; ids of replaced or deleted versions are simply absent."""
        rows = self._rows_among(
            "SELECT c.id, c.doc_id, c.idx, c.start_char, c.end_char, d.title, d.published, d.source, "
            "d.metadata, substr(d.text, c.start_char + 1, c.end_char - c.start_char) AS text "
            "FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id IN {}",
            ids,
        )
        return {row["id"]: chunk_record(row) for row in rows}

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        """Sentence vectors of these chunks. Chunks indexed before they existed have none; nor does one whose
        record holds no sentence (written before a sentence cut across chunks counted as one): the answerer
        ranks their sentences by their words alone."""
        found: dict[str, SentenceVectors] = {}
        for row in self._rows_among(
            "SELECT chunk_id, starts, vectors FROM sentence_vectors WHERE chunk_id IN {}", chunk_ids
        ):
            if (vectors := decode_sentence_vectors(row[1], row[2])) is not None:
                found[row[0]] = vectors
        return found

    def document_texts(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """``doc_id -> (version, text)``."""
        rows = self._rows_among(
            "SELECT id, version, text FROM documents WHERE id IN {}", dict.fromkeys(doc_ids)
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    def _rows_among(self, query: str, ids: Iterable[str]) -> Iterator[sqlite3.Row]:
        """Rows of ``query``, whose ``{}`` stands for the ids' placeholder list, in batches of 500: SQLite
        caps the parameters of one statement."""
        for batch in _batches(list(ids), 500):
            yield from self.connection.execute(query.format("(" + ",".join("?" * len(batch)) + ")"), batch)

    def pending_writes(self) -> list[PendingWrite]:
        return [
            PendingWrite(
                doc_id=row["doc_id"],
                old_version=row["old_version"],
                old_chunk_count=row["old_chunk_count"] or 0,
                new_version=row["new_version"],
                new_chunk_count=row["new_chunk_count"] or 0,
            )
            for row in self.connection.execute("SELECT * FROM pending_writes")
        ]

    def get_meta(self, key: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # --- writes ------------------------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as connection:
            connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def begin_writes(self, pending: Sequence[PendingWrite]) -> None:
        """Journal the writes about to reach the indexes, before any of them does."""
        now = datetime.now(UTC).isoformat()
        with self.transaction() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO pending_writes VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (p.doc_id, p.old_version, p.old_chunk_count, p.new_version, p.new_chunk_count, now)
                    for p in pending
                ],
            )

    def switch_versions(
        self,
        documents: Sequence[tuple[Document, str, Sequence[Chunk]]],
        deleted: Sequence[str] = (),
        sentence_vectors: Mapping[str, SentenceVectors] | None = None,
    ) -> None:
        """Make the new versions current (and remove ``deleted``) in one transaction.

        ``sentence_vectors`` (by chunk id) go in with the chunks they belong to; deleting a chunk row deletes
        them.
        """
        now = datetime.now(UTC).isoformat()
        with self.transaction() as connection:
            for doc_id in deleted:
                connection.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
                connection.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            for document, version, chunks in documents:
                connection.execute("DELETE FROM chunks WHERE doc_id = ?", (document.id,))
                connection.execute(
                    "INSERT OR REPLACE INTO documents (id, title, text, url, source, published, byline, "
                    "metadata, content_hash, version, chunk_count, ingested_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        document.id,
                        document.title,
                        document.text,
                        document.url,
                        document.source,
                        document.published.isoformat() if document.published else None,
                        document.byline,
                        json.dumps(document.metadata, ensure_ascii=False, default=str),
                        document.content_hash,
                        version,
                        len(chunks),
                        now,
                    ),
                )
                connection.executemany(
                    "INSERT INTO chunks (id, doc_id, idx, start_char, end_char) VALUES (?, ?, ?, ?, ?)",
                    [
                        (chunk_id(document.id, version, c.index), document.id, c.index, c.start, c.end)
                        for c in chunks
                    ],
                )
                rows = sentence_vector_rows(document.id, version, chunks, sentence_vectors)
                connection.executemany("INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)", rows)

    def end_writes(self, doc_ids: Sequence[str]) -> None:
        with self.transaction() as connection:
            connection.executemany("DELETE FROM pending_writes WHERE doc_id = ?", [(d,) for d in doc_ids])

    # --- helpers -----------------------------------------------------------------------------------------

    @staticmethod
    def _where(where: DocumentFilter | None) -> tuple[str, list[Any]]:
        if where is None or where.is_empty:
            return "", []
        clauses: list[str] = []
        params: list[Any] = []
        if where.doc_ids is not None:
            clauses.append(f"id IN ({','.join('?' * len(where.doc_ids))})")
            params.extend(where.doc_ids)
        if where.source:
            clauses.append("source = ?")
            params.append(where.source)
        if where.published_from:
            clauses.append("published >= ?")
            params.append(where.published_from.isoformat())
        if where.published_to:
            clauses.append("published <= ?")
            params.append(where.published_to.isoformat())
        return "WHERE " + " AND ".join(clauses), params

    @staticmethod
    def _document(row: sqlite3.Row, with_text: bool) -> DocumentRecord:
        text = row["text"] if with_text and "text" in row.keys() else None  # noqa: SIM118 (sqlite3.Row)
        return document_record(row, text)


def decode_sentence_vectors(starts: bytes, vectors: bytes) -> SentenceVectors | None:
    """A stored record, or ``None`` for an empty or torn one (its vectors do not fill whole rows)."""
    offsets = np.frombuffer(starts, dtype=np.int32)
    values = np.frombuffer(vectors, dtype=np.float16)
    if len(offsets) and len(values) and len(values) % len(offsets) == 0:
        return SentenceVectors(offsets, values.reshape(len(offsets), -1))
    return None


def sentence_vector_rows(
    doc_id: str, version: str, chunks: Sequence[Chunk], sentence_vectors: Mapping[str, SentenceVectors] | None
) -> list[tuple[str, bytes, bytes]]:
    """``(chunk id, int32 starts, float16 vectors)`` for the chunks that have sentence vectors; an empty
    record is never written."""
    return [
        (cid, vectors.starts.astype(np.int32).tobytes(), vectors.vectors.astype(np.float16).tobytes())
        for cid in (chunk_id(doc_id, version, c.index) for c in chunks)
        if sentence_vectors and (vectors := sentence_vectors.get(cid)) is not None and len(vectors.starts)
    ]


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
