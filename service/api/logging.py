"""Logs: one JSON object a line for collectors, plain lines on a terminal; each carries its request id.

``logging_config`` is a dictConfig that uvicorn applies in every worker process; ``configure_logging``
applies the same configuration in the current process. Either way the access log leaves out the static
files and the chat page's own traffic (about thirty lines a page load) unless they fail, and the metrics
still count them.
"""

from __future__ import annotations

import logging
import logging.config
import sys
from typing import Any, TextIO

from service.api.middleware import request_id

JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
# Served files and the Gradio page's plumbing (config, assets, queue, heartbeat): the page load itself
# (/ui/), the article view and every failure stay in the log.
QUIET_PREFIXES = ("/ui/", "/static-offline-docs/", "/docs/oauth2-redirect")
KEPT = ("/ui/articles/",)
# What a browser fetches on its own, without the page's credentials: a 401 for each on every page load.
BROWSER_PROBES = {"/favicon.ico", "/manifest.json"}


def resolve_format(fmt: str, stream: TextIO | None = None) -> str:
    """``auto`` is text when ``stream`` (stderr by default) is a terminal, JSON otherwise."""
    if fmt != "auto":
        return fmt
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return "text" if isatty is not None and isatty() else "json"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        # uvicorn's copy of the message with ANSI colour codes: noise in JSON, and its own message says it.
        record.__dict__.pop("color_message", None)
        return True


class QuietAccessFilter(logging.Filter):
    """Drops access lines for static files and the chat page's plumbing that succeeded."""

    def filter(self, record: logging.LogRecord) -> bool:
        path = str(getattr(record, "path", ""))
        status = getattr(record, "status", 500)
        if path in BROWSER_PROBES:
            return False
        if not isinstance(status, int) or status >= 400 or path == "/ui/" or path.startswith(KEPT):
            return True
        return not path.startswith(QUIET_PREFIXES)


def logging_config(fmt: str = "auto", level: str = "INFO") -> dict[str, Any]:
    fmt = resolve_format(fmt)
    # On a terminal Newsdesk prints its own line once it accepts connections; uvicorn's four lifecycle lines
    # (process started, waiting, startup complete, running on) say the same less clearly.
    uvicorn_level = "WARNING" if fmt == "text" else level
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}, "quiet_access": {"()": QuietAccessFilter}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": JSON_FIELDS,
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
            "text": {"format": TEXT_FORMAT},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": fmt,
                "filters": ["request_id"],
            }
        },
        "loggers": {
            # Our access log (newsdesk.access) replaces uvicorn's: it carries the request id and the route.
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            "uvicorn": {"handlers": ["default"], "propagate": False, "level": uvicorn_level},
            "uvicorn.error": {"handlers": ["default"], "propagate": False, "level": uvicorn_level},
            "newsdesk.access": {"filters": ["quiet_access"]},
        },
        "root": {"handlers": ["default"], "level": level},
    }


def configure_logging(fmt: str = "auto", level: str = "INFO", stream: TextIO | None = None) -> None:
    logging.config.dictConfig(logging_config(resolve_format(fmt, stream), level))
    if stream is not None:
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)
