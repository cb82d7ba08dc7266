"""The one app factory: the HTTP API, with the Gradio chat mounted at /ui when the settings ask for it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from service.settings import Settings, get_settings, quiet_offline_environment

if TYPE_CHECKING:
    from fastapi import FastAPI

    from service.engine import Newsdesk

# For uvicorn's factory mode (one call per worker process), which imports this module by name.
FACTORY = "newsdesk.app:create_app"


class ChatFrontend:
    """The chat UI as the API's frontend: Gradio's uploads live under the data directory while it runs."""

    home = "/ui"

    def __init__(self, data_dir: Path) -> None:
        from ui.uploads import use_upload_dir

        # Before the chat is imported and built: Gradio reads its upload folder then.
        self.uploads = use_upload_dir(data_dir)

    def mount(self, app: FastAPI) -> FastAPI:
        from ui.app import mount_ui

        return mount_ui(app)

    def open(self) -> None:
        """Remove what a killed server left behind."""
        from ui.uploads import remove_uploads

        remove_uploads(self.uploads)

    def close(self) -> None:
        from ui.uploads import remove_uploads

        remove_uploads(self.uploads)


def create_app(
    settings: Settings | None = None, newsdesk: Newsdesk | None = None, mount_ui: bool | None = None
) -> FastAPI:
    """The app; with ``newsdesk`` given it serves that engine (tests), otherwise it builds one at start-up.

    Without arguments (uvicorn's factory, one call per worker process) the settings come from the environment;
    ``mount_ui`` defaults to ``settings.ui``.
    """
    quiet_offline_environment()  # before the model libraries are imported
    from service.api import create_app as create_api

    settings = settings or get_settings()
    mount_ui = settings.ui if mount_ui is None else mount_ui
    frontend = ChatFrontend(settings.data_dir) if mount_ui else None
    return create_api(settings, newsdesk, frontend)
