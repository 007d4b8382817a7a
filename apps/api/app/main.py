"""The application factory: routers, middleware, lifespan. No logic lives here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from apps.api.app import health, metrics, migrate
from apps.api.app.auth import service as auth_service
from apps.api.app.auth.account_router import router as account_router
from apps.api.app.auth.mfa_router import router as mfa_router
from apps.api.app.auth.passkeys_router import router as passkeys_router
from apps.api.app.auth.router import router as auth_router
from apps.api.app.config import Settings, load_settings, require_secret
from apps.api.app.db.engine import make_engine
from apps.api.app.db.reader import Reader
from apps.api.app.db.session import make_sessionmaker
from apps.api.app.devices.router import router as devices_router
from apps.api.app.docs import mount_docs
from apps.api.app.entries.router import router as entries_router
from apps.api.app.entries.router import stats_router, tags_router
from apps.api.app.errors import COMMON_ERRORS, install_error_docs, install_error_handlers
from apps.api.app.http import ignore_server_forwarding_headers
from apps.api.app.logging_setup import configure_logging
from apps.api.app.mail import outbox
from apps.api.app.mail.mailer import make_mailer
from apps.api.app.middleware import ApiGuardMiddleware, ApiMethodMiddleware, MetricsMiddleware
from apps.api.app.ratelimit import RateLimiter
from apps.api.app.web import mount_web
from apps.api.app.worker_metrics import refuse_unshared_limits

log = logging.getLogger("journal")


def _operation_id(route: APIRoute) -> str:
    # Stable, readable names for the generated TypeScript client (e.g. entries_list_entries).
    return f"{route.tags[0]}_{route.name}" if route.tags else route.name


PRUNE_INTERVAL_SECONDS = 3600
SHUTDOWN_STEP_SECONDS = 10


async def _prune_periodically(app: FastAPI) -> None:
    """Delete long-ended sessions, tokens and sent mail hourly (idempotent: fine on every
    worker)."""
    while True:
        await asyncio.sleep(PRUNE_INTERVAL_SECONDS)
        try:
            with app.state.sessionmaker() as db:
                removed = await asyncio.to_thread(auth_service.prune, db)
            log.info(
                "pruned %d ended sessions, %d used/expired tokens, %d never-verified accounts",
                *removed,
            )
            with app.state.sessionmaker() as db:
                mails = await asyncio.to_thread(outbox.prune, db)
            log.info("pruned %d sent or given-up mails", mails)
        except Exception:
            log.exception("session pruning failed; will retry")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auto_migrate:
            migrate.upgrade(engine)
        _ = settings.secret  # create the dev key file once, before the first request
        if settings.is_production and not settings.smtp_host and settings.user_mgmt_enabled:
            log.warning(
                "JOURNAL_SMTP_HOST is not set: verification and reset mails cannot be "
                "delivered (in production their links are redacted from the log)"
            )
        log.info("Journal API ready (env=%s, db=%s)", settings.env, engine.url.get_backend_name())
        pruner = asyncio.create_task(_prune_periodically(app))
        sender = app.state.outbox.start()
        yield
        pruner.cancel()
        # Shutdown never waits forever on one step (a test run once hung here, every thread
        # idle): each awaited step is bounded, then the engines are closed regardless.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(app.state.outbox.stop(sender), SHUTDOWN_STEP_SECONDS)
        outbox_engine.dispose()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(app.state.reader.dispose(), SHUTDOWN_STEP_SECONDS)
        engine.dispose()

    app = FastAPI(
        title="Journal API",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url=None,  # served by docs.mount_docs, with local assets
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine, settings)
    app.state.reader = Reader(settings, engine)
    app.state.mailer = make_mailer(settings)
    # The sender has its own engine (a small pool): delivery never waits for request
    # connections, and requests never wait for it.
    outbox_engine = make_engine(settings, pool_size=2)
    app.state.outbox = outbox.OutboxSender(make_sessionmaker(outbox_engine), app.state.mailer)
    app.state.outbox.watch(app.state.sessionmaker)
    app.state.rate_limiter = RateLimiter(settings)

    install_error_handlers(app)
    install_error_docs(app)
    app.add_middleware(ApiMethodMiddleware, routes=app.router.routes)
    app.add_middleware(ApiGuardMiddleware, settings=settings)
    if settings.metrics_enabled:
        app.add_middleware(MetricsMiddleware)  # outermost: times everything, 4xx included

    # Routes are matched in the order they are added, one by one: the journal's own (the
    # reads of every page) first. No two routers share a path prefix, so order is free.
    app.include_router(entries_router, responses=COMMON_ERRORS)
    app.include_router(tags_router, responses=COMMON_ERRORS)
    app.include_router(stats_router, responses=COMMON_ERRORS)
    app.include_router(health.router, responses=COMMON_ERRORS)
    app.include_router(auth_router, responses=COMMON_ERRORS)
    app.include_router(mfa_router, responses=COMMON_ERRORS)
    app.include_router(passkeys_router, responses=COMMON_ERRORS)
    app.include_router(account_router, responses=COMMON_ERRORS)
    app.include_router(devices_router, responses=COMMON_ERRORS)
    app.include_router(metrics.router)
    mount_docs(app)
    mount_web(app, settings.web_dist)
    return app


def __getattr__(name: str) -> FastAPI:
    # `uvicorn apps.api.app.main:app` builds the app on first access, so importing this
    # module (tests, the OpenAPI export) never reads the environment by itself.
    if name == "app":
        ignore_server_forwarding_headers()  # JOURNAL_TRUSTED_PROXIES decides, not uvicorn
        settings = load_settings()
        require_secret(settings)  # a bad key file stops start-up with one line
        refuse_unshared_limits(settings.redis_url)  # several workers need shared limits
        application = create_app(settings)
        globals()["app"] = application
        return application
    raise AttributeError(name)
