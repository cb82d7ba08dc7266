"""The catalog in PostgreSQL: the twin of :class:`ingest.catalog.Catalog` that every API host shares.

Same tables, same write journal, same contract (:class:`ingest.catalog.CatalogStore`): the catalog is the
source of truth, every search hit is joined against it, and switching a document to its new version is one
transaction, which every host sees as soon as it commits. Ids sort in byte order (``COLLATE "C"``), as
SQLite sorts them, so listings page the same way on either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from ingest.catalog import (
    ChunkRecord,
    DocumentFilter,
    DocumentRecord,
    PendingWrite,
    SentenceVectors,
    chunk_id,
    chunk_record,
    decode_sentence_vectors,
    document_record,
    sentence_vector_rows,
)
from ingest.models import Chunk, Document
from ingest.postgres import create_schema

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT COLLATE "C" PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published DATE,
    byline TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',  -- JSON as text: it keeps any string, which jsonb would not
    content_hash TEXT NOT NULL,
    version TEXT NOT NULL,
    chunk_count INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source);
CREATE INDEX IF NOT EXISTS documents_published ON documents (published);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT COLLATE "C" PRIMARY KEY,
    doc_id TEXT COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
CREATE TABLE IF NOT EXISTS pending_writes (
    doc_id TEXT COLLATE "C" PRIMARY KEY,
    old_version TEXT,
    old_chunk_count INTEGER,
    new_version TEXT,
    new_chunk_count INTEGER,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    chunk_id TEXT COLLATE "C" PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
    starts BYTEA NOT NULL,
    vectors BYTEA NOT NULL
);
"""

JOURNAL_WRITE = """
INSERT INTO pending_writes VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (doc_id) DO UPDATE SET
    old_version = EXCLUDED.old_version, old_chunk_count = EXCLUDED.old_chunk_count,
    new_version = EXCLUDED.new_version, new_chunk_count = EXCLUDED.new_chunk_count,
    started_at = EXCLUDED.started_at
"""
DOCUMENT_COLUMNS = (
    "id, title, url, source, published, byline, metadata, content_hash, version, chunk_count, ingested_at"
)
ID_PAGE = 10_000


class PostgresCatalog:
    """The catalog on a connection pool; it owns the pool (the keyword index and job queue borrow it)."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        create_schema(pool, SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self.pool.connection() as connection, connection.transaction():
            yield connection

    def close(self) -> None:
        self.pool.close()

    def _all(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
        with self.pool.connection() as connection:
            return connection.execute(query, params).fetchall()

    # --- reads -------------------------------------------------------------------------------------------

    def count_documents(self, where: DocumentFilter | None = None) -> int:
        clause, params = _where(where)
        return self._all(f"SELECT count(*) AS n FROM documents {clause}", params)[0]["n"]

    def count_chunks(self) -> int:
        return self._all("SELECT count(*) AS n FROM chunks")[0]["n"]

    def hashes(self, doc_ids: Sequence[str]) -> dict[str, tuple[str, str, int]]:
        """``doc_id -> (content_hash, version, chunk_count)`` for the documents that exist."""
        rows = self._all(
            "SELECT id, content_hash, version, chunk_count FROM documents WHERE id = ANY(%s)",
            (list(doc_ids),),
        )
        return {row["id"]: (row["content_hash"], row["version"], row["chunk_count"]) for row in rows}

    def get_document(self, doc_id: str, with_text: bool = True) -> DocumentRecord | None:
        columns = f"{DOCUMENT_COLUMNS}, text" if with_text else DOCUMENT_COLUMNS
        rows = self._all(f"SELECT {columns} FROM documents WHERE id = %s", (doc_id,))
        return _document(rows[0]) if rows else None

    def list_documents(
        self, where: DocumentFilter | None = None, limit: int = 100, offset: int = 0
    ) -> list[DocumentRecord]:
        clause, params = _where(where)
        rows = self._all(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents {clause} ORDER BY id LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [_document(row) for row in rows]

    def iter_document_ids(self) -> Iterator[str]:
        # Keyset pages: no connection is held while the caller works between pages.
        last = ""
        while True:
            rows = self._all("SELECT id FROM documents WHERE id > %s ORDER BY id LIMIT %s", (last, ID_PAGE))
            yield from (row["id"] for row in rows)
            if len(rows) < ID_PAGE:
                return
            last = rows[-1]["id"]

    def current_chunk_ids(self, among: Sequence[str] | None = None) -> set[str]:
        """Every current chunk's id, or those of ``among`` that are current (the primary key alone)."""
        if among is None:
            return {row["id"] for row in self._all("SELECT id FROM chunks")}
        return {row["id"] for row in self._all("SELECT id FROM chunks WHERE id = ANY(%s)", (list(among),))}

    def current_versions(self) -> dict[str, tuple[str, int]]:
        rows = self._all("SELECT id, version, chunk_count FROM documents")
        return {row["id"]: (row["version"], row["chunk_count"]) for row in rows}

    def chunk_row_counts(self) -> dict[str, int]:
        rows = self._all("SELECT doc_id, count(*) AS n FROM chunks GROUP BY doc_id")
        return {row["doc_id"]: row["n"] for row in rows}

    def chunk_records(self, ids: Sequence[str]) -> dict[str, ChunkRecord]:
        """The current chunks among ``ids``; ids of replaced or deleted versions are simply absent."""
        # substr counts characters, as Python slices do: the text is exactly document.text[start:end].
        rows = self._all(
            "SELECT c.id, c.doc_id, c.idx, c.start_char, c.end_char, d.title, d.published, d.source, "
            "d.metadata, substr(d.text, c.start_char + 1, c.end_char - c.start_char) AS text "
            "FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = ANY(%s)",
            (list(ids),),
        )
        return {row["id"]: chunk_record(row) for row in rows}

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        """Sentence vectors of these chunks; an empty or torn record reads as none."""
        rows = self._all(
            "SELECT chunk_id, starts, vectors FROM sentence_vectors WHERE chunk_id = ANY(%s)",
            (list(chunk_ids),),
        )
        found: dict[str, SentenceVectors] = {}
        for row in rows:
            if (vectors := decode_sentence_vectors(bytes(row["starts"]), bytes(row["vectors"]))) is not None:
                found[row["chunk_id"]] = vectors
        return found

    def document_texts(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """``doc_id -> (version, text)``."""
        rows = self._all(
            "SELECT id, version, text FROM documents WHERE id = ANY(%s)", (list(dict.fromkeys(doc_ids)),)
        )
        return {row["id"]: (row["version"], row["text"]) for row in rows}

    def pending_writes(self) -> list[PendingWrite]:
        return [
            PendingWrite(
                doc_id=row["doc_id"],
                old_version=row["old_version"],
                old_chunk_count=row["old_chunk_count"] or 0,
                new_version=row["new_version"],
                new_chunk_count=row["new_chunk_count"] or 0,
            )
            for row in self._all("SELECT * FROM pending_writes ORDER BY doc_id")
        ]

    def get_meta(self, key: str) -> str | None:
        rows = self._all("SELECT value FROM meta WHERE key = %s", (key,))
        return rows[0]["value"] if rows else None

    # --- writes ------------------------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as connection:
            connection.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = "
                "EXCLUDED.value",
                (key, value),
            )

    def begin_writes(self, pending: Sequence[PendingWrite]) -> None:
        """Journal the writes about to reach the indexes, before any of them does."""
        now = datetime.now(UTC).isoformat()
        with self.transaction() as connection, connection.cursor() as cursor:
            cursor.executemany(
                JOURNAL_WRITE,
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
        """Make the new versions current (and remove ``deleted``) in one transaction; chunk rows and their
        sentence vectors go with their document."""
        now = datetime.now(UTC).isoformat()
        with self.transaction() as connection, connection.cursor() as cursor:
            if deleted:
                cursor.execute("DELETE FROM documents WHERE id = ANY(%s)", (list(deleted),))
            for document, version, chunks in documents:
                cursor.execute("DELETE FROM chunks WHERE doc_id = %s", (document.id,))
                cursor.execute(
                    f"INSERT INTO documents ({DOCUMENT_COLUMNS}, text) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                    "title = EXCLUDED.title, url = EXCLUDED.url, source = EXCLUDED.source, "
                    "published = EXCLUDED.published, byline = EXCLUDED.byline, metadata = EXCLUDED.metadata, "
                    "content_hash = EXCLUDED.content_hash, version = EXCLUDED.version, "
                    "chunk_count = EXCLUDED.chunk_count, ingested_at = EXCLUDED.ingested_at, "
                    "text = EXCLUDED.text",
                    (
                        document.id,
                        document.title,
                        document.url,
                        document.source,
                        document.published,
                        document.byline,
                        json.dumps(document.metadata, ensure_ascii=False, default=str),
                        document.content_hash,
                        version,
                        len(chunks),
                        now,
                        document.text,
                    ),
                )
                cursor.executemany(
                    "INSERT INTO chunks (id, doc_id, idx, start_char, end_char) VALUES (%s, %s, %s, %s, %s)",
                    [
                        (chunk_id(document.id, version, c.index), document.id, c.index, c.start, c.end)
                        for c in chunks
                    ],
                )
                cursor.executemany(
                    "INSERT INTO sentence_vectors VALUES (%s, %s, %s) ON CONFLICT (chunk_id) DO UPDATE SET "
                    "starts = EXCLUDED.starts, vectors = EXCLUDED.vectors",
                    sentence_vector_rows(document.id, version, chunks, sentence_vectors),
                )

    def end_writes(self, doc_ids: Sequence[str]) -> None:
        with self.transaction() as connection:
            connection.execute("DELETE FROM pending_writes WHERE doc_id = ANY(%s)", (list(doc_ids),))


def _where(where: DocumentFilter | None) -> tuple[str, list[Any]]:
    if where is None or where.is_empty:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    if where.doc_ids is not None:
        clauses.append("id = ANY(%s)")
        params.append(list(where.doc_ids))
    if where.source:
        clauses.append("source = %s")
        params.append(where.source)
    if where.published_from:
        clauses.append("published >= %s")
        params.append(where.published_from)
    if where.published_to:
        clauses.append("published <= %s")
        params.append(where.published_to)
    return "WHERE " + " AND ".join(clauses), params


def _document(row: Mapping[str, Any]) -> DocumentRecord:
    return document_record(row, row.get("text"))
