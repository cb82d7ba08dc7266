"""uvicorn, saying where Newsdesk is only once it accepts connections.

A line printed before ``uvicorn.run`` came seconds before the models were loaded and the socket bound, and a
reader who opened it then got "connection refused".
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import uvicorn


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
