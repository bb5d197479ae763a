"""What ``allocator serve``, ``allocator worker``, ``allocator db`` and ``allocator token create``
do (the CLI itself is allocator's)."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import uvicorn

from . import logs, migrate
from .auth import Role, create_token
from .db import Database
from .jobs import JobRunner
from .metrics import Metrics
from .settings import Settings

log = logging.getLogger("allocator.api.worker")


def serve(host: str, port: int) -> None:
    """Run the service (``allocator serve``) on ``host``:``port`` until it is stopped."""
    # One server process: the job runner and its job processes live beside it, unless
    # ALLOCATOR_RUN_JOBS=false leaves the jobs to `allocator worker` processes. Uvicorn's
    # access log is off because the service writes its own structured request log.
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, access_log=False,
                log_level=Settings().log_level.lower())


def work(on_started: threading.Event | None = None) -> None:
    """Run one solver worker (``allocator worker``) until SIGTERM or SIGINT: it claims queued
    jobs from the database and runs up to ``ALLOCATOR_WORKERS`` of them at once, each in its
    own process. On stop, the jobs it was running go back to the queue."""
    settings = Settings()
    logs.configure(settings.log_level)
    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    runner = JobRunner(db, settings, Metrics(), run_jobs=True)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        runner.start()
        log.warning("worker started", extra={"worker_id": runner.worker_id,
                                             "jobs_at_once": settings.workers})
        if on_started is not None:
            on_started.set()
        while not stop.wait(1.0):
            if runner.thread is None or not runner.thread.is_alive():
                raise RuntimeError("the job runner stopped")
    finally:
        runner.stop()
        db.dispose()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.warning("worker stopped", extra={"worker_id": runner.worker_id})


def upgrade_database() -> str:
    """``allocator db upgrade``: the database of DATABASE_URL to the latest revision; what was
    done, in one sentence."""
    url = Settings().database_url
    return migrate.upgrade(url).describe(url)


def database_revision() -> tuple[str, str | None, str]:
    """``allocator db current``: (database URL, its revision or None, the latest revision)."""
    url = Settings().database_url
    return url, migrate.current(url), migrate.head()


def new_token(name: str, role: Role, workspace: str) -> tuple[str, str, str]:
    """Create a token straight in the database (how the first admin token is made).
    Returns (id, secret, database URL)."""
    settings = Settings()
    db = Database(settings.database_url)
    try:
        db.upgrade()
        with db.session() as session:
            token, secret = create_token(session, name=name, role=role, workspace=workspace)
            return token.id, secret, settings.database_url
    finally:
        db.dispose()
