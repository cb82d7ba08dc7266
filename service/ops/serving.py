"""The server process: one uvicorn server that says where Newsdesk is only once it accepts connections, or
several worker processes.

A line printed before ``uvicorn.run`` came seconds before the models were loaded and the socket bound, and a
reader who opened it then got "connection refused".
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from typing import Any

import uvicorn

from service.settings import Settings


class AnnouncingServer(uvicorn.Server):
    """Calls ``announce`` once the app has started and the socket listens."""

    def __init__(self, config: uvicorn.Config, announce: Callable[[], None]) -> None:
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            self.announce()


def serve(app: Any, host: str, port: int, log_config: dict[str, Any], announce: Callable[[], None]) -> None:
    AnnouncingServer(uvicorn.Config(app, host=host, port=port, log_config=log_config), announce).run()


def serve_workers(settings: Settings, host: str, port: int, workers: int, factory: str) -> None:
    """Several uvicorn worker processes, each building its own app from the environment with ``factory``
    (``module:function``, uvicorn's factory mode)."""
    from service.api.logging import logging_config

    # Hand the workers what the command line set; Gradio's sessions live in one process, so no UI.
    os.environ.update(
        {
            "NEWSDESK_DATA_DIR": str(settings.data_dir),
            "NEWSDESK_INGEST_SAMPLE_IF_EMPTY": str(settings.ingest_sample_if_empty).lower(),
            "NEWSDESK_WORKERS": str(workers),
            "NEWSDESK_UI": "false",
        }
    )
    uvicorn.run(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=logging_config(settings.log_format),  # applied in every worker process
    )
