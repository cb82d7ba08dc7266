"""The three stores and their indexer, opened from settings without loading a model or recovering.

:class:`service.engine.Newsdesk` builds on these; ``newsdesk check`` uses them alone, so it can report a
crashed write's journal rows before anything finishes them, and starts without the models.

Two layouts, chosen by ``NEWSDESK_DATABASE_URL``:

- embedded (the default): the SQLite catalog and the tantivy keyword index in the data directory, vectors in
  the embedded Chroma store or a Chroma server, writers taking turns on a lock file: one host;
- shared: catalog, keyword index and ingest queue in PostgreSQL, vectors in a Chroma server, writers taking
  turns on a PostgreSQL advisory lock: any number of stateless API hosts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.catalog import Catalog, CatalogStore
from ingest.embedding import Embedder
from ingest.indexing import DocumentLimits, Indexer, IngestReport
from ingest.keyword_index import KeywordIndex, KeywordSearch
from ingest.loading import LoadError, load_paths
from ingest.models import Article
from ingest.vector_store import VectorStore, connect
from ingest.write_lock import WriteLock, WriterLock
from service.jobs.sqlite import IngestJobs, JobQueue
from service.settings import Settings

log = logging.getLogger("newsdesk.stores")

COLLECTION_ID_KEY = "chroma_collection_id"


class VectorStoreMismatchError(ValueError):
    """The configured vector store is not the one this data directory's catalog was indexed into."""


class SharedStoreError(ValueError):
    """A shared-store setting that cannot work (a ValueError: the CLI prints it in one line)."""


@dataclass(frozen=True)
class Stores:
    catalog: CatalogStore
    embedder: Embedder  # loads its model on first use
    vectors: VectorStore
    keywords: KeywordSearch
    indexer: Indexer
    write_lock: WriterLock

    @property
    def shared(self) -> bool:
        """Whether the stores live in PostgreSQL and a Chroma server (no host keeps any of its own)."""
        return not isinstance(self.catalog, Catalog)

    def close(self) -> None:
        close_lock = getattr(self.write_lock, "close", None)
        if close_lock is not None:
            close_lock()
        self.catalog.close()


def open_stores(settings: Settings, finish_abandoned_writes: bool = False) -> Stores:
    """The stores ``settings`` name. With ``finish_abandoned_writes`` (the engine's choice, not
    ``newsdesk check``'s), a shared-mode writer first finishes or undoes what a dead host left journaled."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    embedder = Embedder(
        batch_size=settings.embedding_batch_size,
        backend=settings.embedding_backend,
        cache_dir=settings.model_cache_dir,
        workers=settings.onnx_threads,
    )
    if settings.database:
        return _open_shared_stores(settings, embedder, finish_abandoned_writes)
    write_lock = WriteLock(settings.data_dir / "write.lock")
    # Several processes may start on one empty data directory at once (API workers sharing a volume and a
    # Chroma server): creating the catalog, the keyword index and the collection is one writer's job.
    with write_lock():
        catalog = Catalog(settings.catalog_path)
        client = (
            connect(host=settings.chroma_host, port=settings.chroma_port)
            if settings.chroma_host
            else connect(path=settings.chroma_path)
        )
        vectors = VectorStore(client, settings.collection, embedder)
        keywords = KeywordIndex(settings.keyword_index_path)
        bind_vector_store(catalog, vectors, settings)
    return Stores(
        catalog,
        embedder,
        vectors,
        keywords,
        _indexer(settings, catalog, vectors, keywords, embedder, write_lock),
        write_lock,
    )


def _open_shared_stores(settings: Settings, embedder: Embedder, finish_abandoned_writes: bool) -> Stores:
    from ingest.catalog_postgres import PostgresCatalog
    from ingest.keyword_index_postgres import PostgresKeywordIndex
    from ingest.postgres import PostgresWriteLock, open_pool

    if not settings.chroma_host:
        raise SharedStoreError(
            "NEWSDESK_DATABASE_URL needs a Chroma server too (NEWSDESK_CHROMA_HOST, NEWSDESK_CHROMA_PORT): "
            "the embedded vector store lives on one host's disk, which the other hosts cannot see"
        )
    url = settings.database or ""
    write_lock = PostgresWriteLock(url)
    pool = open_pool(url, settings.database_pool_size)
    try:
        with write_lock():
            catalog = PostgresCatalog(pool)
            keywords = PostgresKeywordIndex(pool)
            vectors = VectorStore(
                connect(host=settings.chroma_host, port=settings.chroma_port), settings.collection, embedder
            )
            bind_vector_store(catalog, vectors, settings)
    except BaseException:
        write_lock.close()
        pool.close()
        raise
    indexer = _indexer(settings, catalog, vectors, keywords, embedder, write_lock)
    if finish_abandoned_writes:
        # Writers hold the lock from their journal entry to its removal: rows found by whoever takes it next
        # were left by a writer that died (another host, killed mid-batch), and are resolved before writing.
        def finish_abandoned_writes() -> None:
            if resolved := indexer.recover_locked():
                log.warning(
                    "finished or undid the journaled writes of %d documents a stopped writer left", resolved
                )

        write_lock.on_acquire = finish_abandoned_writes
    return Stores(catalog, embedder, vectors, keywords, indexer, write_lock)


def _indexer(
    settings: Settings,
    catalog: CatalogStore,
    vectors: VectorStore,
    keywords: KeywordSearch,
    embedder: Embedder,
    write_lock: WriterLock,
) -> Indexer:
    return Indexer(
        catalog,
        vectors,
        keywords,
        embedder,
        lock=write_lock,
        chunk_tokens=settings.chunk_tokens,
        batch_documents=settings.ingest_batch_documents,
        limits=DocumentLimits.from_settings(settings),
    )


def open_jobs(settings: Settings, stores: Stores, ingest: Callable[..., IngestReport]) -> JobQueue:
    """The bulk ingest jobs: run by the accepting process (embedded), or queued for any host (shared)."""
    if not stores.shared:
        return IngestJobs(stores.catalog, ingest)  # type: ignore[arg-type]  (the SQLite catalog)
    from service.jobs.postgres import PostgresIngestJobs

    return PostgresIngestJobs(
        stores.catalog.pool,  # type: ignore[attr-defined]  (the PostgreSQL catalog's pool)
        settings.database or "",
        ingest,
        load_path=lambda path: path_articles(settings, path),
        poll_seconds=settings.job_poll_seconds,
    )


def path_articles(settings: Settings, path: Path) -> Iterable[Article | LoadError]:
    """A server-side path job's articles, read under this host's limits and roots (as the route checks them
    on the host that accepted the job)."""
    roots = [root.expanduser().resolve() for root in settings.ingest_roots]
    return load_paths([path], max_file_bytes=int(settings.max_body_mb * 1024 * 1024), roots=roots)


def open_catalog(settings: Settings) -> CatalogStore:
    """The catalog alone (``newsdesk feedback export``), wherever the settings put it."""
    if settings.database:
        from ingest.catalog_postgres import PostgresCatalog
        from ingest.postgres import open_pool

        return PostgresCatalog(open_pool(settings.database, 1))
    return Catalog(settings.catalog_path)


def bind_vector_store(catalog: CatalogStore, vectors: VectorStore, settings: Settings) -> None:
    """A catalog belongs to one Chroma collection: refuse any other, whose vectors would not match it.

    Catches a data directory indexed in embedded mode and then served against a Chroma server (or a new
    server, or a wiped store): every dense search would silently miss.
    """
    collection_id = str(vectors.collection.id)
    bound = catalog.get_meta(COLLECTION_ID_KEY)
    if bound == collection_id:
        return
    if bound is not None and catalog.count_documents() > 0:
        where = (
            f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else f"the embedded store in {settings.chroma_path}"
        )
        indexed = "the shared database" if settings.database else str(settings.data_dir)
        raise VectorStoreMismatchError(
            f"{indexed} was indexed into Chroma collection {bound}, but {where} has collection "
            f"{collection_id} ({settings.collection!r}): point NEWSDESK_CHROMA_HOST and NEWSDESK_CHROMA_PORT "
            "at the store it was built with, or ingest into a new data directory"
        )
    catalog.set_meta(COLLECTION_ID_KEY, collection_id)
