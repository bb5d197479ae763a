"""The job runner: a supervisor thread that starts queued jobs in worker processes.

At most ``settings.workers`` solves run at once; the rest wait in the database, oldest first.
On start-up, jobs left ``running`` by a service that died are queued again (or marked failed
once they have been interrupted ``max_job_attempts`` times), so nothing submitted is lost.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy import func, select, update

from .db import Database, Job, utcnow
from .metrics import Metrics
from .settings import Settings
from .worker import run_job, solve_document, watch_service

log = logging.getLogger("allocator.api.jobs")


def _context() -> multiprocessing.context.BaseContext:
    # A fork server preloads the library once, so a job's process starts in milliseconds;
    # forking the server itself would copy its threads and open connections.
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["api.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


@dataclass
class _Running:
    process: Any
    started: float
    backend: str


class JobRunner:
    """Starts queued jobs in worker processes, at most ``settings.workers`` at once, and stops them
    on cancel or shutdown; it also runs ``POST /v1/solve`` in a pool of processes."""

    def __init__(self, db: Database, settings: Settings, metrics: Metrics):
        self.db = db
        self.settings = settings
        self.metrics = metrics
        self.ctx = _context()
        self.running: dict[str, _Running] = {}
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._alive: Connection | None = None
        self._alive_w: Connection | None = None

    # ----- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        # Every solve process gets the read end and exits when it reads EOF, i.e. when this
        # process is gone, however it died; the write end is never written nor shared.
        self._alive, self._alive_w = self.ctx.Pipe(duplex=False)
        if self.ctx.get_start_method() == "forkserver":
            # Boot the fork server (about 1 s, preloading the library) now, not on the first
            # job, where a cancel arriving meanwhile would wait for it.
            from multiprocessing import forkserver

            forkserver.ensure_running()
        self.recover()
        self.thread = threading.Thread(target=self._loop, name="job-runner", daemon=True)
        self.thread.start()

    def recover(self) -> None:
        """Queue again the jobs a previous service left running, or fail them with a reason."""
        limit = self.settings.max_job_attempts
        with self.db.session() as session:
            for job in session.scalars(select(Job).where(Job.status == "running")):
                if job.attempts >= limit:
                    job.status, job.finished_at = "failed", utcnow()
                    job.error = (f"interrupted by a restart of the service (run {job.attempts} "
                                 f"of at most {limit}); submit the solve again")
                else:
                    job.status, job.progress = "queued", None
                    job.error = "interrupted by a restart of the service; queued again"
                log.info("recovered job", extra={"job_id": job.id, "status": job.status})

    def stop(self) -> None:
        """Stop solving; jobs cut short go back to the queue without counting an attempt."""
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
        with self.lock:
            stopped = list(self.running)
            for entry in self.running.values():
                _end(entry.process)
            self.running.clear()
        if stopped:
            with self.db.session() as session:
                session.execute(update(Job).where(Job.id.in_(stopped), Job.status == "running")
                                .values(status="queued", progress=None,
                                        attempts=Job.attempts - 1))
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        for end in (self._alive, self._alive_w):
            if end is not None:
                end.close()

    # ----- the loop -------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                self._reap()
                self._launch()
            except Exception:  # the loop must outlive a database hiccup
                log.exception("job runner step failed")
            self.wake.wait(0.2)
            self.wake.clear()

    def _launch(self) -> None:
        free = self.settings.workers - len(self.running)
        if free <= 0:
            return
        with self.db.session() as session:
            queued = session.scalars(select(Job.id).where(Job.status == "queued")
                                     .order_by(Job.created_at, Job.id).limit(free)).all()
        for job_id in queued:
            with self.db.session() as session:
                claimed = session.execute(
                    update(Job).where(Job.id == job_id, Job.status == "queued")
                    .values(status="running", started_at=utcnow(), finished_at=None,
                            attempts=Job.attempts + 1, progress=None))
                backend = session.scalar(select(Job.backend).where(Job.id == job_id))
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # cancelled in between
            process = self.ctx.Process(target=run_job, name=f"solve-{job_id[:8]}",
                                       args=(self.db.url, job_id, self._alive), daemon=True)
            process.start()
            with self.lock:
                self.running[job_id] = _Running(process, time.monotonic(), backend or "")

    def _reap(self) -> None:
        # A job cancelled (or its scenario deleted) while its process was being started was
        # not yet in ``running`` for the route to stop: stop it here.
        if not self.running:
            return
        with self.db.session() as session:
            cancelled = session.scalars(select(Job.id).where(
                Job.id.in_(list(self.running)), Job.status == "cancelled")).all()
        for job_id in cancelled:
            self.cancel(job_id)
        with self.lock:
            ended = {k: v for k, v in self.running.items() if not v.process.is_alive()}
            for job_id in ended:
                del self.running[job_id]
        for job_id, entry in ended.items():
            entry.process.join()
            with self.db.session() as session:
                session.execute(update(Job).where(Job.id == job_id, Job.status == "running")
                                .values(status="failed", finished_at=utcnow(),
                                        error="the solve process ended unexpectedly (exit code "
                                              f"{entry.process.exitcode}); submit it again"))
                status = session.scalar(select(Job.status).where(Job.id == job_id))
            self.metrics.job_finished(entry.backend, status or "unknown",
                                      time.monotonic() - entry.started)

    # ----- requests from routes -------------------------------------------------------------
    def notify(self) -> None:
        self.wake.set()

    def cancel(self, job_id: str) -> None:
        """End a job's process now (its row is already marked cancelled by the caller)."""
        with self.lock:
            entry = self.running.pop(job_id, None)
        if entry is not None:
            _end(entry.process)
            self.metrics.job_finished(entry.backend, "cancelled",
                                      time.monotonic() - entry.started)

    def queue_depth(self) -> dict[str, int]:
        with self.db.session() as session:
            rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
        return {status: count for status, count in rows}

    async def solve_now(self, document: dict[str, Any], options: dict[str, Any],
                        timeout_s: float) -> dict[str, Any]:
        """POST /v1/solve: solve in a pool process (never in the event loop) and wait."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.settings.workers,
                                             mp_context=self.ctx, initializer=watch_service,
                                             initargs=(self._alive,))
        future = self._pool.submit(solve_document, document, options)
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout_s)


def _end(process: Any) -> None:
    process.terminate()
    process.join(0.5)
    if process.is_alive():
        process.kill()
        process.join(0.5)
