"""The composition root: builds the stores, retrievers and answerer from settings, and answers questions.

Everything the API, the UI, the CLI and the evaluation runner do goes through :class:`Newsdesk`, so the
pipeline is assembled in exactly one place. Swapping a retriever or the answerer is one line here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from llama_index.core.schema import NodeWithScore

from ingest.catalog import Catalog, DocumentFilter
from ingest.embedding import Embedder
from ingest.indexing import Indexer, IngestReport
from ingest.keyword_index import KeywordIndex
from ingest.loading import LoadError, load_paths
from ingest.models import Article
from ingest.vector_store import VectorStore, connect
from ingest.write_lock import WriteLock
from service.answerability import WordVectors
from service.answering import Answer, Answerer, EvidenceJudge, ExtractiveAnswerer
from service.cross_encoder import CrossEncoder
from service.evidence import SentenceSplitCache, TermWeights
from service.followups import Turn, rewrite_followup
from service.jobs import IngestJobs
from service.reranking import CrossEncoderReranker
from service.retrieval import DenseRetriever, HybridRetriever, KeywordRetriever, NewsQuery
from service.settings import Settings

COLLECTION_ID_KEY = "chroma_collection_id"


class VectorStoreMismatchError(ValueError):
    """The configured vector store is not the one this data directory's catalog was indexed into."""


def sample_corpus_path() -> Path:
    return Path(str(resources.files("ingest") / "sample_corpus"))


class Newsdesk:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.write_lock = WriteLock(settings.data_dir / "write.lock")
        self.embedder = Embedder(batch_size=settings.embedding_batch_size)
        # Several processes may start on one empty data directory at once (API workers sharing a volume and
        # a Chroma server): creating the catalog, the keyword index and the collection is one writer's job.
        with self.write_lock():
            self.catalog = Catalog(settings.catalog_path)
            client = (
                connect(host=settings.chroma_host, port=settings.chroma_port)
                if settings.chroma_host
                else connect(path=settings.chroma_path)
            )
            self.vectors = VectorStore(client, settings.collection, self.embedder)
            self.keywords = KeywordIndex(settings.keyword_index_path)
            self._bind_vector_store()
        self.indexer = Indexer(
            self.catalog,
            self.vectors,
            self.keywords,
            self.embedder,
            lock=self.write_lock,
            chunk_tokens=settings.chunk_tokens,
        )
        # A previous process may have died mid-write: finish or undo that first.
        self.indexer.recover()
        self.jobs = IngestJobs(self.catalog, self.indexer.ingest)

        self.splits = SentenceSplitCache(self.catalog)
        self.term_weights = TermWeights(self.keywords)
        self.cross_encoder = CrossEncoder(threads=settings.onnx_threads)
        self.dense_retriever = DenseRetriever(
            self.vectors, self.catalog, self.embedder, k=settings.candidates
        )
        self.keyword_retriever = KeywordRetriever(self.keywords, self.catalog, k=settings.candidates)
        self.retriever = HybridRetriever(
            [(self.dense_retriever, settings.dense_weight), (self.keyword_retriever, settings.bm25_weight)],
            rrf_k=settings.rrf_k,
            k=settings.candidates,
        )
        self.reranker = (
            CrossEncoderReranker(
                self.cross_encoder,
                self.splits,
                self.term_weights,
                candidates=settings.rerank_candidates,
                sentences_per_chunk=settings.rerank_sentences,
            )
            if settings.rerank
            else None
        )
        self.word_vectors = WordVectors(self.embedder)
        self.judge = EvidenceJudge(
            self.cross_encoder,
            self.splits,
            self.term_weights,
            self.word_vectors,
            coverage_weight=settings.coverage_weight,
            candidates=settings.answer_candidates,
        )
        self.answerer: Answerer = ExtractiveAnswerer(
            self.judge, threshold=settings.refusal_threshold, max_passages=settings.max_answer_sentences
        )

    # --- questions ---------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        filters: DocumentFilter | None = None,
        recency: float = 0.0,
        rerank: bool | None = None,
    ) -> list[NodeWithScore]:
        """Ranked chunks for a standalone query: hybrid retrieval, then (optionally) reranking."""
        bundle = NewsQuery(query_str=query, filters=filters, recency=recency)
        nodes = self.retriever.retrieve(bundle)
        use_reranker = self.settings.rerank if rerank is None else rerank
        if use_reranker and self.reranker is not None:
            nodes = self.reranker.postprocess_nodes(nodes, bundle)
        return nodes

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        history: Sequence[Turn | dict[str, str]] = (),
        filters: DocumentFilter | None = None,
        recency: float = 0.0,
    ) -> Answer:
        return self.ask_traced(question, top_k, history, filters, recency)[0]

    def ask_traced(
        self,
        question: str,
        top_k: int | None = None,
        history: Sequence[Turn | dict[str, str]] = (),
        filters: DocumentFilter | None = None,
        recency: float = 0.0,
    ) -> tuple[Answer, list[NodeWithScore]]:
        """The answer and the ranked chunks it was drawn from (the evaluation runner scores both)."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        query = rewrite_followup(question, history)
        timings["rewrite"] = _elapsed_ms(started)

        mark = time.perf_counter()
        bundle = NewsQuery(query_str=query, filters=filters, recency=recency)
        nodes = self.retriever.retrieve(bundle)
        timings["retrieve"] = _elapsed_ms(mark)

        mark = time.perf_counter()
        if self.reranker is not None:
            nodes = self.reranker.postprocess_nodes(nodes, bundle)
        timings["rerank"] = _elapsed_ms(mark)

        mark = time.perf_counter()
        answer = self.answerer.answer(query, nodes[: top_k or self.settings.top_k])
        timings["answer"] = _elapsed_ms(mark)
        timings["total"] = _elapsed_ms(started)

        answer.timings_ms = timings
        answer.query = query
        return answer, nodes

    # --- documents ---------------------------------------------------------------------------------------

    def ingest_paths(self, paths: Iterable[Path], progress: bool = False) -> IngestReport:
        return self.indexer.ingest(load_paths(paths), progress=progress)

    def ingest_articles(
        self, articles: Iterable[Article | LoadError], progress: bool = False
    ) -> IngestReport:
        return self.indexer.ingest(articles, progress=progress)

    def ingest_sample_if_empty(self, progress: bool = False) -> IngestReport | None:
        """The bundled sample corpus, if the index is empty; ``None`` when it is not.

        Workers sharing a data directory start together: the first to take the write lock ingests, the others
        wait for it and then find the index full.
        """
        with self.write_lock():
            if self.catalog.count_documents() > 0:
                return None
            return self.ingest_paths([sample_corpus_path()], progress=progress)

    def delete(self, doc_ids: Sequence[str]) -> list[str]:
        return self.indexer.delete(doc_ids)

    def _bind_vector_store(self) -> None:
        """A catalog belongs to one Chroma collection: refuse any other, whose vectors would not match it.

        Catches a data directory indexed in embedded mode and then served against a Chroma server (or a new
        server, or a wiped store): every dense search would silently miss.
        """
        collection_id = str(self.vectors.collection.id)
        bound = self.catalog.get_meta(COLLECTION_ID_KEY)
        if bound == collection_id:
            return
        if bound is not None and self.catalog.count_documents() > 0:
            where = (
                f"the Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port}"
                if self.settings.chroma_host
                else f"the embedded store in {self.settings.chroma_path}"
            )
            raise VectorStoreMismatchError(
                f"{self.settings.data_dir} was indexed into Chroma collection {bound}, but "
                f"{where} has collection {collection_id} ({self.settings.collection!r}): point "
                "NEWSDESK_CHROMA_HOST and NEWSDESK_CHROMA_PORT at the store it was built with, or ingest "
                "into a new data directory"
            )
        self.catalog.set_meta(COLLECTION_ID_KEY, collection_id)

    def warm_up(self) -> None:
        """Load the models now rather than on the first question."""
        self.embedder.embed_query("warm up")
        self.cross_encoder.warm_up()

    def close(self) -> None:
        self.jobs.shutdown()
        self.catalog.close()


def _elapsed_ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
