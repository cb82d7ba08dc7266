"""The three stores and their indexer, opened from settings without loading a model or recovering.

:class:`service.engine.Newsdesk` builds on these; ``newsdesk check`` uses them alone, so it can report a
crashed write's journal rows before anything finishes them, and starts without the models.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.catalog import Catalog
from ingest.embedding import Embedder
from ingest.indexing import Indexer
from ingest.keyword_index import KeywordIndex
from ingest.vector_store import VectorStore, connect
from service.settings import Settings


@dataclass(frozen=True)
class Stores:
    catalog: Catalog
    embedder: Embedder  # loads its model on first use
    vectors: VectorStore
    keywords: KeywordIndex
    indexer: Indexer

    def close(self) -> None:
        self.catalog.close()


def open_stores(settings: Settings) -> Stores:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(settings.catalog_path)
    embedder = Embedder(batch_size=settings.embedding_batch_size)
    client = (
        connect(host=settings.chroma_host, port=settings.chroma_port)
        if settings.chroma_host
        else connect(path=settings.chroma_path)
    )
    vectors = VectorStore(client, settings.collection, embedder)
    keywords = KeywordIndex(settings.keyword_index_path)
    indexer = Indexer(
        catalog,
        vectors,
        keywords,
        embedder,
        lock_path=settings.data_dir / "write.lock",
        chunk_tokens=settings.chunk_tokens,
    )
    return Stores(catalog, embedder, vectors, keywords, indexer)
