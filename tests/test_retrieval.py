"""Hybrid retrieval: reciprocal rank fusion, the one-join concurrent path, stale hits."""

from __future__ import annotations

import pytest
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from service.engine import Newsdesk
from service.retrieve.retrievers import ChunkSearch, Hits, HybridRetriever, NewsQuery

QUESTIONS = [
    "What did the minister say about the budget?",
    "How many people were evacuated after the flood?",
    "Who won the election?",
]


class OnlyRetrieve(BaseRetriever):
    """A retriever with llama-index's interface alone: the hybrid must fall back to ``retrieve`` for it."""

    def __init__(self, inner: BaseRetriever) -> None:
        super().__init__()
        self.inner = inner

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self.inner.retrieve(query_bundle)


class WithStaleHits:
    """A real search whose first hit is a chunk of a version the catalog has already replaced."""

    def __init__(self, inner: ChunkSearch) -> None:
        self.inner = inner
        self.catalog = inner.catalog
        self.k = inner.k

    def search(self, query: NewsQuery) -> Hits:
        return [("replaced-doc:0", 99.0), *self.inner.search(query)]


def rrf_by_hand(
    lists: list[list[NodeWithScore]], k: int, rrf_k: int = 60, leaders: int = 2
) -> list[tuple[str, float]]:
    """Reciprocal rank fusion, each list's first ``leaders`` hits ahead of the rest."""
    fused: dict[str, float] = {}
    for ranked in lists:
        for rank, hit in enumerate(ranked, start=1):
            fused[hit.node.node_id] = fused.get(hit.node.node_id, 0.0) + 1.0 / (rrf_k + rank)
    leading = {hit.node.node_id for ranked in lists for hit in ranked[:leaders]}
    return sorted(fused.items(), key=lambda item: (item[0] in leading, item[1]), reverse=True)[:k]


def ids_and_scores(nodes: list[NodeWithScore]) -> list[tuple[str, float]]:
    return [(n.node.node_id, n.score or 0.0) for n in nodes]


def test_both_of_our_retrievers_search_apart_from_their_catalog_join(sample_engine: Newsdesk) -> None:
    assert isinstance(sample_engine.dense_retriever, ChunkSearch)
    assert isinstance(sample_engine.keyword_retriever, ChunkSearch)


def test_the_concurrent_path_fuses_exactly_what_each_retriever_returns(sample_engine: Newsdesk) -> None:
    dense, keyword = sample_engine.dense_retriever, sample_engine.keyword_retriever
    for question in QUESTIONS:
        each = [
            dense.retrieve(NewsQuery(query_str=question)),
            keyword.retrieve(NewsQuery(query_str=question)),
        ]
        assert all(each), question
        assert sample_engine.retriever.ranked_lists(NewsQuery(query_str=question)) == each
        fused = sample_engine.retriever.retrieve(NewsQuery(query_str=question))
        assert ids_and_scores(fused) == rrf_by_hand(each, sample_engine.retriever.k)


class Fixed(BaseRetriever):
    """A retriever that returns the same ranked ids whatever is asked."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__()
        self.ids = ids

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [NodeWithScore(node=TextNode(id_=cid, text=cid), score=1.0) for cid in self.ids]


def test_a_chunk_one_retriever_ranks_first_reaches_the_rerankers_candidates() -> None:
    # Once seen in CI: the replaced article's chunk was BM25's first hit, dense ranked it past 5, and
    # eight chunks both had found outscored it, so the reranker never saw it and the answer was a refusal.
    shared = [f"both-{n}" for n in range(12)]
    hybrid = HybridRetriever([(Fixed(shared), 1.0), (Fixed(["only-keyword", *shared]), 1.0)], k=20)
    ranked = [n.node.node_id for n in hybrid.retrieve(QueryBundle(query_str="q"))]
    assert ranked.index("only-keyword") < 4
    assert set(ranked[:3]) == {"only-keyword", "both-0", "both-1"}
    plain = HybridRetriever([(Fixed(shared), 1.0), (Fixed(["only-keyword", *shared]), 1.0)], k=20, leaders=0)
    assert [n.node.node_id for n in plain.retrieve(QueryBundle(query_str="q"))].index("only-keyword") >= 8


def test_retrievers_without_a_raw_search_are_fused_through_retrieve(sample_engine: Newsdesk) -> None:
    concurrent = sample_engine.retriever
    plain = HybridRetriever(
        [(OnlyRetrieve(sample_engine.dense_retriever), 1.0), (sample_engine.keyword_retriever, 1.0)],
        k=concurrent.k,
    )
    try:
        for question in QUESTIONS:
            query = NewsQuery(query_str=question)
            assert ids_and_scores(plain.retrieve(query)) == ids_and_scores(concurrent.retrieve(query))
        assert plain._pool is None  # nothing ran on the pool
    finally:
        plain.close()


def test_a_hit_the_catalog_no_longer_holds_is_dropped_and_takes_no_rank(sample_engine: Newsdesk) -> None:
    keyword = sample_engine.keyword_retriever
    stale = HybridRetriever([(WithStaleHits(keyword), 1.0), (sample_engine.dense_retriever, 1.0)], k=10)  # type: ignore[list-item]
    try:
        query = NewsQuery(query_str=QUESTIONS[0])
        first, _ = stale.ranked_lists(query)
        assert "replaced-doc:0" not in {n.node.node_id for n in first}
        assert first == keyword.retrieve(query)  # the real first hit still ranks first
        assert first[0].node.get_content() and first[0].node.metadata["doc_id"]
    finally:
        stale.close()


def test_a_filter_that_allows_no_documents_returns_nothing(sample_engine: Newsdesk) -> None:
    from ingest.catalog import DocumentFilter

    query = NewsQuery(query_str=QUESTIONS[0], filters=DocumentFilter(doc_ids=()))
    assert sample_engine.retriever.retrieve(query) == []


def test_close_stops_the_search_threads_and_a_later_search_starts_them_again(sample_engine: Newsdesk) -> None:
    retriever = HybridRetriever(
        [(sample_engine.dense_retriever, 1.0), (sample_engine.keyword_retriever, 1.0)]
    )
    query = NewsQuery(query_str=QUESTIONS[1])
    first = ids_and_scores(retriever.retrieve(query))
    retriever.close()
    assert retriever._pool is None
    assert ids_and_scores(retriever.retrieve(query)) == first
    retriever.close()


def test_searches_from_many_threads_at_once_get_what_they_get_alone(sample_engine: Newsdesk) -> None:
    from concurrent.futures import ThreadPoolExecutor

    retriever = sample_engine.retriever
    questions = QUESTIONS * 4
    alone = [ids_and_scores(retriever.retrieve(NewsQuery(query_str=q))) for q in questions]
    with ThreadPoolExecutor(max_workers=8) as clients:
        together = list(
            clients.map(lambda q: ids_and_scores(retriever.retrieve(NewsQuery(query_str=q))), questions)
        )
    assert together == alone


def test_records_are_read_for_the_fused_first_k_only(sample_engine: Newsdesk, monkeypatch) -> None:
    dense, keyword = sample_engine.dense_retriever, sample_engine.keyword_retriever
    retriever = HybridRetriever([(dense, 1.0), (keyword, 1.0)], k=5)
    catalog = sample_engine.catalog
    read: list[str] = []
    real = catalog.chunk_records

    def spy(ids):
        read.extend(ids)
        return real(ids)

    try:
        for question in QUESTIONS:
            query = NewsQuery(query_str=question)
            each = [dense.retrieve(query), keyword.retrieve(query)]
            assert len({n.node.node_id for ranked in each for n in ranked}) > 5, question
            read.clear()
            monkeypatch.setattr(catalog, "chunk_records", spy)
            fused = retriever.retrieve(query)
            monkeypatch.undo()
            assert ids_and_scores(fused) == rrf_by_hand(each, 5)
            assert sorted(read) == sorted(n.node.node_id for n in fused)
            assert all(n.node.get_content() for n in fused)
    finally:
        retriever.close()


def test_a_chunk_replaced_between_the_check_and_the_read_gives_its_place_to_the_next(
    sample_engine: Newsdesk, monkeypatch
) -> None:
    dense, keyword = sample_engine.dense_retriever, sample_engine.keyword_retriever
    retriever = HybridRetriever([(dense, 1.0), (keyword, 1.0)], k=5)
    query = NewsQuery(query_str=QUESTIONS[1])
    wider = HybridRetriever([(dense, 1.0), (keyword, 1.0)], k=10)
    try:
        longer = ids_and_scores(wider.retrieve(query))
        gone = longer[2][0]
        real = sample_engine.catalog.chunk_records

        def without_it(ids):
            return {c: r for c, r in real(ids).items() if c != gone}

        monkeypatch.setattr(sample_engine.catalog, "chunk_records", without_it)
        assert ids_and_scores(retriever.retrieve(query)) == [hit for hit in longer if hit[0] != gone][:5]
    finally:
        retriever.close()
        wider.close()


def test_recency_rescales_every_candidate_before_the_first_k_are_taken(fresh_engine: Newsdesk) -> None:
    from datetime import date

    from ingest.models import Article

    years = [2015, 2018, 2021, 2024]
    fresh_engine.ingest_articles(
        [
            Article(
                id=f"flood-{year}",
                title=f"River floods the valley in {year}",
                body=f"The river flooded the valley in {year}. Hundreds of people were evacuated from their "
                "homes after the flood, officials said. " + "The clean-up took weeks. " * (year - 2013),
                published=date(year, 6, 1),
            )
            for year in years
        ]
    )
    dense, keyword = fresh_engine.dense_retriever, fresh_engine.keyword_retriever
    retriever = HybridRetriever([(dense, 1.0), (keyword, 1.0)], k=2)
    today = date(2025, 1, 1)
    try:
        plain = NewsQuery(query_str="How many people were evacuated after the flood?")
        recent = NewsQuery(query_str=plain.query_str, recency=1.0, today=today)
        each = [dense.retrieve(plain), keyword.retrieve(plain)]
        published = {hit.node.node_id: hit.node.metadata["published"] for ranked in each for hit in ranked}
        by_hand = {
            cid: score * retriever.recency_factor(published[cid], today, 1.0)
            for cid, score in rrf_by_hand(each, 100, leaders=0)
        }
        expected = sorted(by_hand.items(), key=lambda item: item[1], reverse=True)[:2]
        got = ids_and_scores(retriever.retrieve(recent))
        assert [cid for cid, _ in got] == [cid for cid, _ in expected]
        assert [s for _, s in got] == [pytest.approx(s) for _, s in expected]
        assert got != ids_and_scores(retriever.retrieve(plain))  # the dates did change the order
        assert all(cid.startswith(("flood-2024", "flood-2021")) for cid, _ in got)
    finally:
        retriever.close()
