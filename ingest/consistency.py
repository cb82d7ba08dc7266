"""Do the three stores agree? The catalog (the source of truth) against the vector store and keyword index.

:func:`compare` is the pure core: given the ids each store holds, it names the drift. :func:`inspect_stores`
reads the stores into it; :func:`repair` fixes drift under the indexer's write lock: it finishes or undoes
journaled writes, re-chunks documents whose chunk rows disagree with their recorded count, deletes index
entries the catalog does not know (orphans, and every copy of a duplicated one) and re-embeds / re-adds
catalog chunks an index lacks, from the catalog's document text and chunk offsets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.catalog import CatalogStore, PendingWrite
from ingest.chunking import chunk_article
from ingest.indexing import Indexer, embedding_text
from ingest.keyword_index import KeywordEntry, KeywordSearch
from ingest.models import Chunk, Document
from ingest.vector_store import ChunkVector, VectorStore

# Missing chunks are re-embedded this many at a time, so repairing a wiped index needs bounded memory.
REPAIR_BATCH = 256
# How many ids of each kind a report lists in its text form; the counts are always complete.
SHOWN_IDS = 5


@dataclass(frozen=True)
class CountMismatch:
    """A document whose recorded ``chunk_count`` differs from the chunk rows the catalog holds for it."""

    doc_id: str
    recorded: int
    actual: int


@dataclass
class ConsistencyReport:
    documents: int
    catalog_chunks: int
    vector_chunks: int
    keyword_chunks: int
    pending: list[PendingWrite] = field(default_factory=list)
    missing_vectors: list[str] = field(default_factory=list)  # in the catalog, not in the vector store
    missing_keywords: list[str] = field(default_factory=list)  # in the catalog, not in the keyword index
    orphan_vectors: list[str] = field(default_factory=list)  # in the vector store, not in the catalog
    orphan_keywords: list[str] = field(default_factory=list)  # in the keyword index, not in the catalog
    duplicate_vectors: list[str] = field(default_factory=list)  # held more than once
    duplicate_keywords: list[str] = field(default_factory=list)
    count_mismatches: list[CountMismatch] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        """One line per kind of drift, with a few example ids; empty when the stores agree."""
        lines: list[str] = []
        if self.pending:
            lines.append(_line("journaled writes not finished", [p.doc_id for p in self.pending]))
        for label, ids in (
            ("chunks missing from the vector store", self.missing_vectors),
            ("chunks missing from the keyword index", self.missing_keywords),
            ("orphan chunks in the vector store", self.orphan_vectors),
            ("orphan chunks in the keyword index", self.orphan_keywords),
            ("duplicated chunks in the vector store", self.duplicate_vectors),
            ("duplicated chunks in the keyword index", self.duplicate_keywords),
        ):
            if ids:
                lines.append(_line(label, ids))
        if self.count_mismatches:
            lines.append(
                _line(
                    "documents whose chunk count disagrees with their chunk rows",
                    [f"{m.doc_id} ({m.recorded} recorded, {m.actual} rows)" for m in self.count_mismatches],
                )
            )
        return lines

    def summary(self) -> str:
        return (
            f"{self.documents} documents; chunks: {self.catalog_chunks} in the catalog, "
            f"{self.vector_chunks} in the vector store, {self.keyword_chunks} in the keyword index"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "consistent": self.consistent}


def _line(label: str, items: Sequence[str]) -> str:
    shown = ", ".join(items[:SHOWN_IDS]) + (", ..." if len(items) > SHOWN_IDS else "")
    return f"{len(items)} {label}: {shown}"


def compare(
    catalog_ids: Iterable[str],
    vector_ids: Iterable[str],
    keyword_ids: Iterable[str],
    recorded_counts: dict[str, int],
    actual_counts: dict[str, int],
    pending: Sequence[PendingWrite] = (),
) -> ConsistencyReport:
    """The drift between the catalog's chunk ids and each index's (ids may repeat in an index)."""
    catalog = set(catalog_ids)
    vectors = Counter(vector_ids)
    keywords = Counter(keyword_ids)
    mismatches = [
        CountMismatch(doc_id, recorded, actual_counts.get(doc_id, 0))
        for doc_id, recorded in sorted(recorded_counts.items())
        if actual_counts.get(doc_id, 0) != recorded
    ]
    return ConsistencyReport(
        documents=len(recorded_counts),
        catalog_chunks=len(catalog),
        vector_chunks=sum(vectors.values()),
        keyword_chunks=sum(keywords.values()),
        pending=list(pending),
        missing_vectors=sorted(catalog - vectors.keys()),
        missing_keywords=sorted(catalog - keywords.keys()),
        orphan_vectors=sorted(vectors.keys() - catalog),
        orphan_keywords=sorted(keywords.keys() - catalog),
        duplicate_vectors=sorted(i for i, n in vectors.items() if n > 1),
        duplicate_keywords=sorted(i for i, n in keywords.items() if n > 1),
        count_mismatches=mismatches,
    )


def inspect_stores(catalog: CatalogStore, vectors: VectorStore, keywords: KeywordSearch) -> ConsistencyReport:
    """Read every store's ids and compare them; callers hold the write lock for a stable view."""
    versions = catalog.current_versions()
    return compare(
        catalog.current_chunk_ids(),
        vectors.iter_ids(),
        keywords.iter_ids(),
        recorded_counts={doc_id: count for doc_id, (_, count) in versions.items()},
        actual_counts=catalog.chunk_row_counts(),
        pending=catalog.pending_writes(),
    )


@dataclass
class RepairResult:
    before: ConsistencyReport
    after: ConsistencyReport
    recovered: int = 0  # journaled documents finished or undone
    rechunked: list[str] = field(default_factory=list)
    deleted_vectors: int = 0
    deleted_keywords: int = 0
    added_vectors: int = 0
    added_keywords: int = 0

    def summary(self) -> str:
        return (
            f"repaired: {self.recovered} journaled writes resolved, {len(self.rechunked)} documents "
            f"re-chunked; deleted {self.deleted_vectors} vectors, {self.deleted_keywords} keyword entries; "
            f"re-added {self.added_vectors} vectors, {self.added_keywords} keyword entries"
        )


def check(indexer: Indexer) -> ConsistencyReport:
    """A consistent snapshot: writers (in any process) are held off while the ids are read."""
    with indexer.write_lock():
        return inspect_stores(indexer.catalog, indexer.vectors, indexer.keywords)


def repair(indexer: Indexer) -> RepairResult:
    """Bring both indexes in line with the catalog; everything happens under the write lock."""
    with indexer.write_lock():
        catalog, vectors, keywords = indexer.catalog, indexer.vectors, indexer.keywords
        before = inspect_stores(catalog, vectors, keywords)
        result = RepairResult(before=before, after=before)
        result.recovered = indexer.recover_locked()
        result.rechunked = _rechunk(catalog, before.count_mismatches, indexer.chunk_tokens)
        drift = inspect_stores(catalog, vectors, keywords)

        vectors.delete(drift.orphan_vectors)
        result.deleted_vectors = len(drift.orphan_vectors)
        # Deleting by id removes every copy of a duplicate; the catalog's ones are added back once below.
        stale_keywords = sorted(set(drift.orphan_keywords) | set(drift.duplicate_keywords))
        if stale_keywords:
            with keywords.writer() as writer:
                for cid in stale_keywords:
                    writer.delete_chunk(cid)
        result.deleted_keywords = len(stale_keywords)

        catalog_ids = catalog.current_chunk_ids()
        readd_keywords = set(drift.missing_keywords) | (set(drift.duplicate_keywords) & catalog_ids)
        readd_vectors = set(drift.missing_vectors)
        wanted = sorted(readd_vectors | readd_keywords)
        for start in range(0, len(wanted), REPAIR_BATCH):
            batch = wanted[start : start + REPAIR_BATCH]
            added_vectors, added_keywords = _readd(indexer, batch, readd_vectors, readd_keywords)
            result.added_vectors += added_vectors
            result.added_keywords += added_keywords
        result.after = inspect_stores(catalog, vectors, keywords)
        return result


def _rechunk(catalog: CatalogStore, mismatches: Sequence[CountMismatch], chunk_tokens: int) -> list[str]:
    """Rebuild the chunk rows of documents whose rows disagree with their count, from their stored text."""
    rechunked: list[str] = []
    for mismatch in mismatches:
        record = catalog.get_document(mismatch.doc_id)
        if record is None or record.text is None:
            continue
        document = Document(
            id=record.id,
            title=record.title,
            text=record.text,
            url=record.url,
            source=record.source,
            published=record.published,
            byline=record.byline,
            metadata=record.metadata,
        )
        chunks = chunk_article(document.id, document.text, max_tokens=chunk_tokens)
        catalog.switch_versions([(document, record.version, chunks)])
        rechunked.append(record.id)
    return rechunked


def _readd(
    indexer: Indexer, ids: Sequence[str], to_vectors: set[str], to_keywords: set[str]
) -> tuple[int, int]:
    """Re-embed and re-index catalog chunks, from the document text and the chunk's offsets."""
    records = indexer.catalog.chunk_records(ids)
    vector_records = [records[cid] for cid in ids if cid in to_vectors and cid in records]
    keyword_records = [records[cid] for cid in ids if cid in to_keywords and cid in records]
    if vector_records:
        texts = [
            embedding_text(
                Document(id=r.doc_id, title=r.title, text=""),
                Chunk(r.doc_id, r.index, r.start, r.end, r.text),
            )
            for r in vector_records
        ]
        embeddings = indexer.embedder.embed_documents(texts, parallel=True)
        indexer.vectors.upsert(
            [
                ChunkVector(r.id, embedding, r.doc_id, r.source, r.published)
                for r, embedding in zip(vector_records, embeddings, strict=True)
            ]
        )
    if keyword_records:
        with indexer.keywords.writer() as writer:
            entries = []
            for r in keyword_records:
                writer.delete_chunk(r.id)
                # "{doc_id}@{version}#{i}": ids cannot hold "#", so the version key is what precedes it.
                key = r.id.rpartition("#")[0]
                entries.append(KeywordEntry(r.id, key, r.doc_id, r.title, r.text, r.source, r.published))
            writer.add(entries)
    return len(vector_records), len(keyword_records)
