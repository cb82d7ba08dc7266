"""Structured logs: one JSON object a line, each carrying the id of the request it belongs to.

``logging_config`` is a dictConfig that uvicorn applies in every worker process; ``configure_logging``
applies the same configuration in the current process.
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any, TextIO

from service.api.middleware import request_id

JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def logging_config(fmt: str = "json", level: str = "INFO") -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
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
            "uvicorn": {"handlers": ["default"], "propagate": False, "level": level},
            "uvicorn.error": {"handlers": ["default"], "propagate": False, "level": level},
        },
        "root": {"handlers": ["default"], "level": level},
    }


def configure_logging(fmt: str = "json", level: str = "INFO", stream: TextIO | None = None) -> None:
    logging.config.dictConfig(logging_config(fmt, level))
    if stream is not None:
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)
