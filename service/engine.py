"""The composition root: builds the stores, retrievers and answerer from settings, and answers questions.

Everything the API, the UI, the CLI and the evaluation runner do goes through :class:`Newsdesk`, so the
pipeline is assembled in exactly one place. Swapping a retriever or the answerer is one line here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path

from llama_index.core.schema import NodeWithScore

from ingest.catalog import DocumentFilter
from ingest.chunking import split_sentences
from ingest.indexing import IngestReport
from ingest.loading import LoadError, load_paths
from ingest.models import Article
from service.answer.extractive import ExtractiveAnswerer
from service.answer.types import Answer, Answerer, AnswerEvent, Final
from service.answer.verification import SupportScorer
from service.judge.answerability import WordVectors
from service.judge.cross_encoder import CrossEncoder
from service.judge.direct_answer import EntityFinder
from service.judge.evidence import SentenceSplitCache, TermWeights
from service.judge.evidence_judge import EvidenceJudge
from service.judge.model import AnswerabilityModel, bundled_model_path, logit
from service.judge.rerank import CrossEncoderReranker
from service.retrieve.followups import Turn, rewrite_followup
from service.retrieve.keyword_queries import as_question
from service.retrieve.previous_answer import last_answer, quoted_article, with_article_chunks, within
from service.retrieve.retrievers import DenseRetriever, HybridRetriever, KeywordRetriever, NewsQuery
from service.settings import Settings
from service.stores import VectorStoreMismatchError, open_jobs, open_stores

__all__ = ["Newsdesk", "VectorStoreMismatchError", "sample_corpus_path"]


def sample_corpus_path() -> Path:
    return Path(str(resources.files("ingest") / "sample_corpus"))


class Newsdesk:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stores = stores = open_stores(settings, finish_abandoned_writes=True)
        self.catalog = stores.catalog
        self.embedder = stores.embedder
        self.vectors = stores.vectors
        self.keywords = stores.keywords
        self.indexer = stores.indexer
        self.write_lock = stores.write_lock
        # A previous process may have died mid-write: finish or undo that first.
        self.indexer.recover()
        self.jobs = open_jobs(settings, stores, self.indexer.ingest)

        self.splits = SentenceSplitCache(self.catalog)
        self.term_weights = TermWeights(self.keywords)
        self.cross_encoder = CrossEncoder(workers=settings.onnx_threads)
        self.dense_retriever = DenseRetriever(
            self.vectors, self.catalog, self.embedder, k=settings.candidates
        )
        self.keyword_retriever = KeywordRetriever(self.keywords, self.catalog, k=settings.candidates)
        self.retriever = HybridRetriever(
            [(self.dense_retriever, settings.dense_weight), (self.keyword_retriever, settings.bm25_weight)],
            rrf_k=settings.rrf_k,
            k=settings.candidates,
        )
        self.word_vectors = WordVectors(self.embedder)
        self.entities = EntityFinder()
        self.answerability = AnswerabilityModel.load(settings.answerability_model or bundled_model_path())
        self.judge = EvidenceJudge(
            self.cross_encoder,
            self.splits,
            self.term_weights,
            self.word_vectors,
            self.answerability,
            candidates=settings.answer_candidates,
            embedder=self.embedder,
            entities=self.entities,
        )
        self.reranker = (
            CrossEncoderReranker(
                self.judge,
                candidates=settings.rerank_candidates,
                sentences_per_chunk=settings.rerank_sentences,
            )
            if settings.rerank
            else None
        )
        self.support = SupportScorer(self.word_vectors, threshold=settings.support_threshold)
        self.answerer: Answerer = self._build_answerer()

    def _build_answerer(self) -> Answerer:
        """The backend NEWSDESK_ANSWERER names; the generative ones import their libraries only if chosen."""
        settings = self.settings
        if settings.answerer == "extractive":
            return ExtractiveAnswerer(
                self.judge,
                threshold=self.refusal_log_odds,
                max_passages=settings.max_answer_sentences,
                entities=self.entities,
            )
        from service.answer.generative import GenerativeAnswerer
        from service.answer.llm import generator_from_settings

        return GenerativeAnswerer(
            generator_from_settings(settings),
            self.judge,
            self.support,
            threshold=self.refusal_log_odds,
            sources=settings.llm_sources,
            max_passages=settings.max_answer_sentences,
        )

    @property
    def refusal_log_odds(self) -> float:
        """The refusal threshold on the judge's score scale (log-odds)."""
        return logit(self.settings.refusal_threshold or self.answerability.threshold)

    @property
    def model_id(self) -> str:
        """The answerer as /v1/models and /v1/chat/completions name it."""
        return f"newsdesk-{self.answerer.name}"

    # --- questions ---------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        filters: DocumentFilter | None = None,
        recency: float = 0.0,
        rerank: bool | None = None,
    ) -> list[NodeWithScore]:
        """Ranked chunks for a standalone query: hybrid retrieval, then (optionally) reranking."""
        return self.rank(NewsQuery(query_str=query, filters=filters, recency=recency), rerank)

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
        started = time.perf_counter()
        query, nodes, timings = self.gather_evidence(question, history, filters, recency)
        mark = time.perf_counter()
        answer = self.answerer.answer(query, nodes[: top_k or self.settings.top_k])
        return self._finish(answer, query, timings, mark, started), nodes

    def ask_stream(
        self,
        question: str,
        top_k: int | None = None,
        history: Sequence[Turn | dict[str, str]] = (),
        filters: DocumentFilter | None = None,
        recency: float = 0.0,
    ) -> Iterator[AnswerEvent]:
        """As :meth:`ask`, as it is written: ``Draft`` and ``Verified`` text, then one ``Final`` answer."""
        started = time.perf_counter()
        query, nodes, timings = self.gather_evidence(question, history, filters, recency)
        mark = time.perf_counter()
        for event in self.answerer.stream(query, nodes[: top_k or self.settings.top_k]):
            if isinstance(event, Final):
                event = Final(self._finish(event.answer, query, timings, mark, started))
            yield event

    def gather_evidence(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] = (),
        filters: DocumentFilter | None = None,
        recency: float = 0.0,
    ) -> tuple[str, list[NodeWithScore], dict[str, float]]:
        """The standalone query and every ranked chunk (best first), with the time each step took."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        query = as_question(
            rewrite_followup(question, history, self.entities.labels, self.entities.short_answer)
            if history
            else question
        )
        timings["rewrite"] = _elapsed_ms(started)

        nodes = self.rank(NewsQuery(query_str=query, filters=filters, recency=recency), timings=timings)
        if history and self.settings.followup_article_chunks:
            started = time.perf_counter()
            nodes = self._with_previous_article(query, nodes, history, filters, recency)
            timings["previous_article"] = _elapsed_ms(started)
        return query, nodes, timings

    def _with_previous_article(
        self,
        query: str,
        nodes: list[NodeWithScore],
        history: Sequence[Turn | dict[str, str]],
        filters: DocumentFilter | None,
        recency: float,
    ) -> list[NodeWithScore]:
        """``nodes`` with the best chunks, for ``query``, of the article the previous answer quoted: a
        follow-up's answer is most often in the same story, which the rewritten question may not find."""
        answer = last_answer(history)
        article = quoted_article(answer, self.keywords, self.catalog) if answer else None
        narrowed = within(article, filters) if article else None
        if narrowed is None:
            return nodes
        found = self.rank(NewsQuery(query_str=query, filters=narrowed, recency=recency), rerank=False)
        return with_article_chunks(nodes, found[: self.settings.followup_article_chunks], self.settings.top_k)

    def rank(
        self, bundle: NewsQuery, rerank: bool | None = None, timings: dict[str, float] | None = None
    ) -> list[NodeWithScore]:
        """The one place the stages compose: hybrid retrieval, then the reranker (unless ``rerank`` is False).

        ``timings`` (if given) receives the milliseconds of each, as ``retrieve`` and ``rerank``.
        """
        mark = time.perf_counter()
        nodes = self.retriever.retrieve(bundle)
        retrieved = _elapsed_ms(mark)

        mark = time.perf_counter()
        use_reranker = self.settings.rerank if rerank is None else rerank
        if use_reranker and self.reranker is not None:
            nodes = self.reranker.postprocess_nodes(nodes, bundle)
        if timings is not None:
            timings["retrieve"] = retrieved
            timings["rerank"] = _elapsed_ms(mark)
        return nodes

    @staticmethod
    def _finish(
        answer: Answer, query: str, timings: dict[str, float], answer_started: float, started: float
    ) -> Answer:
        # The answerer's own steps (judge, first_token, generate) sit beside the pipeline's.
        answer.timings_ms = {**timings, **answer.timings_ms, "answer": _elapsed_ms(answer_started)}
        answer.timings_ms["total"] = _elapsed_ms(started)
        answer.query = query
        return answer

    # --- documents ---------------------------------------------------------------------------------------

    def ingest_paths(self, paths: Iterable[Path], progress: bool = False) -> IngestReport:
        return self.indexer.ingest(
            load_paths(paths, max_file_bytes=self.settings.max_file_bytes), progress=progress
        )

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

    def warm_up(self) -> None:
        """Load the models (and the sentence splitter, seconds of imports) now rather than on first use."""
        split_sentences("Warm up. Then go.")
        self.embedder.embed_query("warm up")
        self.cross_encoder.warm_up()
        self.entities.warm_up()
        generator = getattr(self.answerer, "generator", None)
        if generator is not None:
            generator.warm_up()

    def close(self) -> None:
        self.jobs.shutdown()
        self.retriever.close()
        self.stores.close()


def _elapsed_ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
