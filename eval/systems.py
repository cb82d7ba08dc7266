"""The systems an evaluation run compares, behind one small interface.

``NewsdeskSystem`` runs the engine in-process over a fresh index; ``RemoteSystem`` asks a running service over
HTTP (``--url``); ``TextbookSystem`` is the llama-index baseline. Retrieval variants (dense only, BM25 only,
hybrid, hybrid + rerank) rank chunks for the retrieval table without answering.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from eval.textbook import TextbookPipeline
from service.engine import Newsdesk
from service.retrieve.retrievers import NewsQuery

RANKED_DEPTH = 10


@dataclass(frozen=True)
class CitedSnippet:
    n: int
    doc_id: str
    snippet: str
    start: int
    end: int
    valid: bool  # the snippet is exactly the document's text at its offsets


@dataclass
class SystemAnswer:
    answer: str
    grounded: bool
    citations: list[CitedSnippet]
    ranked_doc_ids: list[str]  # documents of the ranked chunks the answer drew on, best first
    timings_ms: dict[str, float] = field(default_factory=dict)
    query: str = ""  # what was searched, when the system rewrote the question (a follow-up)
    direct_answer: str | None = None  # the short answer (a date, name, number, place), if the system gave one


# A conversation's earlier turns, oldest first: {"role": "user" | "assistant", "content": ...}.
History = Sequence[dict[str, str]]


class EvalSystem(Protocol):
    name: str

    def answer(self, question: str, history: History = ()) -> SystemAnswer: ...


class DocumentTexts:
    """Document text by id, fetched once: citation validity compares snippets against it."""

    def __init__(self, fetch: Callable[[str], str | None]) -> None:
        self._fetch = fetch
        self._texts: dict[str, str | None] = {}

    def get(self, doc_id: str) -> str | None:
        if doc_id not in self._texts:
            self._texts[doc_id] = self._fetch(doc_id)
        return self._texts[doc_id]

    def valid(self, doc_id: str, snippet: str, start: int, end: int) -> bool:
        text = self.get(doc_id)
        return text is not None and 0 <= start <= end <= len(text) and text[start:end] == snippet


class NewsdeskSystem:
    def __init__(self, engine: Newsdesk, name: str = "newsdesk") -> None:
        self.name = name
        self.engine = engine
        self.texts = DocumentTexts(lambda doc_id: getattr(engine.catalog.get_document(doc_id), "text", None))

    def answer(self, question: str, history: History = ()) -> SystemAnswer:
        answer, nodes = self.engine.ask_traced(question, history=history)
        return SystemAnswer(
            answer=answer.answer,
            grounded=answer.grounded,
            citations=[
                CitedSnippet(
                    c.n,
                    c.doc_id,
                    c.snippet,
                    c.start,
                    c.end,
                    self.texts.valid(c.doc_id, c.snippet, c.start, c.end),
                )
                for c in answer.citations
            ],
            ranked_doc_ids=[n.node.metadata["doc_id"] for n in nodes[:RANKED_DEPTH]],
            timings_ms=dict(answer.timings_ms),
            query=answer.query,
            direct_answer=answer.direct_answer.text if answer.direct_answer else None,
        )


class RemoteSystem:
    """A running Newsdesk service: /v1/ask for answers, /v1/search for the ranking."""

    def __init__(
        self, url: str, name: str = "newsdesk", api_key: str | None = None, timeout: float = 60.0
    ) -> None:
        self.name = name
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=url.rstrip("/"), timeout=timeout, headers=headers)
        self.texts = DocumentTexts(self._document_text)

    def _document_text(self, doc_id: str) -> str | None:
        response = self.client.get(f"/v1/documents/{doc_id}")
        return response.json()["text"] if response.status_code == 200 else None

    def answer(self, question: str, history: History = ()) -> SystemAnswer:
        started = time.perf_counter()
        response = self.client.post("/v1/ask", json={"question": question, "history": list(history)})
        response.raise_for_status()
        body = response.json()
        roundtrip = (time.perf_counter() - started) * 1000
        ranking = self.client.post(
            "/v1/search", json={"query": body.get("query") or question, "top_k": RANKED_DEPTH}
        )
        ranking.raise_for_status()
        timings = dict(body.get("timings_ms", {}))
        timings["http_total"] = round(roundtrip, 2)
        return SystemAnswer(
            answer=body["answer"],
            grounded=body["grounded"],
            citations=[
                CitedSnippet(
                    c["n"], c["doc_id"], c["snippet"], c["start"], c["end"],
                    self.texts.valid(c["doc_id"], c["snippet"], c["start"], c["end"]),
                )
                for c in body["citations"]
            ],
            ranked_doc_ids=[hit["doc_id"] for hit in ranking.json()["results"]],
            timings_ms=timings,
            query=body.get("query") or "",
            direct_answer=(body.get("direct_answer") or {}).get("text"),
        )  # fmt: skip


class TextbookSystem:
    """The baseline answers with its best chunk and cites its five; it cannot refuse."""

    name = "textbook"

    def __init__(self, pipeline: TextbookPipeline) -> None:
        self.pipeline = pipeline
        self.texts = DocumentTexts(pipeline.texts.get)

    def answer(self, question: str, history: History = ()) -> SystemAnswer:
        # The textbook pipeline has no notion of a conversation: it searches with the earlier questions
        # prepended, the usual way a plain retriever is handed context.
        earlier = " ".join(turn["content"] for turn in history if turn.get("role") == "user")
        started = time.perf_counter()
        hits = self.pipeline.retrieve(f"{earlier} {question}".strip(), k=RANKED_DEPTH)
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        top = hits[:5]
        return SystemAnswer(
            answer=top[0].text if top else "",
            grounded=bool(top),
            citations=[
                CitedSnippet(
                    n, h.doc_id, h.text, h.start, h.end, self.texts.valid(h.doc_id, h.text, h.start, h.end)
                )
                for n, h in enumerate(top, start=1)
            ],
            ranked_doc_ids=[h.doc_id for h in hits],
            timings_ms={"retrieve": elapsed, "total": elapsed},
        )


@dataclass(frozen=True)
class RetrievalVariant:
    """A way of ranking chunks for a question, for the side-by-side retrieval table."""

    name: str
    rank: Callable[[str], list[str]]  # question -> doc ids of the ranked chunks, best first


def newsdesk_variants(engine: Newsdesk) -> list[RetrievalVariant]:
    def ranked(retrieve: Callable[[NewsQuery], list]) -> Callable[[str], list[str]]:
        return lambda q: [n.node.metadata["doc_id"] for n in retrieve(NewsQuery(query_str=q))[:RANKED_DEPTH]]

    return [
        RetrievalVariant("dense", ranked(engine.dense_retriever.retrieve)),
        RetrievalVariant("bm25", ranked(engine.keyword_retriever.retrieve)),
        RetrievalVariant("hybrid", ranked(engine.retriever.retrieve)),
        RetrievalVariant(
            "hybrid+rerank",
            lambda q: [n.node.metadata["doc_id"] for n in engine.search(q, rerank=True)[:RANKED_DEPTH]],
        ),
    ]


def textbook_variant(pipeline: TextbookPipeline) -> RetrievalVariant:
    return RetrievalVariant("textbook", lambda q: [h.doc_id for h in pipeline.retrieve(q, k=RANKED_DEPTH)])
