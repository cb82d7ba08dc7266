"""Bulk ingest jobs: accepted at once, run in the background, progress readable by any worker.

Job state lives in the catalog's SQLite database (table ``ingest_jobs``), so every API worker sharing the data
directory sees the same jobs, and a job a crash interrupted is reported as such instead of running forever.
One background thread per process runs jobs in order; the indexer's write lock serialises writers anyway.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from ingest.catalog import Catalog
from ingest.indexing import IngestReport
from ingest.loading import LoadError
from ingest.models import Article

log = logging.getLogger("newsdesk.jobs")

JobStatus = Literal["queued", "running", "succeeded", "failed", "interrupted"]
MAX_REPORTED_ERRORS = 1000
JOB_FAILED = (
    "the job stopped on an unexpected error (the server log has its cause); documents written before it stay "
    "indexed, and running it again skips them"
)

# The job record's columns, in both stores' dialects (service/jobs/postgres.py adds its own).
JOB_TABLE_COLUMNS = """
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    total INTEGER,
    processed INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0,
    replaced INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    message TEXT,
    owner TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
"""
SCHEMA = f"CREATE TABLE IF NOT EXISTS ingest_jobs ({JOB_TABLE_COLUMNS});"


@dataclass
class Job:
    id: str
    status: JobStatus
    source: str
    total: int | None
    processed: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None
    owner: str = ""  # host:pid of the process running it
    created_at: str = ""
    started_at: str | None = None
    finished_at: str | None = None


OWNER = f"{socket.gethostname()}:{os.getpid()}"
# What a job reads: its articles (and the inputs that could not become one), in order.
JobItems = Callable[[], Iterable[Article | LoadError]]


class JobQueue(Protocol):
    """Bulk ingest jobs as the API uses them: :class:`IngestJobs` (in the catalog's SQLite file, run by the
    process that accepted them) and :class:`service.jobs.postgres.PostgresIngestJobs` (a queue in PostgreSQL
    that any host claims, and another finishes if that host dies)."""

    def mark_interrupted(self) -> int: ...
    def submit(self, source: str, items: JobItems, total: int | None) -> Job: ...
    def get(self, job_id: str) -> Job | None: ...
    def wait(self, timeout: float | None = None) -> None: ...
    def shutdown(self) -> None: ...


def _owner_host(owner: str) -> str:
    return owner.rpartition(":")[0]


def _alive(owner: str) -> bool:
    pid = owner.rpartition(":")[2]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def error_entries(failures: Iterable[LoadError]) -> list[dict[str, Any]]:
    return [
        {"origin": f.origin, "field": f.field, "message": f.message}
        for f in list(failures)[:MAX_REPORTED_ERRORS]
    ]


class IngestJobs:
    def __init__(self, catalog: Catalog, ingest: Callable[..., IngestReport]) -> None:
        self.catalog = catalog
        self.ingest = ingest
        self.catalog.connection.executescript(SCHEMA)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-job")
        self._lock = threading.Lock()

    def mark_interrupted(self) -> int:
        """Jobs this host's dead processes left queued or running: they will never finish.

        Other workers' jobs (live processes, or other hosts sharing the volume) are left alone.
        """
        host = socket.gethostname()
        rows = self.catalog.connection.execute(
            "SELECT id, owner FROM ingest_jobs WHERE status IN ('queued', 'running')"
        ).fetchall()
        dead = [row["id"] for row in rows if _owner_host(row["owner"]) == host and not _alive(row["owner"])]
        for job_id in dead:
            self._update(
                job_id,
                status="interrupted",
                finished_at=now_iso(),
                message="the server stopped before this job finished; run it again (unchanged documents are "
                "skipped)",
            )
        return len(dead)

    def submit(
        self, source: str, items: Callable[[], Iterable[Article | LoadError]], total: int | None
    ) -> Job:
        job = Job(uuid.uuid4().hex, "queued", source, total, owner=OWNER, created_at=now_iso())
        with self.catalog.transaction() as connection:
            connection.execute(
                "INSERT INTO ingest_jobs (id, status, source, total, owner, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (job.id, job.status, job.source, job.total, job.owner, job.created_at),
            )
        self._executor.submit(self._run, job.id, items)
        return job

    def get(self, job_id: str) -> Job | None:
        row = self.catalog.connection.execute("SELECT * FROM ingest_jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return None
        values = dict(row)
        values["errors"] = json.loads(values["errors"])
        return Job(**values)

    def wait(self, timeout: float | None = None) -> None:
        """Block until the queue is empty (for tests and orderly shutdown)."""
        self._executor.submit(lambda: None).result(timeout=timeout)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=False)

    def _update(self, job_id: str, **values: Any) -> None:
        columns = ", ".join(f"{name} = ?" for name in values)
        with self.catalog.transaction() as connection:
            connection.execute(f"UPDATE ingest_jobs SET {columns} WHERE id = ?", [*values.values(), job_id])

    def _progress(self, job_id: str, report: IngestReport) -> None:
        done = len(report.added) + len(report.replaced) + len(report.unchanged) + len(report.failed)
        self._update(
            job_id,
            processed=done,
            added=len(report.added),
            replaced=len(report.replaced),
            unchanged=len(report.unchanged),
            failed=len(report.failed),
            errors=json.dumps(error_entries(report.failed)),
        )

    def _run(self, job_id: str, items: Callable[[], Iterable[Article | LoadError]]) -> None:
        self._update(job_id, status="running", started_at=now_iso())
        try:
            report = self.ingest(items(), on_batch=lambda r: self._progress(job_id, r))
        except Exception:  # a job must end in a state a client can read, whatever happened
            log.exception("ingest job %s failed", job_id)
            # Not the exception's text: it can name server paths and internals to any key that reads jobs.
            self._update(job_id, status="failed", finished_at=now_iso(), message=JOB_FAILED)
            return
        self._progress(job_id, report)
        self._update(job_id, status="succeeded", finished_at=now_iso(), message=report.summary())
