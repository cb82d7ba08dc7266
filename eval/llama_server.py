"""llama-cpp-python's own OpenAI-compatible server on loopback, for the openai backend's tests and report."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

from eval.loopback import free_port

MODEL_ALIAS = "gemma-3-270m"


@contextmanager
def llama_cpp_server(
    model_path: Path, n_ctx: int = 2048, startup_timeout_s: float = 180.0, threads: int | None = None
) -> Iterator[str]:
    """Starts ``python -m llama_cpp.server`` on a free loopback port; yields its base URL (``.../v1``).

    The server is always stopped on exit (terminate, then kill), and a start that fails or hangs raises
    with the server's own output.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--seed", "0",
    ]  # fmt: skip
    if threads:
        command += ["--n_threads", str(threads)]
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent if _LINUX else None
        )
        try:
            base_url = f"http://127.0.0.1:{port}/v1"
            _wait_until_ready(process, base_url, startup_timeout_s, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


_LINUX = sys.platform.startswith("linux")
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: the kernel sends SIGTERM when the parent dies, so a killed test run leaves no server."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_until_ready(process: subprocess.Popen, base_url: str, timeout_s: float, log: IO[str]) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {process.returncode}: {_tail(log)}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"llama_cpp.server did not answer within {timeout_s:.0f} s: {_tail(log)}")


def _tail(log: IO[str]) -> str:
    log.seek(0)
    return log.read()[-2000:]
