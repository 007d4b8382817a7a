"""The API docs page (``/api/docs``): Swagger UI served from this origin, never from a CDN.

FastAPI's default page pulls its script and styles from a public CDN without integrity
checks, i.e. that CDN could run code on our origin. The same Swagger UI build ships in the
``fastapi-offline`` wheel; we serve its files ourselves.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
_REDIRECT_URL = "/api/docs/oauth2-redirect"
_ASSETS_URL = "/docs-assets"  # outside /api/: static files, not API answers
_ASSETS = Path(str(files("fastapi_offline") / "static"))


def mount_docs(app: FastAPI) -> None:
    openapi_url = app.openapi_url or "/api/openapi.json"
    app.mount(_ASSETS_URL, StaticFiles(directory=_ASSETS), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{_ASSETS_URL}/favicon.png",
            oauth2_redirect_url=_REDIRECT_URL,
        )

    @app.get(_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
