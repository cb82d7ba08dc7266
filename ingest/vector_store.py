"""Chunk embeddings in Chroma: embedded (``PersistentClient``) or a shared ``chroma run`` server."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.errors import InternalError

from ingest.catalog import DocumentFilter
from ingest.embedding import Embedder, NewsdeskEmbeddingFunction

log = logging.getLogger("newsdesk.vectors")

EPOCH = date(1970, 1, 1)
# Chroma's HNSW search can return a chunk whose record a concurrent delete (a replace or a delete of its
# document) has just removed, and then raises this instead of leaving the chunk out. Asked again, it answers
# from the state after the delete.
VANISHED_CHUNK = "Error finding id"
QUERY_ATTEMPTS = 3


def day_number(value: date) -> int:
    """Dates as integers, because Chroma's metadata filters compare numbers, not dates."""
    return (value - EPOCH).days


@dataclass(frozen=True)
class ChunkVector:
    id: str
    embedding: np.ndarray
    doc_id: str
    source: str | None
    published: date | None


def connect(path: Path | None = None, host: str | None = None, port: int = 8001) -> chromadb.api.ClientAPI:
    settings = chromadb.Settings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    assert path is not None, "an embedded store needs a path"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorStore:
    def __init__(self, client: chromadb.api.ClientAPI, collection: str, embedder: Embedder) -> None:
        self.client = client
        # Always our embedding function: Chroma's default one would try to download a model.
        self.collection = client.get_or_create_collection(
            collection,
            embedding_function=NewsdeskEmbeddingFunction(embedder),
            configuration={"hnsw": {"space": "cosine"}},
        )
        self.max_batch = max(1, min(5000, client.get_max_batch_size()))

    def count(self) -> int:
        return self.collection.count()

    def upsert(self, vectors: Sequence[ChunkVector]) -> None:
        for start in range(0, len(vectors), self.max_batch):
            batch = vectors[start : start + self.max_batch]
            self.collection.upsert(
                ids=[v.id for v in batch],
                embeddings=np.stack([v.embedding for v in batch]).astype(np.float32),
                metadatas=[_metadata(v) for v in batch],
            )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self.max_batch):
            self.collection.delete(ids=list(ids[start : start + self.max_batch]))

    def query(
        self, embedding: np.ndarray, k: int, where: DocumentFilter | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as ``(id, cosine similarity)``, best first."""
        # No count() first: it costs a scan that grows with the collection, and
        # Chroma returns what it has when asked for more, nothing from an empty collection.
        for attempt in range(1, QUERY_ATTEMPTS + 1):
            try:
                result = self.collection.query(
                    query_embeddings=[np.asarray(embedding, dtype=np.float32)],
                    n_results=k,
                    where=chroma_where(where),
                    include=["distances"],
                )
                break
            except InternalError as error:
                if VANISHED_CHUNK not in str(error):
                    raise
                if attempt == QUERY_ATTEMPTS:
                    # Writes kept racing this search: answer from the keyword index alone this time.
                    log.warning("dense search skipped: chunks vanished under it %d times", attempt)
                    return []
        ids = result["ids"][0]
        distances = result["distances"][0] if result["distances"] else [0.0] * len(ids)
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(ids, distances, strict=True)]

    def iter_ids(self, page: int = 5000) -> Iterator[str]:
        offset = 0
        while True:
            ids = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            yield from ids
            if len(ids) < page:
                return
            offset += page


def _metadata(vector: ChunkVector) -> dict[str, Any]:
    metadata: dict[str, Any] = {"doc_id": vector.doc_id}
    if vector.source:
        metadata["source"] = vector.source
    if vector.published:
        metadata["published_day"] = day_number(vector.published)
    return metadata


def chroma_where(where: DocumentFilter | None) -> dict[str, Any] | None:
    if where is None or where.is_empty:
        return None
    clauses: list[dict[str, Any]] = []
    if where.doc_ids is not None:
        clauses.append({"doc_id": {"$in": list(where.doc_ids)}})
    if where.source:
        clauses.append({"source": where.source})
    if where.published_from:
        clauses.append({"published_day": {"$gte": day_number(where.published_from)}})
    if where.published_to:
        clauses.append({"published_day": {"$lte": day_number(where.published_to)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
