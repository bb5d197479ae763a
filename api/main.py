"""The FastAPI application: ``create_app()`` wires settings, storage, the job runner, routes,
errors, limits, logs and metrics. ``allocator serve`` runs it with uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import allocator

from . import errors, logs
from .auth import TokenCache
from .db import Database
from .jobs import JobRunner
from .limits import BodyLimit
from .metrics import Metrics
from .routes import health, insight, jobs, scenarios, solve, tokens
from .settings import Settings
from .web import pages
from .web.render import HERE as WEB
from .web.render import SecurityHeaders


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service from ``settings`` (default: the environment's); storage and the job runner
    start and stop with the app."""
    settings = settings or Settings()
    logs.configure(settings.log_level)
    db = Database(settings.database_url)
    metrics = Metrics()
    runner = JobRunner(db, settings, metrics)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The schema to the latest migration (a first-release database is stamped first);
        # several processes starting at once take turns under the migration lock.
        db.upgrade()
        runner.start()
        try:
            yield
        finally:
            runner.stop()
            db.dispose()

    app = FastAPI(
        title="Pledge Allocator",
        version=getattr(allocator, "__version__", "0.1.0"),
        summary="Match member states' pledges to UN peacekeeping mission requirements.",
        lifespan=lifespan,
    )
    app.state.settings, app.state.db = settings, db
    app.state.metrics, app.state.runner = metrics, runner
    app.state.tokens = TokenCache()
    for module in (scenarios, jobs, insight, solve, tokens, health):
        app.include_router(module.router)
    # The planners' pages at /, over the routes above; their script and stylesheet are files.
    pages.install(app)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    # Added last = outermost: every request is logged and counted, including a refused body.
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(errors.CatchAll)  # inside the log: an unexpected error is a JSON 500
    app.add_middleware(logs.RequestLog, metrics=metrics)
    return app
