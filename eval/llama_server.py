"""llama-cpp-python's own OpenAI-compatible server on loopback, for the openai backend's tests and report."""

from __future__ import annotations

import ctypes
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eval.loopback import free_port, running_process

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
    base_url = f"http://127.0.0.1:{port}/v1"
    with (
        tempfile.TemporaryFile(mode="w+") as log,
        running_process(
            command,
            f"{base_url}/models",
            log,
            name="llama_cpp.server",
            timeout=startup_timeout_s,
            stop_signal=signal.SIGTERM,
            grace=10,
            preexec_fn=_die_with_parent if _LINUX else None,
        ),
    ):
        yield base_url


_LINUX = sys.platform.startswith("linux")
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: the kernel sends SIGTERM when the parent dies, so a killed test run leaves no server."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
