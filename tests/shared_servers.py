"""The servers the shared-store tests run against: a throwaway PostgreSQL cluster and a ``chroma run``.

PostgreSQL: its own cluster in a temporary directory, on a free loopback port, stopped and removed afterwards.

The binaries are Debian's ``postgresql`` package (``make postgres`` installs it when run as root), found on
PATH or under /usr/lib/postgresql/<major>/bin. ``initdb`` and ``postgres`` refuse to run as root, so as root
they run as the ``postgres`` system user the package creates, in a directory it owns. Durability is off
(fsync, synchronous commit): the tests kill clients, never the server.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eval.loopback import free_port, running_process

INSTALL_HINT = "`make postgres` installs Debian's postgresql package (as root)"
START_TIMEOUT_S = 60


def server_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``postgres`` (the newest major version installed), if any."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("postgres"):
        return Path(on_path).resolve().parent
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    return installed[-1].parent if installed else None


def unavailable_reason() -> str | None:
    """Why no server can be started here, or ``None`` when one can."""
    if server_binaries() is None:
        return f"no PostgreSQL server binaries here: {INSTALL_HINT}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return f"running as root without a 'postgres' user to run the server as: {INSTALL_HINT}"
    return None


class PostgresServer:
    """One running cluster; :meth:`new_database` hands each test a database of its own."""

    def __init__(self) -> None:
        binaries = server_binaries()
        assert binaries is not None, unavailable_reason()
        self.binaries = binaries
        self.root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        self.port = free_port()
        self.user = "newsdesk"
        self._run_as = "postgres" if os.geteuid() == 0 else None
        self._process: subprocess.Popen[bytes] | None = None
        self.log_path = self.root / "server.log"

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if self._run_as:
            shutil.chown(self.root, user=self._run_as)
        data = self.root / "data"
        subprocess.run(
            [
                str(self.binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                self.user,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ],
            user=self._run_as,
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S,
        )
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.root),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
        }
        options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [str(self.binaries / "postgres"), "-D", str(data), "-p", str(self.port), *options],
                user=self._run_as,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self._process.returncode}:\n{self.log_tail()}")
            try:
                psycopg.connect(self.admin_url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"postgres did not accept connections:\n{self.log_tail()}") from None
                time.sleep(0.1)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)  # "fast" shutdown: end sessions, then stop
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextmanager
def running_chroma(path: Path) -> Iterator[int]:
    """A ``chroma run`` server storing in ``path``, on a free loopback port (yielded)."""
    port = free_port()
    path.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).parent / "chroma"),
        "run",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--path",
        str(path / "db"),
    ]
    with (
        (path / "chroma.log").open("wb") as log,
        running_process(
            command,
            f"http://127.0.0.1:{port}/api/v2/heartbeat",
            log,
            name="chroma",
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            timeout=START_TIMEOUT_S,
            stop_signal=signal.SIGTERM,
        ),
    ):
        yield port
