"""Servers on loopback for the tests and the benches: one way to start each kind, wait for it, and stop it.

* :func:`serve_in_thread`: an app under uvicorn in a thread of this process (the engine stays in reach);
* :func:`running_process`: any server command as a child process, ready once a URL answers 200;
* :func:`newsdesk_command`: ``newsdesk`` from this checkout, whatever the current directory.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve_in_thread(app: Any, timeout: float = 60.0) -> Iterator[str]:
    """``app`` (an ASGI app) under uvicorn on a free port, in a daemon thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)


def newsdesk_command(*args: str) -> list[str]:
    """``python -m newsdesk ARGS`` with this interpreter; run it with :func:`checkout_env`."""
    return [sys.executable, "-m", "newsdesk", *args]


def checkout_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's) with this checkout first on PYTHONPATH, so a child imports this
    code and not another installed copy."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def wait_until_ready(
    process: subprocess.Popen, url: str, timeout: float, name: str, log_tail: Callable[[], str] = str
) -> None:
    """Until ``url`` answers 200; raises ``RuntimeError`` (with the log's tail) if the process exits first or
    ``timeout`` seconds pass."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log_tail()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f}s:\n{log_tail()}")
        time.sleep(0.25)


def stop(process: subprocess.Popen, stop_signal: int = signal.SIGINT, grace: float = 30.0) -> None:
    """``stop_signal`` (SIGINT lets ``newsdesk serve`` release its lock and close its stores), then kill."""
    if process.poll() is None:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def running_process(
    command: Sequence[str],
    ready_url: str,
    log: IO[Any],
    *,
    name: str = "server",
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    stop_signal: int = signal.SIGINT,
    grace: float = 30.0,
    **popen: Any,
) -> Iterator[subprocess.Popen]:
    """``command`` as a child process writing to ``log``, yielded once ``ready_url`` answers 200; stopped
    with ``stop_signal`` (then killed) on exit, however the block ends."""
    process = subprocess.Popen(list(command), env=env, stdout=log, stderr=subprocess.STDOUT, **popen)

    def log_tail() -> str:
        with contextlib.suppress(OSError, ValueError):  # io.UnsupportedOperation is both
            path = getattr(log, "name", None)
            if isinstance(path, str) and Path(path).is_file():
                return Path(path).read_text(errors="replace")[-3000:]
            log.flush()
            log.seek(0)
            text = log.read()
            return (text.decode(errors="replace") if isinstance(text, bytes) else text)[-3000:]
        return ""

    try:
        wait_until_ready(process, ready_url, timeout, name, log_tail)
        yield process
    finally:
        stop(process, stop_signal, grace)
