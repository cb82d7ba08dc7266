"""Filler for the big indexes: synthetic documents whose sentences are drawn from the benchmark articles and
whose vectors are perturbed copies of real chunk vectors, written through the real write path."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from eval.benchmarks.measure import directory_bytes, mib, rate
from ingest.models import Article
from service.settings import Settings

FILLER_NOISE = 0.5  # Gaussian noise (norm) added to a real unit vector: cosine ~0.9 to its source
FILLER_PREFIX = "fill-"


@dataclass(frozen=True)
class FillerPool:
    """What filler documents are made of: real sentences, headlines, sources, and real chunk vectors."""

    sentences: list[str]
    titles: list[str]
    sources: list[str]
    vectors: np.ndarray


def filler_pool(articles: Sequence[Article], vectors: np.ndarray) -> FillerPool:
    from ingest.chunking import split_sentences
    from ingest.documents import clean_document

    sentences, titles = [], []
    for article in articles:
        document = clean_document(article)
        spans = split_sentences(document.text)[1:]  # the first sentence is the headline
        sentences.extend(document.text[s:e] for s, e in spans)
        titles.append(document.title)
    sources = sorted({a.source for a in articles if a.source}) or ["Newsdesk Bench Wire"]
    return FillerPool(sentences, titles, sources, np.asarray(vectors, dtype=np.float32))


def perturbed(rng: np.random.Generator, base: np.ndarray, count: int) -> np.ndarray:
    """Unit vectors near randomly chosen real ones: clustered like real embeddings, unlike uniform noise."""
    picked = base[rng.integers(0, len(base), size=count)]
    noise = rng.standard_normal(picked.shape).astype(np.float32) * (FILLER_NOISE / math.sqrt(base.shape[1]))
    vectors = picked + noise
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def filler_document(pool: FillerPool, rng: random.Random, number: int) -> tuple[Any, list[tuple[int, int]]]:
    """A news-like document of 6-14 paragraphs of real sentences, and its sentence spans."""
    from ingest.models import Document

    title = rng.choice(pool.titles)
    parts, spans = [title], [(0, len(title))]
    position = len(title)
    for _ in range(rng.randint(6, 14)):
        position += 2
        paragraph = []
        for _ in range(rng.randint(1, 3)):
            sentence = rng.choice(pool.sentences)
            start = position + sum(len(s) + 1 for s in paragraph)
            spans.append((start, start + len(sentence)))
            paragraph.append(sentence)
        text = " ".join(paragraph)
        parts.append(text)
        position += len(text)
    document = Document(
        id=f"{FILLER_PREFIX}{number:07d}",
        title=title,
        text="\n\n".join(parts),
        source=rng.choice(pool.sources),
        published=date(2012, 1, 1) + timedelta(days=rng.randrange(13 * 365)),
    )
    return document, spans


def fill_index(
    settings: Settings,
    pool: FillerPool,
    target_chunks: int,
    seed: int,
    sentence_vectors: bool = True,
    batch_documents: int = 500,
    deadline: float | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Add filler documents through the real write path until the index holds ``target_chunks`` chunks.

    ``sentence_vectors``: the answerer reads them for the chunks it judges; retrieval alone never does, and at
    a million chunks they would be gigabytes, so the scale indexes go without.
    """
    from tqdm import tqdm

    from ingest.chunking import chunk_article
    from ingest.embedding import ChunkEmbedding
    from ingest.indexing import PreparedDocument, chunk_sentences, document_version
    from service.stores import open_stores

    stores = open_stores(settings)
    started = time.perf_counter()
    try:
        have = stores.catalog.count_chunks()
        number = sum(1 for d in stores.catalog.iter_document_ids() if d.startswith(FILLER_PREFIX))
        rng = random.Random(seed * 1_000_003 + number)
        vectors_rng = np.random.default_rng([seed, number])
        added, stopped_early = 0, False
        with tqdm(total=target_chunks, initial=have, unit="chunk", desc="fill", disable=not progress) as bar:
            while have + added < target_chunks:
                if deadline is not None and time.monotonic() > deadline:
                    stopped_early = True
                    break
                batch: list[PreparedDocument] = []
                batch_chunks = 0
                while len(batch) < batch_documents and have + added + batch_chunks < target_chunks:
                    document, spans = filler_document(pool, rng, number)
                    number += 1
                    chunks = chunk_article(
                        document.id, document.text, max_tokens=settings.chunk_tokens, sentences=spans
                    )
                    batch.append(PreparedDocument(document, document_version(document), chunks, spans))
                    batch_chunks += len(chunks)
                embeddings = []
                chunk_vectors = perturbed(vectors_rng, pool.vectors, batch_chunks)
                row = 0
                for prepared in batch:
                    for chunk in prepared.chunks:
                        inside = len(chunk_sentences(prepared, chunk))
                        sentences = (
                            perturbed(vectors_rng, chunk_vectors[row : row + 1], inside).astype(np.float32)
                            if sentence_vectors and inside
                            else np.zeros((0, pool.vectors.shape[1]), dtype=np.float32)
                        )
                        embeddings.append(ChunkEmbedding(chunk_vectors[row], sentences))
                        row += 1
                stores.indexer.write(batch, embeddings)
                added += batch_chunks
                bar.update(batch_chunks)
        total = stores.catalog.count_chunks()
    finally:
        stores.close()
    seconds = time.perf_counter() - started
    return {
        "chunks_before": have,
        "chunks_added": added,
        "chunks": total,
        "seconds": round(seconds, 2),
        "chunks_per_s": rate(added, seconds),
        "stopped_at_time_limit": stopped_early,
    }


def read_chunk_vectors(settings: Settings, limit: int = 20_000) -> np.ndarray:
    """Real chunk vectors from an index the pipeline built: the seeds of the filler's vectors."""
    from ingest.embedding import Embedder
    from ingest.vector_store import VectorStore, connect

    vectors = VectorStore(connect(path=settings.chroma_path), settings.collection, Embedder())
    got = vectors.collection.get(include=["embeddings"], limit=limit)
    return np.asarray(got["embeddings"], dtype=np.float32)


def fill_child(settings: Settings, pool: FillerPool, target: int, seed: int, options: dict) -> dict[str, Any]:
    result = fill_index(settings, pool, target, seed, **options)
    result["disk_mib"] = mib(directory_bytes(settings.data_dir))
    return result
