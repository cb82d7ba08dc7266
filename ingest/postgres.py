"""What the PostgreSQL stores share: a connection pool, schema creation, and the cross-host write lock.

In shared-store mode (``NEWSDESK_DATABASE_URL``) the catalog, the keyword index and the ingest queue live in
one PostgreSQL database, so API hosts keep nothing of their own. Writers on every host take turns on one
advisory lock, as the processes of one host take turns on the lock file of :mod:`ingest.write_lock`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

# A host that dies without closing its sockets (power loss, a cut network) holds its locks until TCP notices:
# these probe an idle connection after 10 s and give it up after three unanswered probes 5 s apart.
KEEPALIVES: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "connect_timeout": 10,
}
# Advisory lock ids: one for the writers, one for schema creation (hosts starting together on an empty
# database would otherwise race on CREATE TABLE IF NOT EXISTS, which is not safe under concurrency).
WRITE_LOCK_ID = 0x6E657773  # "news"
SCHEMA_LOCK_ID = 0x6E657774


class DatabaseUnavailableError(ValueError):
    """The configured PostgreSQL database cannot be reached (a ValueError: the CLI prints it in one line)."""


def redacted(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def open_pool(url: str, size: int, timeout: float = 30.0) -> ConnectionPool:
    """A pool of autocommit connections returning rows as dicts; fails with one clear line if unreachable."""
    try:
        # One connection first: its error says why (refused, unknown host, authentication), where the pool
        # would retry until its timeout and then only say that it timed out.
        psycopg.connect(url, **KEEPALIVES).close()
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        raise DatabaseUnavailableError(
            f"cannot reach the PostgreSQL database at {redacted(url)} (NEWSDESK_DATABASE_URL): {reason}"
        ) from error
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=max(1, size),
        kwargs={"autocommit": True, "row_factory": dict_row, **KEEPALIVES},
        name="newsdesk",
        configure=_configure,
        open=False,
    )
    try:
        pool.open(wait=True, timeout=timeout)
    except PoolTimeout as error:
        pool.close()
        raise DatabaseUnavailableError(
            f"cannot reach the PostgreSQL database at {redacted(url)} (NEWSDESK_DATABASE_URL) within "
            f"{timeout:.0f}s"
        ) from error
    return pool


def _configure(connection: psycopg.Connection[Any]) -> None:
    # The planner's cost for a keyword search over common terms passes jit_above_cost, and compiling the
    # query (about 20 ms) then takes longer than running it.
    connection.execute("SET jit = off")


def create_schema(pool: ConnectionPool, ddl: str) -> None:
    """Run ``ddl`` (``CREATE ... IF NOT EXISTS`` statements) once, whatever other hosts do meanwhile."""
    with pool.connection() as connection, connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_ID,))
        connection.execute(ddl)


class PostgresWriteLock:
    """One writer at a time across every host: a session advisory lock on a connection of its own.

    The same contract as :class:`ingest.write_lock.WriteLock`: re-entrant for the holding thread, other
    threads wait. PostgreSQL releases the lock when the holder's connection ends, so a host killed mid-write
    never blocks the others; ``on_acquire`` then lets the next holder finish or undo what it left journaled.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.on_acquire: Callable[[], object] | None = None
        self._thread_lock = threading.RLock()
        self._depth = threading.local()
        self._connection: psycopg.Connection[Any] | None = None

    def _session(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed or self._connection.broken:
            try:
                self._connection = psycopg.connect(self.url, autocommit=True, **KEEPALIVES)
            except psycopg.OperationalError as error:
                raise DatabaseUnavailableError(
                    f"cannot reach the PostgreSQL database at {redacted(self.url)} (NEWSDESK_DATABASE_URL)"
                ) from error
        return self._connection

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._thread_lock:
            outermost = getattr(self._depth, "value", 0) == 0
            session = self._session() if outermost else None
            if session is not None:
                session.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK_ID,))
            self._depth.value = getattr(self._depth, "value", 0) + 1
            try:
                if outermost and self.on_acquire is not None:
                    self.on_acquire()
                yield
            finally:
                self._depth.value -= 1
                if session is not None and not session.broken:
                    session.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK_ID,))

    def held_here(self) -> bool:
        """Whether the calling thread holds the lock (another thread taking it now would wait for it)."""
        return getattr(self._depth, "value", 0) > 0

    def close(self) -> None:
        with self._thread_lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
