"""Serve the built single-page app (apps/web/dist) next to the API on one port."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from apps.api.app.errors import NotFound

# Pages that carry a secret in the URL: never leak it through Referer.
_NO_REFERRER_PAGES = ("verify", "reset-password", "confirm-email")

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Journal</title>
<p>The web app is not built yet. Run <code>make run</code> (or
<code>pnpm -C apps/web build</code>) and reload. The API is at
<a href="/api/docs">/api/docs</a>.</p>"""


def mount_web(app: FastAPI, dist: Path) -> None:
    dist = dist.resolve()
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    index = dist / "index.html"

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if path == "api" or path.startswith("api/"):
            raise NotFound("Not found")
        headers = {"Content-Security-Policy": _CSP}
        if path.startswith(_NO_REFERRER_PAGES):
            headers["Referrer-Policy"] = "no-referrer"
        else:
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if path and "/" not in path:
            candidate = (dist / path).resolve()
            if candidate.parent == dist and candidate.is_file():
                return FileResponse(candidate, headers=headers)
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT, status_code=503, headers=headers)
        return FileResponse(index, headers={**headers, "Cache-Control": "no-cache"})
