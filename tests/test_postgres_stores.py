"""The PostgreSQL twins of the embedded stores, each against a real server started for this module.

The catalog answers every read as the SQLite catalog does after the same writes; the keyword index ranks
and scores as tantivy does; the advisory write lock keeps writers of different hosts apart and is released
when a holder dies; the job queue hands each job to one host, and back when that host stops. The engine
test runs two engines with data directories of their own against one database and one ``chroma run``, as
two hosts would. (Two real API processes, and a host killed mid-ingest: tests/test_shared_stores.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.shared_servers import PostgresServer, running_chroma, running_postgres, unavailable_reason

psycopg = pytest.importorskip("psycopg", reason="the postgres extra is missing: pip install -e .[postgres]")

from click.testing import CliRunner  # noqa: E402

from eval.keyword_engines import SAMPLE_CORPUS, SAMPLE_GOLDEN, chunk_entries, golden_questions  # noqa: E402
from ingest.catalog import Catalog, DocumentFilter, PendingWrite, SentenceVectors, chunk_id  # noqa: E402
from ingest.catalog_postgres import PostgresCatalog  # noqa: E402
from ingest.keyword_index import KeywordEntry, KeywordIndex  # noqa: E402
from ingest.keyword_index_postgres import PostgresKeywordIndex, fieldnorm  # noqa: E402
from ingest.models import Article, Chunk, Document  # noqa: E402
from ingest.postgres import PostgresWriteLock, open_pool, redacted  # noqa: E402
from newsdesk.cli import main  # noqa: E402
from service.engine import Newsdesk  # noqa: E402
from service.jobs.postgres import PostgresIngestJobs, decode_item, encode_item  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.stores import SharedStoreError, open_stores  # noqa: E402

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or "")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def database(postgres: PostgresServer) -> str:
    return postgres.new_database()


# --- the catalog -------------------------------------------------------------------------------------------

TEXT = "Café owners 👩‍💻 met on Tuesday.\n\nThe council voted 7 to 2. Naïve critics left."


def document(doc_id: str, text: str = TEXT, **fields: Any) -> Document:
    return Document(id=doc_id, title=text.split("\n")[0], text=text, **fields)


def chunks_of(doc_id: str, text: str) -> list[Chunk]:
    middle = text.index("The council")
    return [
        Chunk(doc_id, 0, 0, middle - 2, text[: middle - 2]),
        Chunk(doc_id, 1, middle, len(text), text[middle:]),
    ]


def exercise(catalog: Any) -> dict[str, Any]:
    """The same writes on any catalog, and what every read returns after them."""
    herald = document(
        "herald-1",
        source="Herald",
        published=date(2016, 11, 1),
        url="https://h.example/1",
        byline="A. Writer",
        metadata={"desk": "city", "tags": ["vote", "council"], "nul": "a\x00b"},
    )
    other = document("other-2", text="Other news.\n\nA storm hit the coast on Friday.")
    vectors = {
        chunk_id("herald-1", "v1", 0): SentenceVectors(
            np.array([0], dtype=np.int32), np.ones((1, 4), dtype=np.float16)
        ),
        chunk_id("herald-1", "v1", 1): SentenceVectors(
            np.array([0, 0], dtype=np.int32), np.arange(8, dtype=np.float16).reshape(2, 4)
        ),
    }
    catalog.set_meta("collection", "first")
    catalog.set_meta("collection", "second")
    catalog.begin_writes(
        [PendingWrite("herald-1", None, 0, "v1", 2), PendingWrite("other-2", None, 0, "v1", 1)]
    )
    journal = sorted(catalog.pending_writes(), key=lambda p: p.doc_id)
    other_chunks = [Chunk("other-2", 0, 0, len(other.text), other.text)]
    catalog.switch_versions(
        [(herald, "v1", chunks_of("herald-1", TEXT)), (other, "v1", other_chunks)], sentence_vectors=vectors
    )
    catalog.end_writes(["herald-1", "other-2"])
    before_replace = catalog.chunk_records([chunk_id("herald-1", "v1", 1), chunk_id("other-2", "v1", 0)])
    replaced = document("other-2", text="Other news, revised.\n\nA storm hit the coast on Saturday.")
    catalog.switch_versions([(replaced, "v2", [Chunk("other-2", 0, 0, 20, replaced.text[:20])])])
    ids = [chunk_id("herald-1", "v1", 0), chunk_id("herald-1", "v1", 1), chunk_id("other-2", "v1", 0),
           chunk_id("other-2", "v2", 0), "missing#0"]  # fmt: skip
    reads = {
        "journal": journal,
        "journal_after": catalog.pending_writes(),
        "meta": (catalog.get_meta("collection"), catalog.get_meta("absent")),
        "counts": (catalog.count_documents(), catalog.count_chunks()),
        "filtered_counts": [
            catalog.count_documents(DocumentFilter(source="Herald")),
            catalog.count_documents(DocumentFilter(published_from=date(2016, 10, 1))),
            catalog.count_documents(DocumentFilter(published_to=date(2016, 10, 1))),
            catalog.count_documents(DocumentFilter(doc_ids=("other-2", "nope"))),
        ],
        "hashes": catalog.hashes(["herald-1", "other-2", "nope"]),
        "document": catalog.get_document("herald-1"),
        "document_without_text": catalog.get_document("other-2", with_text=False),
        "absent": catalog.get_document("nope"),
        "listing": [asdict(d) | {"ingested_at": ""} for d in catalog.list_documents(limit=10)],
        "page": [d.id for d in catalog.list_documents(limit=1, offset=1)],
        "ids": list(catalog.iter_document_ids()),
        "current": (catalog.current_chunk_ids(), catalog.current_chunk_ids(ids)),
        "versions": catalog.current_versions(),
        "row_counts": catalog.chunk_row_counts(),
        "records_before_replace": before_replace,
        "records": catalog.chunk_records(ids),
        "texts": catalog.document_texts(["other-2", "herald-1", "other-2"]),
        "sentence_vectors": {
            cid: (v.starts.tolist(), v.vectors.tolist()) for cid, v in catalog.sentence_vectors(ids).items()
        },
    }
    catalog.switch_versions([], deleted=["herald-1"])
    reads["after_delete"] = (
        catalog.count_documents(),
        catalog.current_chunk_ids(),
        catalog.sentence_vectors(ids),
    )
    reads["document"] = asdict(reads["document"]) | {"ingested_at": ""}
    reads["document_without_text"] = asdict(reads["document_without_text"]) | {"ingested_at": ""}
    return reads


def test_the_postgres_catalog_reads_as_the_sqlite_one_after_the_same_writes(tmp_path, database):
    sqlite = Catalog(tmp_path / "catalog.sqlite3")
    shared = PostgresCatalog(open_pool(database, 2))
    try:
        expected, got = exercise(sqlite), exercise(shared)
    finally:
        sqlite.close()
        shared.close()
    for key in expected:
        assert got[key] == expected[key], key
    # Offsets count characters (an emoji, accents) in both: a chunk's text is the document's slice.
    record = expected["records"][chunk_id("herald-1", "v1", 1)]
    assert record.text == TEXT[record.start : record.end] and record.text.startswith("The council")


# --- the keyword index -------------------------------------------------------------------------------------


def test_fieldnorm_rounds_lengths_down_as_tantivy_stores_them():
    assert [fieldnorm(n) for n in (0, 1, 23, 24, 31, 32, 39, 40, 41, 100, 1_000)] == [
        0, 1, 23, 24, 31, 32, 39, 40, 40, 96, 984,
    ]  # fmt: skip


@pytest.fixture
def keyword_indexes(tmp_path, database) -> Iterator[tuple[KeywordIndex, PostgresKeywordIndex]]:
    pool = open_pool(database, 2)
    yield KeywordIndex(tmp_path / "tantivy"), PostgresKeywordIndex(pool)
    pool.close()


def test_postgres_bm25_ranks_and_scores_as_tantivy(keyword_indexes):
    tantivy, shared = keyword_indexes
    entries = chunk_entries([SAMPLE_CORPUS])
    for index in keyword_indexes:
        with index.writer() as writer:
            writer.add(entries)
    questions = [question for question, _ in golden_questions(SAMPLE_GOLDEN)]
    assert len(questions) == 50
    for question in questions:
        expected, got = tantivy.search(question, 10), shared.search(question, 10)
        assert [cid for cid, _ in got] == [cid for cid, _ in expected], question
        assert [score for _, score in got] == pytest.approx([score for _, score in expected], rel=1e-5)
    terms = ["trumka", "clinton", "council", "nosuchterm"]
    assert shared.doc_freqs(terms) == tantivy.doc_freqs(terms)
    assert shared.count() == tantivy.count() == len(entries)
    assert sorted(shared.iter_ids()) == sorted(tantivy.iter_ids())


def test_postgres_bm25_filters_as_tantivy(keyword_indexes):
    entries = [
        KeywordEntry(f"{d}@v#0", f"{d}@v", d, "Budget", f"The budget vote {d}.", source, day)
        for d, source, day in [
            ("a", "Herald", date(2016, 1, 5)),
            ("b", "Herald", date(2016, 3, 5)),
            ("c", "Gazette", date(2016, 2, 5)),
            ("d", None, None),
        ]
    ]
    for index in keyword_indexes:
        with index.writer() as writer:
            writer.add(entries)
    filters = [
        DocumentFilter(source="Herald"),
        DocumentFilter(doc_ids=("a", "d")),
        DocumentFilter(doc_ids=()),
        DocumentFilter(published_from=date(2016, 2, 1)),
        DocumentFilter(published_to=date(2016, 2, 5)),
        DocumentFilter(source="Herald", published_from=date(2016, 2, 1), published_to=date(2016, 12, 31)),
    ]
    tantivy, shared = keyword_indexes
    for where in filters:
        # The order only: tantivy adds its filter clauses' own scores (the source term's BM25, a constant for
        # a date range) to every hit; fusion reads ranks, never scores.
        expected, got = tantivy.search("budget vote", 10, where), shared.search("budget vote", 10, where)
        assert [cid for cid, _ in got] == [cid for cid, _ in expected], where
    assert shared.search("the of and", 10) == [] and shared.search("budget", 0) == []


def test_postgres_keyword_writes_are_atomic_and_never_hold_a_chunk_twice(keyword_indexes):
    _, shared = keyword_indexes
    entry = KeywordEntry("a@v1#0", "a@v1", "a", "Budget", "The council passed the budget.", None, None)
    with shared.writer() as writer:
        writer.add([entry])
        writer.add([entry])  # a re-run after a crash writes the same chunk again
    assert list(shared.iter_ids()) == ["a@v1#0"] and shared.count() == 1
    before = shared.search("council budget", 5)

    with pytest.raises(RuntimeError), shared.writer() as writer:
        writer.delete_version("a@v1")
        writer.add([KeywordEntry("b@v1#0", "b@v1", "b", "Storm", "A storm hit the coast.", None, None)])
        raise RuntimeError("the process fails before the commit")
    assert list(shared.iter_ids()) == ["a@v1#0"] and shared.count() == 1
    assert shared.search("council budget", 5) == before

    with shared.writer() as writer:
        writer.delete_chunk("a@v1#0")
    assert shared.count() == 0 and shared.search("council budget", 5) == []


# --- the write lock ----------------------------------------------------------------------------------------

HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from ingest.postgres import PostgresWriteLock
    lock = PostgresWriteLock(sys.argv[1])
    with lock():
        print("held", flush=True)
        time.sleep(600)
    """
)


def test_the_write_lock_keeps_hosts_apart_and_a_dead_holder_releases_it(database):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, database], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        lock = PostgresWriteLock(database)
        acquired = threading.Event()

        def take() -> None:
            with lock(), lock():  # re-entrant for its thread
                acquired.set()

        taker = threading.Thread(target=take, daemon=True)
        taker.start()
        assert not acquired.wait(1.5), "another host's writer got in while the lock was held"
        os.kill(holder.pid, signal.SIGKILL)  # the host dies mid-write, without releasing anything
        started = time.monotonic()
        assert acquired.wait(10), "the lock of a dead holder was never released"
        assert time.monotonic() - started < 2
        taker.join(5)
        assert not lock.held_here()
        lock.close()
    finally:
        holder.kill()
        holder.wait()


# --- the job queue -----------------------------------------------------------------------------------------


def test_job_items_survive_the_database_exactly():
    from ingest.loading import LoadError

    article = Article(
        "a-1", "Title", "Body.\x00", url=None, source="S", published=date(2017, 1, 2),
        metadata={"k": [1, "ü"], "when": date(2017, 1, 3)}, origin="documents[0] (a-1)",
    )  # fmt: skip
    error = LoadError("documents[1]", "title: too long", "title")
    assert decode_item(encode_item(error)) == error
    decoded = decode_item(encode_item(article))
    assert isinstance(decoded, Article)
    assert decoded == Article(**{**asdict(article), "metadata": {"k": [1, "ü"], "when": "2017-01-03"}})


class RecordingIngest:
    """Stands in for the indexer's ingest at the queue's boundary: records what each host was given."""

    def __init__(self, name: str, seconds_per_batch: float = 0.0) -> None:
        self.name = name
        self.seconds_per_batch = seconds_per_batch
        self.seen: list[str] = []

    def __call__(self, items: Any, on_batch: Any = None) -> Any:
        from ingest.indexing import IngestReport

        report = IngestReport()
        for item in items:
            time.sleep(self.seconds_per_batch)
            report.added.append(item.id)
            self.seen.append(item.id)
            if on_batch is not None:
                on_batch(report)
        return report


def articles(n: int) -> list[Article]:
    return [Article(f"doc-{i}", f"Title {i}", f"Body {i}.") for i in range(n)]


def wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_job_runs_on_one_host_and_another_takes_it_when_that_host_stops(database):
    pool = open_pool(database, 4)
    first_ingest, second_ingest = RecordingIngest("first", 0.2), RecordingIngest("second")
    first = PostgresIngestJobs(pool, database, first_ingest, load_path=lambda p: [], poll_seconds=0.1)
    second = PostgresIngestJobs(pool, database, second_ingest, load_path=lambda p: [], poll_seconds=0.1)
    try:
        job = first.submit("documents", lambda: iter(articles(12)), total=12)
        wait_for(lambda: len(first_ingest.seen) >= 2)
        second.mark_interrupted()  # the other host's server starts: its worker polls the same queue
        wait_for(lambda: len(first_ingest.seen) >= 5)
        assert second_ingest.seen == [], "a job held by a live host was claimed twice"
        first.shutdown()  # an orderly stop: the job goes back after the batch in hand
        second.wait(timeout=30)
        done = second.get(job.id)
        assert done is not None and done.status == "succeeded", done
        assert second_ingest.seen == [f"doc-{i}" for i in range(12)]  # from the start: hashes skip the rest
        assert done.processed == 12 and "resumed after" in (done.message or "")
        assert second.queued() == 0
    finally:
        first.shutdown()
        second.shutdown()
        pool.close()


# --- two engines on one database and one Chroma server -----------------------------------------------------


@pytest.fixture
def chroma_port(tmp_path) -> Iterator[int]:
    with running_chroma(tmp_path / "chroma") as port:
        yield port


def shared_settings(tmp_path: Path, name: str, database: str, chroma_port: int) -> Settings:
    return Settings(
        data_dir=tmp_path / name, database_url=database, chroma_host="127.0.0.1", chroma_port=chroma_port
    )


def test_two_hosts_share_one_database_and_one_chroma_server(tmp_path, database, chroma_port, sample_dir):
    first = Newsdesk(shared_settings(tmp_path, "host-a", database, chroma_port))
    second = Newsdesk(shared_settings(tmp_path, "host-b", database, chroma_port))
    try:
        assert len(first.ingest_paths([sample_dir]).added) == 5
        assert len(second.ingest_paths([sample_dir]).unchanged) == 5  # the hashes are shared too
        question = "When did Richard Trumka announce that the AFL-CIO would stay neutral?"
        answers = [first.ask(question), second.ask(question)]
        assert answers[0].grounded and answers[0].citations[0].doc_id == "001_232c99f60a508717"
        assert [asdict(c) for c in answers[0].citations] == [asdict(c) for c in answers[1].citations]

        assert second.delete(["001_232c99f60a508717"]) == ["001_232c99f60a508717"]
        assert first.catalog.get_document("001_232c99f60a508717") is None
        assert "001_232c99f60a508717" not in {c.doc_id for c in first.ask(question).citations}
        current = first.catalog.current_chunk_ids()
        assert set(first.vectors.iter_ids()) == set(second.keywords.iter_ids()) == current
        # Neither host wrote a catalog or keyword index of its own.
        for engine in (first, second):
            assert not engine.settings.catalog_path.exists()
            assert not engine.settings.keyword_index_path.exists()
    finally:
        first.close()
        second.close()

    env = {
        "NEWSDESK_DATABASE_URL": database,
        "NEWSDESK_CHROMA_HOST": "127.0.0.1",
        "NEWSDESK_CHROMA_PORT": str(chroma_port),
        "NEWSDESK_DATA_DIR": str(tmp_path / "host-c"),
    }
    check = CliRunner().invoke(main, ["check"], env=env, catch_exceptions=False)
    assert check.exit_code == 0, check.output
    assert "4 documents" in check.output

    # A host's readers' feedback becomes golden items against the shared catalog (it has none of its own).
    from service.feedback import Feedback, FeedbackStore

    store = FeedbackStore.in_data_dir(tmp_path / "host-c")
    store.add(Feedback("down", "Who released the emails?", "No answer.", False, note="WikiLeaks"))
    store.close()
    exported = CliRunner().invoke(main, ["feedback", "export"], env=env, catch_exceptions=False)
    assert exported.exit_code == 0, exported.output
    item = json.loads(exported.stdout.splitlines()[0])
    assert item["answers"] == ["WikiLeaks"] and "000_ed48cb7ca0d72a48" in item["doc_ids"]


def test_a_nul_character_in_a_verbatim_field_is_refused_in_both_modes(tmp_path, database, chroma_port):
    bad = Article("bad-1", "Council vote", "The council voted on Tuesday.", source="Herald\x00")
    good = Article("good-1", "Storm", "A storm hit the coast on Friday.", source="Herald")
    for settings in (
        Settings(data_dir=tmp_path / "embedded"),
        shared_settings(tmp_path, "shared", database, chroma_port),
    ):
        engine = Newsdesk(settings)
        try:
            report = engine.ingest_articles([bad, good])
            assert report.added == ["good-1"], settings
            assert [(f.field, "NUL" in f.message) for f in report.failed] == [("source", True)]
        finally:
            engine.close()


def test_shared_mode_needs_a_chroma_server_and_a_reachable_database(tmp_path, postgres):
    with pytest.raises(SharedStoreError, match="NEWSDESK_DATABASE_URL needs a Chroma server"):
        open_stores(Settings(data_dir=tmp_path / "a", database_url=postgres.new_database()))

    from eval.loopback import free_port

    unreachable = f"postgresql://newsdesk:s3cret@127.0.0.1:{free_port()}/newsdesk"
    assert redacted(unreachable) == unreachable.replace("s3cret", "***")
    env = {
        "NEWSDESK_DATABASE_URL": unreachable,
        "NEWSDESK_CHROMA_HOST": "127.0.0.1",
        "NEWSDESK_CHROMA_PORT": "9",
    }
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "b"), "documents"], env=env)
    assert result.exit_code == 1
    assert "cannot reach the PostgreSQL database at postgresql://newsdesk:***@127.0.0.1" in result.output
    assert "s3cret" not in result.output and "Traceback" not in result.output
