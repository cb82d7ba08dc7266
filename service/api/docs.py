"""/docs (Swagger UI) and /redoc (ReDoc) with their scripts served from the fastapi-offline package.

FastAPI's own pages load both from a CDN, so they were blank on a newsroom network without internet. ReDoc's
sidebar also asks a CDN for its logo whatever its options say: the script is served with that address
blanked (the logo hides itself when it fails to load), and both pages carry a Content-Security-Policy that
lets them load nothing from another host should a later version ask for something else.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/static-offline-docs"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
# ReDoc runs its search in a blob: worker; both pages inline a script and styles.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'"
)


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    return page


@lru_cache(maxsize=1)
def redoc_script() -> bytes:
    """ReDoc's standalone bundle without the one address it would fetch from another host."""
    return (ASSETS / "redoc.standalone.js").read_bytes().replace(REDOC_LOGO, b"")


def add_offline_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Serve the API docs pages on ``app`` (created with ``docs_url=None, redoc_url=None``)."""

    @app.get(f"{ASSETS_URL}/redoc.local.js", include_in_schema=False)  # before the mount: matched first
    def redoc_js() -> Response:
        return Response(
            redoc_script(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
        )

    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="offline-docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _local_only(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title} API",
                oauth2_redirect_url=oauth2_redirect,
                swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            )
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return _local_only(get_swagger_ui_oauth2_redirect_html())

    @app.get(redoc_url, include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _local_only(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{app.title} API",
                redoc_js_url=f"{ASSETS_URL}/redoc.local.js",
                redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )
