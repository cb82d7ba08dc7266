"""One writer at a time per data directory, across threads and processes.

Several processes may share a data directory: API workers behind one Chroma server, a CLI ingest beside
them. Everything that changes the stores (an ingest batch, a delete, crash recovery, creating the stores on
an empty directory) happens under this lock; readers never take it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from filelock import FileLock


class WriterLock(Protocol):
    """What writers need of a lock: :class:`WriteLock` (the processes of one host) and
    :class:`ingest.postgres.PostgresWriteLock` (every host sharing a PostgreSQL database)."""

    def __call__(self) -> AbstractContextManager[None]: ...
    def held_here(self) -> bool: ...


class WriteLock:
    """A cross-process file lock that the holding thread may take again (nested writes do not deadlock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # The file lock orders processes and counts a thread's nested acquisitions; the RLock makes this
        # process's other threads wait on a condition instead of polling the lock file.
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(str(path))
        self._depth = threading.local()

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._thread_lock, self._file_lock:
            self._depth.value = getattr(self._depth, "value", 0) + 1
            try:
                yield
            finally:
                self._depth.value -= 1

    def held_here(self) -> bool:
        """Whether the calling thread holds the lock (another thread taking it now would wait for it)."""
        return getattr(self._depth, "value", 0) > 0
