"""Retrievers over the indexes, in llama-index's retriever interface so they compose and swap.

``DenseRetriever`` (Chroma) and ``KeywordRetriever`` (tantivy BM25) each return the catalog's current chunks;
``HybridRetriever`` fuses any weighted set of retrievers with reciprocal rank fusion and an optional recency
preference. Reranking is a node postprocessor (``service.judge.rerank``) applied on top.

Fusing ``ChunkSearch`` retrievers (both of ours), the hybrid skips llama-index's ``retrieve`` for them: it
runs their raw searches at once (tantivy, Chroma and onnxruntime release the GIL), checks which hits the
catalog still holds (its primary-key index alone), fuses, and reads whole records for the fused first ``k``
only. Measured on a 1M-chunk index: see docs/performance.md.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Protocol, runtime_checkable

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import BaseNode, NodeWithScore, QueryBundle, TextNode

from ingest.catalog import CatalogStore, ChunkRecord, DocumentFilter
from ingest.embedding import Embedder
from ingest.keyword_index import KeywordSearch
from ingest.vector_store import VectorStore

# Indexes may briefly hold chunks of versions the catalog has moved past; fetch a little more than asked.
STALE_MARGIN = 1.25


@dataclass
class NewsQuery(QueryBundle):
    """A query with the newsroom's filters: documents, source, publication dates, and recency."""

    filters: DocumentFilter | None = None
    # 0 = ignore dates; 1 = a fresh article outranks an equally relevant one a half-life older by ~2x.
    recency: float = 0.0
    today: date | None = None


def as_news_query(query: str | QueryBundle) -> NewsQuery:
    if isinstance(query, NewsQuery):
        return query
    if isinstance(query, QueryBundle):
        return NewsQuery(query_str=query.query_str, embedding=query.embedding)
    return NewsQuery(query_str=query)


def chunk_node(record: ChunkRecord) -> TextNode:
    return TextNode(
        id_=record.id,
        text=record.text,
        start_char_idx=record.start,
        end_char_idx=record.end,
        metadata={
            "doc_id": record.doc_id,
            "title": record.title,
            "title_derived": record.title_derived,
            "chunk_index": record.index,
            "published": record.published.isoformat() if record.published else None,
            "source": record.source,
        },
    )


Hits = list[tuple[str, float]]  # (chunk id, score), best first; ids of replaced versions included


def _nodes_by_id(catalog: CatalogStore, ids: Sequence[str]) -> dict[str, BaseNode]:
    """Nodes of the chunks among ``ids`` the catalog (still) holds."""
    return {cid: chunk_node(record) for cid, record in catalog.chunk_records(list(ids)).items()}


def _current_nodes(catalog: CatalogStore, hits: Hits, k: int) -> list[NodeWithScore]:
    """The first ``k`` hits the catalog still holds, as nodes."""
    nodes = _nodes_by_id(catalog, [cid for cid, _ in hits])
    return [NodeWithScore(node=nodes[cid], score=score) for cid, score in hits if cid in nodes][:k]


@runtime_checkable
class ChunkSearch(Protocol):
    """A retriever whose search and catalog join can run apart: what lets the hybrid join once."""

    catalog: CatalogStore
    k: int

    def search(self, query: NewsQuery) -> Hits: ...


def _no_documents_allowed(query: NewsQuery) -> bool:
    return query.filters is not None and query.filters.doc_ids is not None and not query.filters.doc_ids


class DenseRetriever(BaseRetriever):
    """Nearest chunks by cosine similarity of MiniLM embeddings (computed once per query)."""

    def __init__(self, vectors: VectorStore, catalog: CatalogStore, embedder: Embedder, k: int = 30) -> None:
        super().__init__()
        self.vectors = vectors
        self.catalog = catalog
        self.embedder = embedder
        self.k = k

    def search(self, query: NewsQuery) -> Hits:
        if _no_documents_allowed(query):
            return []
        embedding = query.embedding
        if embedding is None:
            embedding = self.embedder.embed_query(query.query_str).tolist()
        return self.vectors.query(embedding, math.ceil(self.k * STALE_MARGIN), query.filters)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return _current_nodes(self.catalog, self.search(as_news_query(query_bundle)), self.k)


class KeywordRetriever(BaseRetriever):
    """BM25 over chunk text (and, lightly weighted, the headline)."""

    def __init__(self, keywords: KeywordSearch, catalog: CatalogStore, k: int = 30) -> None:
        super().__init__()
        self.keywords = keywords
        self.catalog = catalog
        self.k = k

    def search(self, query: NewsQuery) -> Hits:
        if _no_documents_allowed(query):
            return []
        return self.keywords.search(query.query_str, math.ceil(self.k * STALE_MARGIN), query.filters)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return _current_nodes(self.catalog, self.search(as_news_query(query_bundle)), self.k)


class HybridRetriever(BaseRetriever):
    """Weighted reciprocal rank fusion: ``score = sum(weight / (rrf_k + rank))`` over the retrievers.

    Each retriever's first ``leaders`` hits come first, in fused order: on a small index a chunk found
    by one retriever only (an exact name or figure that BM25 ranks first) is outscored by chunks that both
    found somewhere, and would miss the reranker's few candidates.
    """

    def __init__(
        self,
        retrievers: Sequence[tuple[BaseRetriever, float]],
        rrf_k: int = 60,
        k: int = 30,
        recency_half_life_days: float = 365.0,
        leaders: int = 2,
    ) -> None:
        super().__init__()
        self.retrievers = [(r, w) for r, w in retrievers if w > 0]
        self.rrf_k = rrf_k
        self.k = k
        self.leaders = leaders
        self.recency_half_life_days = recency_half_life_days
        searches = [r for r, _ in self.retrievers if isinstance(r, ChunkSearch)]
        one_catalog = len({id(r.catalog) for r in searches}) == 1
        # Searched at once and checked against the catalog once, or (None) fused through ``retrieve``.
        self._searches = searches if one_catalog and len(searches) == len(self.retrievers) else None
        self._catalog = self._searches[0].catalog if self._searches else None
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def ranked_lists(self, query: NewsQuery) -> list[list[NodeWithScore]]:
        """Each retriever's current chunks, best first, in the order of ``self.retrievers``."""
        lists, nodes = self._current_hits(query)
        nodes.update(self._nodes_for([cid for hits in lists for cid, _ in hits if cid not in nodes]))
        return [[NodeWithScore(node=nodes[c], score=s) for c, s in hits if c in nodes] for hits in lists]

    def _current_hits(self, query: NewsQuery) -> tuple[list[Hits], dict[str, BaseNode]]:
        """Each retriever's first ``k`` current hits, and the nodes already at hand (fallback path only)."""
        searches = self._searches
        if searches is None:
            ranked = [r.retrieve(query) for r, _ in self.retrievers]
            nodes = {hit.node.node_id: hit.node for hits in ranked for hit in hits}
            lists = [[(hit.node.node_id, hit.score or 0.0) for hit in hits] for hits in ranked]
            return lists, nodes
        # The others search on pool threads while the first searches on the caller's, then checks its own
        # hits against the catalog (a per-thread SQLite connection, read on the caller's thread only).
        catalog = self._catalog
        assert catalog is not None  # set with the searches
        pending: list[Future[Hits]] = [self.pool().submit(r.search, query) for r in searches[1:]]
        first = searches[0].search(query)
        checked = {cid for cid, _ in first}
        current = catalog.current_chunk_ids(list(checked))
        hits = [first, *(f.result() for f in pending)]
        current |= catalog.current_chunk_ids(list({cid for found in hits[1:] for cid, _ in found} - checked))
        lists = [
            [hit for hit in found if hit[0] in current][: r.k]
            for r, found in zip(searches, hits, strict=True)
        ]
        return lists, {}

    def _nodes_for(self, ids: Sequence[str]) -> dict[str, BaseNode]:
        """Nodes of the chunks among ``ids`` the catalog (still) holds."""
        if not ids or self._catalog is None:  # the fallback path has every node already
            return {}
        return _nodes_by_id(self._catalog, ids)

    def pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                # Default size (cores + 4), not one thread per retriever: requests served at once would
                # queue their searches behind each other.
                self._pool = ThreadPoolExecutor(thread_name_prefix="hybrid-search")
            return self._pool

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        query = as_news_query(query_bundle)
        lists, nodes = self._current_hits(query)
        fused: dict[str, float] = {}
        for (_, weight), hits in zip(self.retrievers, lists, strict=True):
            for rank, (cid, _) in enumerate(hits, start=1):
                fused[cid] = fused.get(cid, 0.0) + weight / (self.rrf_k + rank)
        if query.recency > 0:
            # Dates rerank every candidate: all their records are needed, not only the first k's.
            nodes.update(self._nodes_for([cid for cid in fused if cid not in nodes]))
            today = query.today or date.today()
            for cid in [c for c in fused if c in nodes]:
                fused[cid] *= self.recency_factor(nodes[cid].metadata.get("published"), today, query.recency)
        # Records are read for the fused first k only (about half the candidates): on a large index each
        # uncached record costs ~20 us.
        # A reader who asks for the newest gets date order: the leaders' place yields to it.
        leaders = 0 if query.recency > 0 else self.leaders
        leading = {cid for hits in lists for cid, _ in hits[:leaders]}
        ranked = sorted(fused, key=lambda cid: (cid in leading, fused[cid]), reverse=True)
        result: list[NodeWithScore] = []
        while ranked and len(result) < self.k:
            batch, ranked = ranked[: self.k - len(result)], ranked[self.k - len(result) :]
            nodes.update(self._nodes_for([cid for cid in batch if cid not in nodes]))
            # A chunk replaced between the check and the read is skipped; the next candidates fill in.
            result.extend(NodeWithScore(node=nodes[cid], score=fused[cid]) for cid in batch if cid in nodes)
        return result

    def recency_factor(self, published: str | None, today: date, weight: float) -> float:
        """Between 1 (today) and ``1 - weight`` (long ago); undated articles count as old."""
        if not published:
            return 1.0 - weight
        age = max(0, (today - date.fromisoformat(published)).days)
        return 1.0 - weight + weight * 0.5 ** (age / self.recency_half_life_days)
