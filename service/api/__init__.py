"""The HTTP API: thin routes that validate, then call the core (``service.engine.Newsdesk``)."""

from service.api.app import create_app

__all__ = ["create_app"]
