"""Dependencies injected into routes; tests override them to run against their own engine."""

from __future__ import annotations

from fastapi import Request

from service.engine import Newsdesk


def get_newsdesk(request: Request) -> Newsdesk:
    return request.app.state.newsdesk
