"""A quiet console: plain lines on a terminal, no access lines for static files, the URL once it works."""

import io
import json
import logging
import socket
import threading

import pytest

from eval.loopback import free_port
from service.api.logging import configure_logging, logging_config, resolve_format
from service.ops.serving import AnnouncingServer


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def captured():
    """The log lines written while the test runs, with the logging set up as `newsdesk serve` does."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    loggers = {name: logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "newsdesk.access")}
    saved_loggers = {
        name: (lg.level, lg.handlers[:], lg.filters[:], lg.propagate) for name, lg in loggers.items()
    }

    def configure(fmt: str) -> io.StringIO:
        stream = Terminal() if fmt == "auto" else io.StringIO()
        configure_logging(fmt, stream=stream)
        for name in ("uvicorn", "uvicorn.error"):  # they have handlers of their own
            for handler in logging.getLogger(name).handlers:
                handler.setStream(stream)
        return stream

    yield configure
    root.handlers[:], level = saved
    root.setLevel(level)
    for name, (level, handlers, filters, propagate) in saved_loggers.items():
        logger = loggers[name]
        logger.setLevel(level)
        logger.handlers[:], logger.filters[:], logger.propagate = handlers, filters, propagate
    logging.getLogger("uvicorn.access").disabled = False


def access(path: str, status: int) -> None:
    logging.getLogger("newsdesk.access").info(
        "GET %s %s", path, status, extra={"path": path, "status": status}
    )


def test_static_files_and_the_pages_plumbing_leave_no_access_lines(captured):
    stream = captured("json")
    for path in ("/ui/assets/index.js", "/ui/gradio_api/heartbeat/x", "/static-offline-docs/swagger-ui.css"):
        access(path, 200)
    access("/favicon.ico", 401)  # Chromium asks without the page's credentials, on every page load
    access("/ui/", 200)  # the page load itself
    access("/ui/articles/ferry-1", 200)
    access("/v1/ask", 200)
    access("/ui/gradio_api/queue/join", 500)  # failures always
    paths = [json.loads(line)["message"] for line in stream.getvalue().splitlines()]
    assert paths == [
        "GET /ui/ 200",
        "GET /ui/articles/ferry-1 200",
        "GET /v1/ask 200",
        "GET /ui/gradio_api/queue/join 500",
    ]


def test_a_terminal_gets_plain_lines_and_uvicorns_lifecycle_lines_go(captured):
    stream = captured("auto")
    logging.getLogger("uvicorn.error").info("Waiting for application startup.")
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")
    access("/v1/ask", 200)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and not any(line.startswith("{") for line in lines)
    assert "WARNING" in lines[0] and lines[1].endswith("newsdesk.access: GET /v1/ask 200")


def test_json_lines_carry_no_ansi_copy_of_the_message(captured):
    stream = captured("json")
    logging.getLogger("uvicorn.error").warning(
        "Shutting down", extra={"color_message": "\x1b[1mShutting\x1b[0m"}
    )
    [line] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert line["message"] == "Shutting down" and "color_message" not in line


def test_auto_is_text_on_a_terminal_and_json_otherwise():
    assert resolve_format("auto", Terminal()) == "text"
    assert resolve_format("auto", io.StringIO()) == "json"
    assert resolve_format("json", Terminal()) == "json"
    assert logging_config("text")["loggers"]["uvicorn.error"]["level"] == "WARNING"
    assert logging_config("json")["loggers"]["uvicorn.error"]["level"] == "INFO"


def test_the_url_is_announced_once_the_server_accepts_connections():
    """The announcement runs after the app's start-up and the bind: a client connecting then gets in."""
    port = free_port()
    events: list[str] = []

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            events.append("started")
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})

    def announce() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            events.append("connected")
        server.should_exit = True

    import uvicorn

    server = AnnouncingServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None), announce)
    thread = threading.Thread(target=server.run)
    thread.start()
    thread.join(timeout=30)
    assert events == ["started", "connected"]
