"""BM25 over chunks with tantivy, persisted on disk.

Why tantivy rather than bm25s: a bm25s index is an immutable sparse matrix, so every ingest, replace or delete
would rebuild it over the whole corpus. Tantivy is a maintained, segment-based engine: adds and deletes touch
only the document's own chunks, commits are atomic, and readers in other processes pick up a commit on
reload. Scores are classic BM25 (k1=1.2, b=0.75).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import tantivy

from ingest.catalog import DocumentFilter
from ingest.vector_store import day_number

ANALYZER = "newsdesk_en"
WRITER_HEAP_BYTES = 64 * 1024 * 1024

# Function words and question words: they carry no evidence about which passage answers a question.
STOPWORDS = sorted(
    {
        "a", "about", "above", "according", "after", "again", "against", "all", "also", "am", "an", "and",
        "any", "are", "as", "asked", "at", "be", "because", "been", "before", "being", "below", "between",
        "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
        "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
        "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me",
        "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
        "other", "our", "ours", "ourselves", "out", "over", "own", "said", "same", "says", "she", "should",
        "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
        "there", "these", "they", "this", "those", "through", "to", "told", "too", "under", "until", "up",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
        "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
    }
)  # fmt: skip


def build_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.custom_stopword(STOPWORDS))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


_analyzer_lock = threading.Lock()


@lru_cache(maxsize=1)
def _shared_analyzer() -> tantivy.TextAnalyzer:
    return build_analyzer()


def analyze(text: str) -> list[str]:
    """The terms the keyword index sees for ``text``: lowercased, folded, stopwords out, stemmed."""
    with _analyzer_lock:
        return _shared_analyzer().analyze(text)


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("chunk_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("version_key", stored=False, tokenizer_name="raw")
    builder.add_text_field("doc_id", stored=False, tokenizer_name="raw")
    builder.add_text_field("source", stored=False, tokenizer_name="raw")
    builder.add_integer_field("published_day", indexed=True, fast=True)
    builder.add_text_field("text", stored=False, tokenizer_name=ANALYZER)
    builder.add_text_field("title", stored=False, tokenizer_name=ANALYZER)
    return builder.build()


@dataclass(frozen=True)
class KeywordEntry:
    chunk_id: str
    version_key: str
    doc_id: str
    title: str
    text: str
    source: str | None
    published: date | None


class KeywordWriting(Protocol):
    """One atomic writing session of a keyword index: all of it is committed at its end, or none."""

    def add(self, entries: Sequence[KeywordEntry]) -> None: ...
    def delete_version(self, key: str) -> None: ...
    def delete_chunk(self, chunk_id: str) -> None: ...


class KeywordSearch(Protocol):
    """What the indexer, the retrievers and the consistency check need of a keyword index:
    :class:`KeywordIndex` (tantivy, on one host's disk) and
    :class:`ingest.keyword_index_postgres.PostgresKeywordIndex` (BM25 in PostgreSQL, shared by every host)."""

    def writer(self) -> AbstractContextManager[KeywordWriting]: ...
    def count(self) -> int: ...
    def doc_freqs(self, terms: Sequence[str]) -> tuple[dict[str, int], int]: ...
    def search(
        self, query_text: str, k: int, where: DocumentFilter | None = None
    ) -> list[tuple[str, float]]: ...
    def iter_ids(self) -> Iterator[str]: ...


class KeywordIndex:
    def __init__(self, path: Path, title_weight: float = 0.3) -> None:
        self.path = path
        self.title_weight = title_weight
        path.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        exists = tantivy.Index.exists(str(path))
        self.index = tantivy.Index.open(str(path)) if exists else tantivy.Index(self.schema, path=str(path))
        self.index.register_tokenizer(ANALYZER, build_analyzer())
        self._writer_lock = threading.Lock()

    @contextmanager
    def writer(self) -> Iterator[KeywordWriter]:
        """One writing session: everything added or deleted inside it is committed atomically at the end.

        Callers serialise writers across processes (the indexer's file lock); tantivy's own lock guards the
        rest.
        """
        with self._writer_lock:
            writer = self.index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
            session = KeywordWriter(writer)
            try:
                yield session
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                # Dropping the writer releases tantivy's lock for the next process.
                writer.wait_merging_threads()
                del writer

    def searcher(self) -> tantivy.Searcher:
        # Cheap (tens of microseconds) and makes commits from other processes visible.
        self.index.reload()
        return self.index.searcher()

    def count(self) -> int:
        return self.searcher().num_docs

    def doc_freqs(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many chunks contain each analysed term, and how many chunks there are."""
        searcher = self.searcher()
        return {term: searcher.doc_freq("text", term) for term in set(terms)}, searcher.num_docs

    def search(self, query_text: str, k: int, where: DocumentFilter | None = None) -> list[tuple[str, float]]:
        """Best chunks for the query as ``(chunk id, BM25 score)``."""
        terms = list(dict.fromkeys(analyze(query_text)))
        if not terms or k <= 0:
            return []
        should: list[tuple[Any, Any]] = [
            (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "text", term)) for term in terms
        ]
        if self.title_weight > 0:
            should.extend(
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(
                        tantivy.Query.term_query(self.schema, "title", term), self.title_weight
                    ),
                )
                for term in terms
            )
        query = tantivy.Query.boolean_query(should)
        filters = self._filter_clauses(where)
        if filters:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *filters])
        searcher = self.searcher()
        # Not counting every match lets tantivy skip blocks that cannot reach the first k (block-max WAND):
        # the same hits, ~10% faster on a 1M-chunk index.
        hits = searcher.search(query, limit=k, count=False).hits
        return [(searcher.doc(address)["chunk_id"][0], float(score)) for score, address in hits]

    def iter_ids(self) -> Iterator[str]:
        searcher = self.searcher()
        total = searcher.num_docs
        if total == 0:
            return
        page = 10_000
        for offset in range(0, total, page):
            for _, address in searcher.search(tantivy.Query.all_query(), limit=page, offset=offset).hits:
                yield searcher.doc(address)["chunk_id"][0]

    def _filter_clauses(self, where: DocumentFilter | None) -> list[tuple[Any, Any]]:
        if where is None or where.is_empty:
            return []
        clauses: list[tuple[Any, Any]] = []
        if where.doc_ids is not None:
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "doc_id", list(where.doc_ids)))
            )
        if where.source:
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "source", where.source))
            )
        if where.published_from or where.published_to:
            clauses.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(
                        self.schema,
                        "published_day",
                        tantivy.FieldType.Integer,
                        day_number(where.published_from) if where.published_from else None,
                        day_number(where.published_to) if where.published_to else None,
                    ),
                )
            )
        return clauses


class KeywordWriter:
    def __init__(self, writer: tantivy.IndexWriter) -> None:
        self._writer = writer

    def add(self, entries: Sequence[KeywordEntry]) -> None:
        for entry in entries:
            fields: dict[str, Any] = {
                "chunk_id": entry.chunk_id,
                "version_key": entry.version_key,
                "doc_id": entry.doc_id,
                "text": entry.text,
                "title": entry.title,
            }
            if entry.source:
                fields["source"] = entry.source
            if entry.published:
                fields["published_day"] = day_number(entry.published)
            self._writer.add_document(tantivy.Document(**fields))

    def delete_version(self, key: str) -> None:
        self._writer.delete_documents_by_term("version_key", key)

    def delete_chunk(self, chunk_id: str) -> None:
        self._writer.delete_documents_by_term("chunk_id", chunk_id)
