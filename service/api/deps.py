"""Dependencies injected into routes; tests override them to run against their own engine."""

from __future__ import annotations

from fastapi import Request

from service.engine import Newsdesk
from service.settings import Settings


def get_newsdesk(request: Request) -> Newsdesk:
    return request.app.state.newsdesk


def get_api_settings(request: Request) -> Settings:
    """The settings the app was created with: limits, keys, ingest roots."""
    return request.app.state.settings
