"""The three stores and their indexer, opened from settings without loading a model or recovering.

:class:`service.engine.Newsdesk` builds on these; ``newsdesk check`` uses them alone, so it can report a
crashed write's journal rows before anything finishes them, and starts without the models.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.catalog import Catalog
from ingest.embedding import Embedder
from ingest.indexing import DocumentLimits, Indexer
from ingest.keyword_index import KeywordIndex
from ingest.vector_store import VectorStore, connect
from ingest.write_lock import WriteLock
from service.settings import Settings

COLLECTION_ID_KEY = "chroma_collection_id"


class VectorStoreMismatchError(ValueError):
    """The configured vector store is not the one this data directory's catalog was indexed into."""


@dataclass(frozen=True)
class Stores:
    catalog: Catalog
    embedder: Embedder  # loads its model on first use
    vectors: VectorStore
    keywords: KeywordIndex
    indexer: Indexer
    write_lock: WriteLock

    def close(self) -> None:
        self.catalog.close()


def open_stores(settings: Settings) -> Stores:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    write_lock = WriteLock(settings.data_dir / "write.lock")
    embedder = Embedder(
        batch_size=settings.embedding_batch_size,
        backend=settings.embedding_backend,
        cache_dir=settings.model_cache_dir,
        workers=settings.onnx_threads,
    )
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
    indexer = Indexer(
        catalog,
        vectors,
        keywords,
        embedder,
        lock=write_lock,
        chunk_tokens=settings.chunk_tokens,
        batch_documents=settings.ingest_batch_documents,
        limits=DocumentLimits.from_settings(settings),
    )
    return Stores(catalog, embedder, vectors, keywords, indexer, write_lock)


def bind_vector_store(catalog: Catalog, vectors: VectorStore, settings: Settings) -> None:
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
        raise VectorStoreMismatchError(
            f"{settings.data_dir} was indexed into Chroma collection {bound}, but {where} has collection "
            f"{collection_id} ({settings.collection!r}): point NEWSDESK_CHROMA_HOST and NEWSDESK_CHROMA_PORT "
            "at the store it was built with, or ingest into a new data directory"
        )
    catalog.set_meta(COLLECTION_ID_KEY, collection_id)
