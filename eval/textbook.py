"""The textbook llama-index pipeline, as the baseline every report puts beside Newsdesk.

SentenceSplitter(chunk_size=512, chunk_overlap=50) over the raw article text, all-MiniLM-L6-v2 through
llama-index's HuggingFaceEmbedding (its defaults), a Chroma collection through ChromaVectorStore, and a
VectorStoreIndex retriever returning the top 5 chunks by cosine similarity. It has no answerer of its own and
cannot refuse: its "answer" is its best chunk and its citations are the five chunks it retrieved.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.embedding import NewsdeskEmbeddingFunction, bundled_model_path
from ingest.loading import LoadError
from ingest.models import Article

CHUNK_SIZE = 512
CHUNK_OVERLAP = 50
TOP_K = 5


@dataclass(frozen=True)
class TextbookHit:
    doc_id: str
    text: str
    start: int
    end: int
    score: float


def raw_text(article: Article) -> str:
    """What a textbook pipeline indexes: the headline and the body as loaded, boilerplate and all."""
    return f"{article.title}\n\n{article.body}"


class TextbookPipeline:
    def __init__(self, persist_dir: Path) -> None:
        import chromadb
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.embed_model = HuggingFaceEmbedding(model_name=bundled_model_path())
        LlamaSettings.llm = None  # no LLM: retrieval only
        client = chromadb.PersistentClient(
            path=str(persist_dir), settings=chromadb.Settings(anonymized_telemetry=False)
        )
        # Our embedding function only so Chroma never instantiates its hub-downloading default; llama-index
        # passes its own embeddings on every add and query.
        collection = client.get_or_create_collection(
            "textbook",
            embedding_function=NewsdeskEmbeddingFunction(),
            configuration={"hnsw": {"space": "cosine"}},
        )
        self.vector_store = ChromaVectorStore(chroma_collection=collection)
        self.splitter = SentenceSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        self.index = VectorStoreIndex.from_vector_store(
            self.vector_store,
            embed_model=self.embed_model,
            storage_context=StorageContext.from_defaults(vector_store=self.vector_store),
        )
        self.texts: dict[str, str] = {}
        self._storage_context = StorageContext
        self._index_class = VectorStoreIndex

    def ingest(self, articles: Iterable[Article | LoadError]) -> tuple[int, int, float]:
        """Index the articles; returns (documents, chunks, seconds)."""
        from llama_index.core import Document

        started = time.perf_counter()
        documents = []
        for article in articles:
            if isinstance(article, LoadError):
                continue
            text = raw_text(article)
            self.texts[article.id] = text
            documents.append(Document(text=text, doc_id=article.id, metadata={"doc_id": article.id}))
        nodes = self.splitter.get_nodes_from_documents(documents)
        self.index.insert_nodes(nodes)
        return len(documents), len(nodes), time.perf_counter() - started

    def retrieve(self, question: str, k: int = TOP_K) -> list[TextbookHit]:
        retriever = self.index.as_retriever(similarity_top_k=k)
        hits = []
        for hit in retriever.retrieve(question):
            node: Any = hit.node
            hits.append(
                TextbookHit(
                    doc_id=node.metadata.get("doc_id", node.ref_doc_id or ""),
                    text=node.get_content(),
                    start=node.start_char_idx if node.start_char_idx is not None else -1,
                    end=node.end_char_idx if node.end_char_idx is not None else -1,
                    score=float(hit.score or 0.0),
                )
            )
        return hits
