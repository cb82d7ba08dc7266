"""Bulk ingest jobs in PostgreSQL, which any API host claims: the twin of ``service.jobs.sqlite.IngestJobs``.

A job is accepted by one host and written, with its articles, to the shared database in one transaction:
from then on it survives that host. Every host runs one worker that claims the oldest queued job with
``SELECT ... FOR UPDATE SKIP LOCKED`` and holds that row lock, on a connection of its own, until the job is
done. The lock is the claim: a host that dies loses its connection, PostgreSQL drops the lock, and the next
host to poll claims the job and runs it again from the start. Nothing is lost or written twice: documents
the dead host wrote are unchanged by now and cost a hash, and its half-written batch is journaled in the
catalog, where the next writer finishes or undoes it (:class:`ingest.postgres.PostgresWriteLock`).

A host stopping in an orderly way (SIGTERM) hands its job back after the batch it is writing.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ingest.indexing import IngestReport
from ingest.loading import LoadError
from ingest.models import Article
from ingest.postgres import KEEPALIVES, create_schema
from service.jobs.sqlite import JOB_FAILED, JOB_TABLE_COLUMNS, OWNER, Job, JobItems, error_entries, now_iso

log = logging.getLogger("newsdesk.jobs")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS ingest_jobs ({JOB_TABLE_COLUMNS.rstrip()},
    attempts INTEGER NOT NULL DEFAULT 0
);
-- Jobs not finished yet. The host running one holds its row lock (FOR UPDATE) until it is done.
CREATE TABLE IF NOT EXISTS ingest_queue (
    job_id TEXT PRIMARY KEY REFERENCES ingest_jobs (id) ON DELETE CASCADE,
    seq BIGSERIAL NOT NULL,
    path TEXT  -- a server-side path to read; NULL: the job's articles are in ingest_job_items
);
CREATE TABLE IF NOT EXISTS ingest_job_items (
    job_id TEXT NOT NULL REFERENCES ingest_jobs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    item TEXT NOT NULL,  -- JSON of an article, or of an input that could not become one
    PRIMARY KEY (job_id, seq)
);
"""

JOB_COLUMNS = (
    "id, status, source, total, processed, added, replaced, unchanged, failed, errors, message, owner, "
    "created_at, started_at, finished_at"
)
PATH_SOURCE = "path:"  # the route names a server-side path job's source "path:<resolved path>"
ITEM_PAGE = 500
MAX_BACKOFF_S = 30.0


class _HandBack(Exception):
    """Raised between batches when this host stops: the job goes back to the queue for another host."""


def encode_item(item: Article | LoadError) -> str:
    """An article or a load error as JSON text (text, not jsonb: JSON escapes keep any character)."""
    if isinstance(item, LoadError):
        return json.dumps({"error": asdict(item)}, ensure_ascii=False)
    return json.dumps({"article": asdict(item)}, ensure_ascii=False, default=str)


def decode_item(text: str) -> Article | LoadError:
    value = json.loads(text)
    if "error" in value:
        return LoadError(**value["error"])
    fields = value["article"]
    published = fields.get("published")
    return Article(**{**fields, "published": date.fromisoformat(published) if published else None})


class PostgresIngestJobs:
    """Jobs in the shared database; this process's worker claims them one at a time, its own and others'.

    The worker starts with the server (``mark_interrupted``, called once at start) or with the first job
    this process accepts, so a CLI command that only reads never claims anything.
    """

    def __init__(
        self,
        pool: ConnectionPool,
        url: str,
        ingest: Callable[..., IngestReport],
        load_path: Callable[[Path], Iterable[Article | LoadError]],
        poll_seconds: float = 1.0,
    ) -> None:
        self.pool = pool
        self.url = url
        self.ingest = ingest
        self.load_path = load_path
        self.poll_seconds = poll_seconds
        create_schema(pool, SCHEMA)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self._claim: psycopg.Connection[Any] | None = None

    # --- the JobQueue interface ----------------------------------------------------------------------------

    def mark_interrupted(self) -> int:
        """Nothing is ever left interrupted here: start the worker, which resumes what dead hosts held."""
        self._start_worker()
        return 0

    def submit(self, source: str, items: JobItems, total: int | None) -> Job:
        """Queue a job, durably: a path job keeps its path, any other its articles, read now."""
        job = Job(
            id=uuid.uuid4().hex,
            status="queued",
            source=source,
            total=total,
            owner=OWNER,
            created_at=now_iso(),
        )
        path = source.removeprefix(PATH_SOURCE) if source.startswith(PATH_SOURCE) else None
        with self.pool.connection() as connection, connection.transaction():
            connection.execute(
                "INSERT INTO ingest_jobs (id, status, source, total, owner, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (job.id, job.status, job.source, job.total, job.owner, job.created_at),
            )
            if path is None:
                with (
                    connection.cursor() as cursor,
                    cursor.copy("COPY ingest_job_items (job_id, seq, item) FROM STDIN") as copy,
                ):
                    for seq, item in enumerate(items()):
                        copy.write_row((job.id, seq, encode_item(item)))
            connection.execute("INSERT INTO ingest_queue (job_id, path) VALUES (%s, %s)", (job.id, path))
        self._start_worker()
        self._wake.set()
        return job

    def get(self, job_id: str) -> Job | None:
        with self.pool.connection() as connection:
            row = connection.execute(
                f"SELECT {JOB_COLUMNS} FROM ingest_jobs WHERE id = %s", (job_id,)
            ).fetchone()
        if row is None:
            return None
        return Job(**{**row, "errors": json.loads(row["errors"])})

    def wait(self, timeout: float | None = None) -> None:
        """Block until no job is queued or running on any host (for tests and orderly shutdown)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.queued() > 0:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"ingest jobs still queued after {timeout}s")
            time.sleep(0.1)

    def shutdown(self) -> None:
        """Stop claiming; a job running here is handed back after the batch being written."""
        self._stop.set()
        self._wake.set()
        if self._worker is not None:
            self._worker.join()
        if self._claim is not None:
            self._claim.close()

    def queued(self) -> int:
        with self.pool.connection() as connection:
            return connection.execute("SELECT count(*) AS n FROM ingest_queue").fetchone()["n"]

    # --- the worker --------------------------------------------------------------------------------------

    def _start_worker(self) -> None:
        with self._worker_lock:
            if self._worker is None and not self._stop.is_set():
                self._worker = threading.Thread(target=self._work, name="ingest-queue", daemon=True)
                self._worker.start()

    def _work(self) -> None:
        backoff = self.poll_seconds
        while not self._stop.is_set():
            try:
                ran = self.run_next()
                backoff = self.poll_seconds
            except psycopg.Error:
                log.warning("ingest queue: the database is unreachable; retrying in %.0fs", backoff)
                ran, backoff = False, min(MAX_BACKOFF_S, backoff * 2)
                if self._claim is not None:
                    self._claim.close()  # whatever it held is released, for this host or another to claim
            if not ran:
                self._wake.wait(backoff)
                self._wake.clear()

    def _claim_session(self) -> psycopg.Connection[Any]:
        if self._claim is None or self._claim.closed or self._claim.broken:
            self._claim = psycopg.connect(self.url, row_factory=dict_row, **KEEPALIVES)
            # The claim is a transaction left open for the whole job: a server-wide idle timeout would end it
            # and let a second host run the same job beside this one.
            self._claim.execute("SET idle_in_transaction_session_timeout = 0")
            self._claim.commit()
        return self._claim

    def run_next(self) -> bool:
        """Claim the oldest job no live host holds and run it to the end; ``False`` when there is none."""
        claim = self._claim_session()
        row = claim.execute(
            "SELECT q.job_id, q.path, j.owner, j.attempts FROM ingest_queue q "
            "JOIN ingest_jobs j ON j.id = q.job_id ORDER BY q.seq LIMIT 1 FOR UPDATE OF q SKIP LOCKED"
        ).fetchone()
        if row is None:
            claim.rollback()
            return False
        job_id = row["job_id"]
        resumed = row["attempts"] > 0
        if resumed:
            log.warning(
                "ingest job %s: taking it over from %s, which stopped before finishing it",
                job_id,
                row["owner"],
            )
        self._update(
            job_id,
            status="running",
            owner=OWNER,
            started_at=now_iso(),
            attempts=row["attempts"] + 1,
            message=f"resumed after {row['owner']} stopped; what it wrote counts as unchanged"
            if resumed
            else None,
        )
        items = self.load_path(Path(row["path"])) if row["path"] is not None else self._items(job_id)
        try:
            report = self.ingest(items, on_batch=lambda r: self._progress(job_id, r))
        except _HandBack:
            # Said while the claim still holds: once it is released another host may claim and update it.
            self._update(job_id, status="queued", message=f"handed back by {OWNER}, which stopped")
            claim.rollback()
            return True
        except Exception:  # a job must end in a state a client can read, whatever happened
            log.exception("ingest job %s failed", job_id)
            self._finish(claim, job_id, status="failed", finished_at=now_iso(), message=JOB_FAILED)
            return True
        message = (
            report.summary() if not resumed else f"{report.summary()} (resumed after {row['owner']} stopped)"
        )
        self._finish(
            claim, job_id, **_counts(report), status="succeeded", finished_at=now_iso(), message=message
        )
        return True

    def _items(self, job_id: str) -> Iterator[Article | LoadError]:
        """The job's stored articles, a page at a time (no connection held between pages)."""
        last = -1
        while True:
            with self.pool.connection() as connection:
                rows = connection.execute(
                    "SELECT seq, item FROM ingest_job_items WHERE job_id = %s AND seq > %s "
                    "ORDER BY seq LIMIT %s",
                    (job_id, last, ITEM_PAGE),
                ).fetchall()
            for row in rows:
                yield decode_item(row["item"])
            if len(rows) < ITEM_PAGE:
                return
            last = rows[-1]["seq"]

    def _progress(self, job_id: str, report: IngestReport) -> None:
        if self._stop.is_set():
            raise _HandBack
        self._update(job_id, **_counts(report))

    def _update(self, job_id: str, **values: Any) -> None:
        columns = ", ".join(f"{name} = %s" for name in values)
        with self.pool.connection() as connection:
            connection.execute(f"UPDATE ingest_jobs SET {columns} WHERE id = %s", [*values.values(), job_id])

    @staticmethod
    def _finish(claim: psycopg.Connection[Any], job_id: str, **values: Any) -> None:
        """The job's last state and its leaving the queue, in the claim's transaction: one commit."""
        columns = ", ".join(f"{name} = %s" for name in values)
        claim.execute(f"UPDATE ingest_jobs SET {columns} WHERE id = %s", [*values.values(), job_id])
        claim.execute("DELETE FROM ingest_job_items WHERE job_id = %s", (job_id,))
        claim.execute("DELETE FROM ingest_queue WHERE job_id = %s", (job_id,))
        claim.commit()


def _counts(report: IngestReport) -> dict[str, Any]:
    return {
        "processed": len(report.added) + len(report.replaced) + len(report.unchanged) + len(report.failed),
        "added": len(report.added),
        "replaced": len(report.replaced),
        "unchanged": len(report.unchanged),
        "failed": len(report.failed),
        "errors": json.dumps(error_entries(report.failed)),
    }
