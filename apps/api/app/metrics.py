"""The HTTP metrics and the /metrics exporter (each domain defines its own counters, e.g.
``auth/metrics.py``; they all land in the default registry exported here).

Several worker processes (``journal serve --workers N``) share one view through
prometheus_client's multiprocess mode: each process writes its samples to files under
``PROMETHEUS_MULTIPROC_DIR`` and the exporter merges them on every scrape.
"""

from __future__ import annotations

import hmac
import os
import shutil
from pathlib import Path

from fastapi import APIRouter, Request, Response

from apps.api.app.config import Settings
from apps.api.app.errors import NotAuthenticated, NotFound
from apps.api.app.worker_metrics import MULTIPROC_ENV, share_metrics_between_workers

share_metrics_between_workers()  # before prometheus_client is imported: it picks its mode then

from prometheus_client import (  # noqa: E402
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by route template, method and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

# The server accepts dozens of method tokens; anything else shares one label value, so a
# client cannot mint new series (route labels are templates or "unmatched", likewise).
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in HTTP_METHODS else "other"


def prepare_multiprocess_dir(path: Path) -> None:
    """Start a run with an empty directory: stale files from a previous run would be summed."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, mode=0o700)
    os.environ[MULTIPROC_ENV] = str(path)


def _exposition(settings: Settings) -> bytes:
    if settings.prometheus_multiproc_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(  # type: ignore[no-untyped-call]
            registry, path=str(settings.prometheus_multiproc_dir)
        )
        return generate_latest(registry)
    return generate_latest(REGISTRY)


router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def metrics_endpoint(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not settings.metrics_enabled:
        raise NotFound("Not found")
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}"
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise NotAuthenticated(
                "Metrics need the bearer token", headers={"WWW-Authenticate": "Bearer"}
            )
    return Response(_exposition(settings), media_type=CONTENT_TYPE_LATEST)
