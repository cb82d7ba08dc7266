"""Who is serving a data directory.

The embedded Chroma store is single-process: a second process writing to it while a server runs would
corrupt it or go unseen. A running server holds an exclusive lock on ``<data_dir>/server.lock`` (with its pid
in ``server.pid``) so that CLI writes can refuse with a clear message instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from filelock import FileLock, Timeout


class ServerLock:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.pid_path = data_dir / "server.pid"
        self._lock = FileLock(str(data_dir / "server.lock"))

    def acquire(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        self.pid_path.write_text(str(os.getpid()))
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self.pid_path.unlink(missing_ok=True)
            self._lock.release()

    def holder(self) -> int | None:
        """The pid of the server holding the lock, or ``None`` when no server does."""
        if self._lock.is_locked:
            return os.getpid()
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            try:
                return int(self.pid_path.read_text().strip())
            except (OSError, ValueError):
                return -1
        self._lock.release()
        return None
