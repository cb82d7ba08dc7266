"""BM25 over chunks in PostgreSQL: the twin of :class:`ingest.keyword_index.KeywordIndex` every host shares.

Why not Chroma's sparse BM25 index: the open-source ``chroma run`` server of the pinned chromadb refuses it
("Sparse vector indexing is not enabled in local"); only Chroma's distributed deployment has it. Why not
PostgreSQL's own full-text ranking: ``ts_rank_cd`` has no inverse document frequency, so a question's rare
name weighs no more than its common words (docs/shared-stores.md has the measured difference). No BM25
extension (pg_search, VectorChord-BM25, pg_textsearch) is packaged for Debian's PostgreSQL.

So BM25 is computed in SQL from a postings table, with the very analyzer tantivy uses (``analyze``:
lowercased, folded, stopwords out, English stems) and tantivy's formula (k1 1.2, b 0.75, Lucene's idf, the
title a second field weighted 0.3): the same terms and, up to tantivy's one-byte length encoding, the same
scores. A search reads only the postings of the question's terms; document frequencies are counted from
those same rows, and the corpus size and mean field lengths are kept in one row updated in every writer's
transaction, so a search sees the statistics of exactly the chunks it can find.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from ingest.catalog import DocumentFilter
from ingest.keyword_index import KeywordEntry, analyze
from ingest.postgres import create_schema

K1 = 1.2
B = 0.75
TEXT, TITLE = 0, 1
ID_PAGE = 10_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS keyword_chunks (
    chunk_id TEXT COLLATE "C" PRIMARY KEY,
    version_key TEXT COLLATE "C" NOT NULL,
    doc_id TEXT COLLATE "C" NOT NULL,
    source TEXT,
    published DATE,
    text_length INTEGER NOT NULL,
    title_length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS keyword_chunks_version ON keyword_chunks (version_key);
-- One row per (field, term, chunk); the field's length (as tantivy encodes it) is repeated here, so that
-- scoring reads postings alone.
CREATE TABLE IF NOT EXISTS keyword_postings (
    field SMALLINT NOT NULL,
    term TEXT COLLATE "C" NOT NULL,
    chunk_id TEXT COLLATE "C" NOT NULL REFERENCES keyword_chunks (chunk_id) ON DELETE CASCADE,
    tf INTEGER NOT NULL,
    length INTEGER NOT NULL,
    PRIMARY KEY (field, term, chunk_id) INCLUDE (tf, length)
);
CREATE INDEX IF NOT EXISTS keyword_postings_chunk ON keyword_postings (chunk_id);
CREATE TABLE IF NOT EXISTS keyword_stats (
    id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    chunks BIGINT NOT NULL,
    text_terms BIGINT NOT NULL,
    title_terms BIGINT NOT NULL
);
INSERT INTO keyword_stats VALUES (TRUE, 0, 0, 0) ON CONFLICT DO NOTHING;
"""

# Plain float8 arithmetic throughout (numeric is several times slower per posting); document frequencies
# by a window over the same postings, so they are read once, from the primary key alone (it carries tf and
# length: an index-only scan).
SEARCH = """
WITH stats AS (
    SELECT chunks::float8 AS n,
           greatest(text_terms::float8 / greatest(chunks, 1), 1e-9) AS avg_text,
           greatest(title_terms::float8 / greatest(chunks, 1), 1e-9) AS avg_title
    FROM keyword_stats
),
hits AS (
    SELECT field, chunk_id, tf, length, count(*) OVER (PARTITION BY field, term) AS df
    FROM keyword_postings
    WHERE field = ANY(%(fields)s) AND term = ANY(%(terms)s)
)
SELECT h.chunk_id,
       sum(CASE WHEN h.field = 1 THEN %(title_weight)s::float8 ELSE 1.0::float8 END
           * ln(1.0::float8 + (s.n - h.df + 0.5) / (h.df + 0.5))
           * h.tf * (%(k1)s::float8 + 1)
           / (h.tf + %(k1)s::float8 * (1 - %(b)s::float8 + %(b)s::float8 * h.length
               / CASE WHEN h.field = 1 THEN s.avg_title ELSE s.avg_text END))) AS score
FROM hits h CROSS JOIN stats s {join}
GROUP BY h.chunk_id
ORDER BY score DESC, h.chunk_id
LIMIT %(k)s
"""


# Tantivy (as Lucene) stores a field's length in one byte: exact up to 23, then 4 significant bits.
_EXACT_LENGTHS = 24


def fieldnorm(length: int) -> int:
    """The field length tantivy scores with: ``length`` rounded down to a value its one byte can hold."""
    if length < _EXACT_LENGTHS:
        return length
    rest = length - _EXACT_LENGTHS
    shift = max(0, rest.bit_length() - 4)
    return _EXACT_LENGTHS + ((rest >> shift) << shift)


class PostgresKeywordIndex:
    """Keyword search on the catalog's connection pool (borrowed: closing the catalog closes it)."""

    def __init__(self, pool: ConnectionPool, title_weight: float = 0.3) -> None:
        self.pool = pool
        self.title_weight = title_weight
        create_schema(pool, SCHEMA)

    @contextmanager
    def writer(self) -> Iterator[PostgresKeywordWriter]:
        """One transaction: everything added or deleted inside it commits together, or not at all."""
        with self.pool.connection() as connection, connection.transaction():
            session = PostgresKeywordWriter(connection)
            yield session
            session.update_stats()

    def close(self) -> None:
        """Nothing of its own to close: the pool is the catalog's."""

    def _all(self, query: str, params: Any = ()) -> list[dict[str, Any]]:
        with self.pool.connection() as connection:
            return connection.execute(query, params).fetchall()

    def count(self) -> int:
        return self._all("SELECT chunks FROM keyword_stats")[0]["chunks"]

    def doc_freqs(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many chunks contain each analysed term, and how many chunks there are."""
        wanted = sorted(set(terms))
        rows = self._all(
            "SELECT term, count(*) AS df FROM keyword_postings WHERE field = 0 AND term = ANY(%s) "
            "GROUP BY term",
            (wanted,),
        )
        found = {row["term"]: row["df"] for row in rows}
        return {term: found.get(term, 0) for term in wanted}, self.count()

    def search(self, query_text: str, k: int, where: DocumentFilter | None = None) -> list[tuple[str, float]]:
        """Best chunks for the query as ``(chunk id, BM25 score)``, ties in chunk id order."""
        terms = list(dict.fromkeys(analyze(query_text)))
        if not terms or k <= 0:
            return []
        join, filters = _filter_join(where)
        params: dict[str, Any] = {
            "fields": [TEXT, TITLE] if self.title_weight > 0 else [TEXT],
            "terms": terms,
            "title_weight": self.title_weight,
            "k1": K1,
            "b": B,
            "k": k,
            **filters,
        }
        rows = self._all(SEARCH.format(join=join), params)
        return [(row["chunk_id"], float(row["score"])) for row in rows]

    def iter_ids(self) -> Iterator[str]:
        last = ""
        while True:
            rows = self._all(
                "SELECT chunk_id FROM keyword_chunks WHERE chunk_id > %s ORDER BY chunk_id LIMIT %s",
                (last, ID_PAGE),
            )
            yield from (row["chunk_id"] for row in rows)
            if len(rows) < ID_PAGE:
                return
            last = rows[-1]["chunk_id"]


class PostgresKeywordWriter:
    """Adds and deletes inside one transaction, keeping the corpus statistics that BM25 needs."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection
        self._chunks = 0
        self._text_terms = 0
        self._title_terms = 0

    def add(self, entries: Sequence[KeywordEntry]) -> None:
        """Index ``entries``; a chunk id already indexed is replaced, never held twice."""
        if not entries:
            return
        self._delete("chunk_id = ANY(%s)", [entry.chunk_id for entry in entries])
        titles: dict[str, Counter[str]] = {}
        chunks: list[tuple[Any, ...]] = []
        postings: list[tuple[Any, ...]] = []
        for entry in entries:
            text_terms = Counter(analyze(entry.text))
            title_terms = titles.get(entry.title)
            if title_terms is None:
                title_terms = titles[entry.title] = Counter(analyze(entry.title))
            text_length, title_length = text_terms.total(), title_terms.total()
            chunks.append(
                (
                    entry.chunk_id,
                    entry.version_key,
                    entry.doc_id,
                    entry.source,
                    entry.published,
                    text_length,
                    title_length,
                )
            )
            text_norm, title_norm = fieldnorm(text_length), fieldnorm(title_length)
            postings.extend((TEXT, term, entry.chunk_id, tf, text_norm) for term, tf in text_terms.items())
            postings.extend((TITLE, term, entry.chunk_id, tf, title_norm) for term, tf in title_terms.items())
            self._chunks += 1
            self._text_terms += text_length
            self._title_terms += title_length
        with self.connection.cursor() as cursor:
            with cursor.copy(
                "COPY keyword_chunks (chunk_id, version_key, doc_id, source, published, text_length, "
                "title_length) FROM STDIN"
            ) as copy:
                for row in chunks:
                    copy.write_row(row)
            with cursor.copy("COPY keyword_postings (field, term, chunk_id, tf, length) FROM STDIN") as copy:
                for row in postings:
                    copy.write_row(row)

    def delete_version(self, key: str) -> None:
        self._delete("version_key = %s", key)

    def delete_chunk(self, chunk_id: str) -> None:
        self._delete("chunk_id = %s", chunk_id)

    def _delete(self, condition: str, value: object) -> None:
        rows = self.connection.execute(
            f"DELETE FROM keyword_chunks WHERE {condition} RETURNING text_length, title_length", (value,)
        ).fetchall()
        self._chunks -= len(rows)
        self._text_terms -= sum(row["text_length"] for row in rows)
        self._title_terms -= sum(row["title_length"] for row in rows)

    def update_stats(self) -> None:
        """Fold this session's changes into the corpus statistics, in its own transaction."""
        if self._chunks or self._text_terms or self._title_terms:
            self.connection.execute(
                "UPDATE keyword_stats SET chunks = chunks + %s, text_terms = text_terms + %s, "
                "title_terms = title_terms + %s",
                (self._chunks, self._text_terms, self._title_terms),
            )


def _filter_join(where: DocumentFilter | None) -> tuple[str, dict[str, Any]]:
    """The join that keeps the filtered documents' hits (BM25's statistics stay corpus-wide, as tantivy's)."""
    if where is None or where.is_empty:
        return "", {}
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if where.doc_ids is not None:
        clauses.append("c.doc_id = ANY(%(doc_ids)s)")
        params["doc_ids"] = list(where.doc_ids)
    if where.source:
        clauses.append("c.source = %(source)s")
        params["source"] = where.source
    if where.published_from:
        clauses.append("c.published >= %(published_from)s")
        params["published_from"] = where.published_from
    if where.published_to:
        clauses.append("c.published <= %(published_to)s")
        params["published_to"] = where.published_to
    return "JOIN keyword_chunks c ON c.chunk_id = h.chunk_id AND " + " AND ".join(clauses), params
