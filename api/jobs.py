"""The job runner: a supervisor thread that claims queued jobs and starts them in job processes.

At most ``settings.workers`` jobs run at once; the rest wait in the database, oldest first. A
runner lives in ``allocator serve`` (unless ``ALLOCATOR_RUN_JOBS=false``: the API then only
queues) or alone in ``allocator worker``; several of each may share one PostgreSQL database.

Claims are safe between processes: on PostgreSQL the queued rows are read ``FOR UPDATE SKIP
LOCKED`` and marked running in the same transaction, so two runners never take one job; on
SQLite the conditional UPDATE is atomic by itself. Each job records its claimant
(``jobs.claimed_by``, a ``workers`` row with a heartbeat) and its attempt, and a job process
writes only under that claim. A runner taking back jobs (queued again, or failed once they have
run ``max_job_attempts`` times) takes only its own leftovers on start (same worker id: a
restart) and those of workers whose heartbeat is stale, never a live worker's.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy import Connection as DbConnection
from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from .db import Database, Job, Worker, utcnow
from .metrics import Metrics
from .settings import Settings
from .worker import (
    EXIT_OUT_OF_MEMORY,
    out_of_memory_reason,
    run_job,
    solve_document,
    watch_service,
)

log = logging.getLogger("allocator.api.jobs")

# The advisory lock of a worker id on PostgreSQL: (this class, crc32 of the id).
_ID_LOCK_CLASS = 0x504C4147  # "PLAG"
ID_LOCK_WAIT_S = 10.0  # a killed holder's connection closes within moments


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
    attempt: int


class WorkerIdInUse(RuntimeError):
    """Another live process runs jobs under this worker id."""


FORK_SERVER_LOST = 255
"""The exit code multiprocessing reports for a process whose fork server ended: the process
itself may still run (adopted by init), so it is stopped, or two solves would run where
``settings.workers`` allows one, with no cancel reaching the stray one."""

STRAY_REASON = ("the service lost track of the solve process (its fork server ended), so the "
                "process was stopped; submit the job again")
"""A job's ``error`` when its process was stopped after its fork server ended."""


def _stop_stray(process: Any) -> bool:
    """Stop a job process that multiprocessing reports ended but that may still run: only when
    its fork server has gone (exit code ``FORK_SERVER_LOST``). True if one was stopped."""
    if process.exitcode != FORK_SERVER_LOST or process.pid is None:
        return False
    try:
        # Only a process of this service's own process group: never a stranger that took
        # the pid over after the job's process ended.
        if os.getpgid(process.pid) != os.getpgid(0):
            return False
        os.kill(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False  # it had ended after all
    return True


def ended_reason(exitcode: int | None, memory_limit_mb: int | None = None) -> str:
    """Why a job process that ended without finishing its job ended, in words for the job's
    ``error``."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGKILL":
            # The kernel's OOM killer ends its victim with SIGKILL; so does an operator's
            # kill -9, but memory is by far the likelier cause for a solver.
            return ("the solve process was killed by the operating system (SIGKILL), which "
                    "usually means the machine ran out of memory; try a shorter time limit, "
                    "fewer ALLOCATOR_WORKERS or more memory, then submit again")
        reason = f"the solve process was ended by the signal {name}"
        if memory_limit_mb is not None and name in ("SIGABRT", "SIGSEGV", "SIGBUS"):
            reason += (f", most likely on reaching its memory limit ({memory_limit_mb} MB, "
                       "ALLOCATOR_JOB_MEMORY_LIMIT_MB)")
        return f"{reason}; submit it again"
    if exitcode == EXIT_OUT_OF_MEMORY:
        return out_of_memory_reason(memory_limit_mb)
    return f"the solve process ended unexpectedly (exit code {exitcode}); submit it again"


class JobRunner:
    """Claims queued jobs and starts them in job processes, at most ``settings.workers`` at once,
    and stops them on cancel or shutdown; it also runs ``POST /v1/solve`` in a pool of processes.

    With ``run_jobs`` false (an API process that only queues) it claims nothing: cancels then
    reach the job through the database, where its worker looks every loop.
    """

    def __init__(self, db: Database, settings: Settings, metrics: Metrics,
                 run_jobs: bool | None = None):
        self.db = db
        self.settings = settings
        self.metrics = metrics
        self.run_jobs = settings.run_jobs if run_jobs is None else run_jobs
        self.worker_id = settings.worker_id
        self.ctx = _context()
        self.running: dict[str, _Running] = {}
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._alive: Connection | None = None
        self._alive_w: Connection | None = None
        self._id_lock: DbConnection | None = None
        self._last_beat = 0.0

    # ----- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Start claiming and running jobs; a runner stopped before starts again (an app's
        lifespan may run more than once, e.g. one test client after another)."""
        self.stopping.clear()
        # Every solve process gets the read end and exits when it reads EOF, i.e. when this
        # process is gone, however it died; the write end is never written nor shared.
        self._alive, self._alive_w = self.ctx.Pipe(duplex=False)
        if self.ctx.get_start_method() == "forkserver":
            # Boot the fork server (about 1 s, preloading the library) now, not on the first
            # job, where a cancel arriving meanwhile would wait for it.
            from multiprocessing import forkserver

            forkserver.ensure_running()
        if not self.run_jobs:
            return
        self._hold_worker_id()
        self._beat()
        self.recover()
        self.thread = threading.Thread(target=self._loop, name="job-runner", daemon=True)
        self.thread.start()

    def _hold_worker_id(self) -> None:
        # Two live runners under one id would each take the other's jobs as its own
        # leftovers. PostgreSQL holds a session's advisory lock until its connection closes,
        # however the process ended, so a lock we cannot take means a live twin. (SQLite is
        # the one-process default: nothing to guard.)
        if self.db.engine.dialect.name != "postgresql":
            return
        key = zlib.crc32(self.worker_id.encode())
        key = key - 2**32 if key >= 2**31 else key
        connection = self.db.engine.connect()
        deadline = time.monotonic() + ID_LOCK_WAIT_S
        while True:
            held = connection.execute(text("SELECT pg_try_advisory_lock(:a, :b)"),
                                      {"a": _ID_LOCK_CLASS, "b": key}).scalar()
            connection.commit()
            if held:
                self._id_lock = connection
                return
            if time.monotonic() > deadline:
                connection.close()
                raise WorkerIdInUse(
                    f"the worker id {self.worker_id!r} is in use by another running worker; "
                    "give each worker its own ALLOCATOR_WORKER_ID")
            time.sleep(0.5)

    def _beat(self) -> None:
        now = utcnow()
        with self.db.session() as session:
            worker = session.get(Worker, self.worker_id)
            if worker is None:
                session.add(Worker(id=self.worker_id, host=socket.gethostname()[:200],
                                   pid=os.getpid(), started_at=now, heartbeat_at=now))
            else:
                worker.heartbeat_at, worker.pid = now, os.getpid()
        self._last_beat = time.monotonic()

    def _take_back(self, session: Session, jobs: list[Job], reason: str, failed: str) -> None:
        limit = self.settings.max_job_attempts
        for job in jobs:
            if job.attempts >= limit:
                job.status, job.finished_at = "failed", utcnow()
                job.error = failed.format(run=job.attempts, limit=limit)
            else:
                job.status, job.progress = "queued", None
                job.error = reason
            job.claimed_by = None
            log.info("recovered job", extra={"job_id": job.id, "status": job.status,
                                             "worker_id": self.worker_id})

    def recover(self) -> None:
        """Queue again the jobs this worker id left running (a previous run of this service or
        worker that died), or fail them with a reason; also those of a release before workers
        had ids."""
        with self.db.session() as session:
            jobs = list(session.scalars(
                select(Job).where(Job.status == "running",
                                  or_(Job.claimed_by == self.worker_id,
                                      Job.claimed_by.is_(None)))
                .with_for_update(skip_locked=True, of=Job)).unique())
            self._take_back(
                session, jobs, "interrupted by a restart of the service; queued again",
                "interrupted by a restart of the service (run {run} of at most {limit}); "
                "submit the solve again")

    def recover_stale(self) -> None:
        """Take back the running jobs of other workers silent for ``worker_stale_s``."""
        cutoff = utcnow() - timedelta(seconds=self.settings.worker_stale_s)
        with self.db.session() as session:
            live = select(Worker.id).where(Worker.heartbeat_at >= cutoff)
            jobs = list(session.scalars(
                select(Job).where(Job.status == "running", Job.claimed_by != self.worker_id,
                                  Job.claimed_by.not_in(live))
                .with_for_update(skip_locked=True, of=Job)).unique())
            for job in jobs:
                stale = (f"its worker {job.claimed_by!r} stopped (no heartbeat for "
                         f"{self.settings.worker_stale_s:g} s)")
                self._take_back(session, [job], f"interrupted: {stale}; queued again",
                                f"interrupted: {stale} (run {{run}} of at most {{limit}}); "
                                "submit the solve again")
            # Rows of workers long gone are kept for a while as a record, then dropped.
            session.execute(delete(Worker).where(
                Worker.heartbeat_at < utcnow() - timedelta(days=7)))

    def stop(self) -> None:
        """Stop solving; jobs cut short go back to the queue without counting an attempt."""
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
        with self.lock:
            stopped = dict(self.running)
            for entry in self.running.values():
                _end(entry.process)
            self.running.clear()
        if self.thread is not None:  # never when start() was refused (say, the id in use)
            with self.db.session() as session:
                for job_id, entry in stopped.items():
                    session.execute(self._claimed(job_id, entry.attempt).values(
                        status="queued", progress=None, claimed_by=None,
                        attempts=Job.attempts - 1))
                session.execute(delete(Worker).where(Worker.id == self.worker_id))
        if self._id_lock is not None:
            self._id_lock.close()  # closing the session releases its advisory lock
            self._id_lock = None
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None  # a start after this makes a new one on the first sync solve
        for end in (self._alive, self._alive_w):
            if end is not None:
                end.close()
        self._alive = self._alive_w = None
        self.thread = None

    # ----- the loop -------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                if time.monotonic() - self._last_beat >= self.settings.heartbeat_s:
                    self._beat()
                    self.recover_stale()
                self._reap()
                self._launch()
            except Exception:  # the loop must outlive a database hiccup
                log.exception("job runner step failed")
            self.wake.wait(0.2)
            self.wake.clear()

    def _claimed(self, job_id: str, attempt: int) -> Any:
        """An UPDATE of job ``job_id`` only while it runs under this worker's claim."""
        return update(Job).where(Job.id == job_id, Job.status == "running",
                                 Job.claimed_by == self.worker_id, Job.attempts == attempt)

    def claim(self, limit: int) -> list[tuple[str, int, str]]:
        """Claim up to ``limit`` queued jobs, oldest first, in one transaction: (id, attempt,
        backend) of each. Rows another runner has locked are skipped, not waited for."""
        if limit <= 0:
            return []
        claimed: list[tuple[str, int, str]] = []
        with self.db.session() as session:
            queued = session.execute(
                select(Job.id, Job.attempts, Job.backend).where(Job.status == "queued")
                .order_by(Job.created_at, Job.id).limit(limit)
                .with_for_update(skip_locked=True)).all()
            for job_id, attempts, backend in queued:
                # Still conditional: on SQLite (no row locks) a cancel, or another runner,
                # may have changed the row since the SELECT.
                done = session.execute(
                    update(Job).where(Job.id == job_id, Job.status == "queued")
                    .values(status="running", started_at=utcnow(), finished_at=None,
                            attempts=attempts + 1, progress=None, claimed_by=self.worker_id))
                if done.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append((job_id, attempts + 1, backend or ""))
        return claimed

    def _launch(self) -> None:
        for job_id, attempt, backend in self.claim(self.settings.workers - len(self.running)):
            process = self.ctx.Process(
                target=run_job, name=f"solve-{job_id[:8]}",
                args=(self.db.url, job_id, self.worker_id, attempt, self._alive,
                      self.settings.job_memory_limit_mb), daemon=True)
            process.start()
            log.info("started job", extra={"job_id": job_id, "attempt": attempt,
                                           "worker_id": self.worker_id, "pid": process.pid})
            with self.lock:
                self.running[job_id] = _Running(process, time.monotonic(), backend, attempt)

    def _reap(self) -> None:
        # A job cancelled (by any API process, or its scenario deleted), or taken from this
        # worker (thought dead), is no longer running under our claim: stop its process.
        if not self.running:
            return
        with self.lock:
            mine = dict(self.running)
        with self.db.session() as session:
            rows = session.execute(select(Job.id, Job.status, Job.claimed_by, Job.attempts)
                                   .where(Job.id.in_(list(mine)))).all()
        current = {job_id: (status, claimant, attempts)
                   for job_id, status, claimant, attempts in rows}
        for job_id, entry in mine.items():
            if (current.get(job_id) != ("running", self.worker_id, entry.attempt)
                    and entry.process.is_alive()):
                self.cancel(job_id)
        with self.lock:
            ended = {k: v for k, v in self.running.items() if not v.process.is_alive()}
            for job_id in ended:
                del self.running[job_id]
        for job_id, entry in ended.items():
            entry.process.join()
            reason = ended_reason(entry.process.exitcode, self.settings.job_memory_limit_mb)
            if _stop_stray(entry.process):
                reason = STRAY_REASON
            with self.db.session() as session:
                failed = session.execute(self._claimed(job_id, entry.attempt).values(
                    status="failed", finished_at=utcnow(), error=reason))
                status = session.scalar(select(Job.status).where(Job.id == job_id))
            if failed.rowcount == 1:  # type: ignore[attr-defined]
                log.warning("job process ended", extra={"job_id": job_id, "reason": reason,
                                                        "worker_id": self.worker_id})
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
