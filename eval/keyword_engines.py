"""Keyword search engines side by side, BM25 alone: tantivy (one host's disk) against PostgreSQL (shared).

    python -m eval.keyword_engines --database-url postgresql://... [--corpus data/corpora/news.jsonl
        --golden eval/datasets/news_golden.jsonl]

Every engine indexes the same chunks (the ingest's own cleaning and chunking; no embeddings are needed, so
the whole news corpus indexes in seconds) and ranks them for each answerable, standalone question of the
golden set (follow-ups need the conversation's rewrite, which is not under test here). hit@k and MRR are
those of the retrieval table (``eval.metrics``): a chunk of a gold document among the first k chunks. The
engines:

- ``tantivy``: :class:`ingest.keyword_index.KeywordIndex`, the embedded default;
- ``postgres-bm25``: :class:`ingest.keyword_index_postgres.PostgresKeywordIndex`, what shared mode uses;
- ``postgres-ts_rank_cd``: PostgreSQL's own full-text ranking (English configuration, a GIN index, the
  question's words ORed, the title weighted B), the alternative it was chosen over.

Each also reports its build time, its size on disk and its median query time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.metrics import hit_at, reciprocal_rank
from ingest.catalog import version_key
from ingest.indexing import DocumentLimits, PreparedDocument, prepare_document
from ingest.keyword_index import KeywordEntry, KeywordIndex
from ingest.loading import LoadError, load_paths
from ingest.models import InvalidDocumentError

DEPTH = 10
WRITE_BATCH = 512
SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "ingest" / "sample_corpus"
SAMPLE_GOLDEN = Path(__file__).resolve().parent / "datasets" / "sample_golden.jsonl"


@dataclass(frozen=True)
class EngineResult:
    engine: str
    questions: int
    hit_at_1: float
    hit_at_5: float
    mrr: float
    build_seconds: float
    size_mb: float
    query_p50_ms: float

    def row(self) -> str:
        cells = [
            self.engine,
            str(self.questions),
            f"{self.hit_at_1:.3f}",
            f"{self.hit_at_5:.3f}",
            f"{self.mrr:.3f}",
            f"{self.build_seconds:.1f} s",
            f"{self.size_mb:.1f} MB",
            f"{self.query_p50_ms:.1f} ms",
        ]
        return "| " + " | ".join(cells) + " |"


def chunk_entries(paths: Iterable[Path], chunk_tokens: int = 180) -> list[KeywordEntry]:
    """The keyword entries the ingest would write for these files' articles."""
    entries: list[KeywordEntry] = []
    for item in load_paths(paths):
        if isinstance(item, LoadError):
            continue
        try:
            prepared: PreparedDocument = prepare_document(item, chunk_tokens, DocumentLimits())
        except InvalidDocumentError:
            continue
        doc = prepared.document
        key = version_key(doc.id, prepared.version)
        entries.extend(
            KeywordEntry(f"{key}#{c.index}", key, doc.id, doc.title, c.text, doc.source, doc.published)
            for c in prepared.chunks
        )
    return entries


def golden_questions(path: Path) -> list[tuple[str, list[str]]]:
    """``(question, gold doc ids)`` of the answerable questions that stand alone (no conversation)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["question"], r["doc_ids"]) for r in rows if r.get("doc_ids") and not r.get("history")]


def doc_of(chunk_id: str) -> str:
    return chunk_id.partition("@")[0]


def evaluate(
    engine: str,
    build: Callable[[], float],
    search: Callable[[str], list[str]],
    size_mb: Callable[[], float],
    questions: Sequence[tuple[str, list[str]]],
) -> EngineResult:
    seconds = build()
    hits1, hits5, ranks, times = [], [], [], []
    for question, gold in questions:
        started = time.perf_counter()
        ranked = [doc_of(cid) for cid in search(question)]
        times.append((time.perf_counter() - started) * 1000)
        hits1.append(hit_at(ranked, gold, 1))
        hits5.append(hit_at(ranked, gold, 5))
        ranks.append(reciprocal_rank(ranked, gold))
    return EngineResult(
        engine,
        len(questions),
        statistics.fmean(hits1),
        statistics.fmean(hits5),
        statistics.fmean(ranks),
        seconds,
        size_mb(),
        statistics.median(times),
    )


def timed_writes(write: Callable[[Sequence[KeywordEntry]], None], entries: Sequence[KeywordEntry]) -> float:
    started = time.perf_counter()
    for start in range(0, len(entries), WRITE_BATCH):
        write(entries[start : start + WRITE_BATCH])
    return time.perf_counter() - started


def tantivy_engine(
    entries: Sequence[KeywordEntry], questions: Sequence[tuple[str, list[str]]]
) -> EngineResult:
    folder = Path(tempfile.mkdtemp(prefix="keyword-engines-"))
    try:
        index = KeywordIndex(folder / "index")

        def write(batch: Sequence[KeywordEntry]) -> None:
            with index.writer() as writer:
                writer.add(batch)

        return evaluate(
            "tantivy",
            lambda: timed_writes(write, entries),
            lambda q: [cid for cid, _ in index.search(q, DEPTH)],
            lambda: sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6,
            questions,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def postgres_bm25_engine(
    url: str, entries: Sequence[KeywordEntry], questions: Sequence[tuple[str, list[str]]]
) -> EngineResult:
    from ingest.keyword_index_postgres import PostgresKeywordIndex
    from ingest.postgres import open_pool

    pool = open_pool(url, 2)
    try:
        index = PostgresKeywordIndex(pool)

        def write(batch: Sequence[KeywordEntry]) -> None:
            with index.writer() as writer:
                writer.add(batch)

        def build() -> float:
            seconds = timed_writes(write, entries)
            with pool.connection() as connection:
                connection.execute("VACUUM ANALYZE keyword_postings")  # what autovacuum would do after a load
            return seconds

        return evaluate(
            "postgres-bm25",
            build,
            lambda q: [cid for cid, _ in index.search(q, DEPTH)],
            lambda: _relation_mb(pool, ["keyword_chunks", "keyword_postings", "keyword_stats"]),
            questions,
        )
    finally:
        pool.close()


def postgres_ts_rank_engine(
    url: str, entries: Sequence[KeywordEntry], questions: Sequence[tuple[str, list[str]]]
) -> EngineResult:
    from ingest.postgres import open_pool

    pool = open_pool(url, 2)
    try:
        with pool.connection() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS fts_chunks (chunk_id TEXT PRIMARY KEY, tsv TSVECTOR NOT NULL);"
                "CREATE INDEX IF NOT EXISTS fts_chunks_tsv ON fts_chunks USING GIN (tsv)"
            )

        def write(batch: Sequence[KeywordEntry]) -> None:
            with pool.connection() as connection, connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO fts_chunks VALUES (%s, setweight(to_tsvector('english', %s), 'B') || "
                    "setweight(to_tsvector('english', %s), 'A'))",
                    [(e.chunk_id, e.title, e.text) for e in batch],
                )

        def search(question: str) -> list[str]:
            words = re.findall(r"[a-z0-9]+", question.lower())
            if not words:
                return []
            with pool.connection() as connection:
                rows = connection.execute(
                    "SELECT chunk_id FROM fts_chunks, to_tsquery('english', %s) q WHERE tsv @@ q "
                    "ORDER BY ts_rank_cd(tsv, q) DESC, chunk_id LIMIT %s",
                    (" | ".join(words), DEPTH),
                ).fetchall()
            return [row["chunk_id"] for row in rows]

        return evaluate(
            "postgres-ts_rank_cd",
            lambda: timed_writes(write, entries),
            search,
            lambda: _relation_mb(pool, ["fts_chunks"]),
            questions,
        )
    finally:
        pool.close()


def _relation_mb(pool: Any, tables: Sequence[str]) -> float:
    with pool.connection() as connection:
        row = connection.execute(
            "SELECT sum(pg_total_relation_size(t::regclass)) AS bytes FROM unnest(%s::text[]) t",
            (list(tables),),
        ).fetchone()
    return float(row["bytes"]) / 1e6


def compare(
    database_urls: Sequence[str], corpus: Sequence[Path], golden: Path
) -> tuple[int, list[EngineResult]]:
    """Chunks indexed and every engine's result; each PostgreSQL engine gets an empty database of its own."""
    entries = chunk_entries(corpus)
    questions = golden_questions(golden)
    results = [tantivy_engine(entries, questions)]
    results.append(postgres_bm25_engine(database_urls[0], entries, questions))
    results.append(postgres_ts_rank_engine(database_urls[-1], entries, questions))
    return len(entries), results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database for the test")
    parser.add_argument("--corpus", type=Path, nargs="+", default=[SAMPLE_CORPUS])
    parser.add_argument("--golden", type=Path, default=SAMPLE_GOLDEN)
    args = parser.parse_args(argv)
    chunks, results = compare([args.database_url], args.corpus, args.golden)
    print(f"{chunks} chunks, {results[0].questions} questions ({args.golden.name})")
    print("| engine | questions | hit@1 | hit@5 | MRR | build | size | query p50 |")
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        print(result.row())
    return 0


if __name__ == "__main__":
    sys.exit(main())
