"""What runs inside a job process: load the job, solve (or run its what-if or sweep) with
progress, store the result.

Each job gets a fresh process, so a cancel is a kill and a crash loses one job, never the
service. The process writes its own progress and result through its own database connection,
and only while the job still runs under its claim (``running``, claimed by this worker, this
attempt): a job cancelled, or taken back from a worker thought dead, is never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import resource
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy import update

from allocator import Progress, Scenario, solve

from . import insight
from .db import Database, Job, JobResult, ScenarioRecord, utcnow

PROGRESS_EVERY_S = 0.5
# A job process's exit code when it ran out of memory and could not even store that itself.
EXIT_OUT_OF_MEMORY = 75


def out_of_memory_reason(memory_limit_mb: int | None) -> str:
    """A job's ``error`` when its process ran out of memory (at ``memory_limit_mb``, if set)."""
    limit = (f" (limit {memory_limit_mb} MB, ALLOCATOR_JOB_MEMORY_LIMIT_MB)"
             if memory_limit_mb is not None else "")
    return (f"the solve ran out of memory{limit}; try a shorter time limit or a higher limit, "
            "then submit again")


def watch_service(alive: Connection) -> None:
    """Exit this process as soon as the service is gone; call once at a process's start."""
    threading.Thread(target=_exit_with_service, args=(alive,), name="watch-service",
                     daemon=True).start()


def _exit_with_service(alive: Connection) -> None:
    # If the service dies (even by SIGKILL), its solve processes must not run on unseen:
    # after a restart the interrupted job is re-run, and two runs would race. The service
    # holds the other end of this pipe and never writes, so the read ends (EOF) only when the
    # service's process is gone. Watching the parent instead fails under a fork server: each
    # child holds the fd the fork server watches, so it outlives the service as our parent.
    with contextlib.suppress(EOFError, OSError):
        alive.recv_bytes()
    os._exit(3)


def run_job(database_url: str, job_id: str, worker_id: str, attempt: int, alive: Connection,
            memory_limit_mb: int | None = None) -> None:
    """A job process's work: run attempt ``attempt`` of job ``job_id``, claimed by ``worker_id``,
    and store its progress and result; the process exits if its worker goes. With
    ``memory_limit_mb`` the process's address space is capped there (RLIMIT_AS)."""
    watch_service(alive)
    db = Database(database_url)
    try:
        if memory_limit_mb is not None:
            # The limit bounds the solve, not start-up: the driver is loaded and a connection
            # opened (and kept in the pool) first, so the failure can still be stored.
            with db.engine.connect():
                pass
            limit = memory_limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        _run(db, job_id, worker_id, attempt, memory_limit_mb)
    except MemoryError:  # loading the job or solving it
        try:
            _out_of_memory(db, job_id, worker_id, attempt, memory_limit_mb)
        except MemoryError:  # too little even to store it: the worker stores it for us
            os._exit(EXIT_OUT_OF_MEMORY)
    finally:
        db.dispose()


def _claimed(job_id: str, worker_id: str, attempt: int) -> Any:
    """An UPDATE of the job only while it runs under this process's claim."""
    return update(Job).where(Job.id == job_id, Job.status == "running",
                             Job.claimed_by == worker_id, Job.attempts == attempt)


def _out_of_memory(db: Database, job_id: str, worker_id: str, attempt: int,
                   memory_limit_mb: int | None) -> None:
    # Raised on reaching RLIMIT_AS (or on a machine without memory to spare); what was
    # allocated is mostly freed with the frames unwound, so the failure can be stored.
    with db.session() as session:
        session.execute(_claimed(job_id, worker_id, attempt).values(
            status="failed", finished_at=utcnow(), error=out_of_memory_reason(memory_limit_mb)))


def _run(db: Database, job_id: str, worker_id: str, attempt: int,
         memory_limit_mb: int | None) -> None:
    def _running(job_id: str) -> Any:
        return _claimed(job_id, worker_id, attempt)

    with db.session() as session:
        job = session.get(Job, job_id)
        if (job is None or job.status != "running" or job.claimed_by != worker_id
                or job.attempts != attempt):
            return
        record = session.get(ScenarioRecord, job.scenario_id)
        if record is None:
            return
        document = record.document
        options = {"backend": job.backend, "time_limit": job.time_limit_s,
                   "objective": job.objective_mode}
        kind, parameters = job.kind, job.parameters or {}
    last = 0.0
    started = time.monotonic()

    def store(figures: dict[str, Any], final: bool) -> None:
        # At most every PROGRESS_EVERY_S, but always at a level's (or the sweep's) end.
        nonlocal last
        now = time.monotonic()
        if not final and now - last < PROGRESS_EVERY_S:
            return
        last = now
        with db.session() as session:
            session.execute(_running(job_id).values(progress=figures))

    def report(progress: Progress) -> None:
        store(progress.to_dict(), progress.level_done)

    def count(done: int, total: int) -> None:
        store({"level": kind, "level_number": 1, "levels": 1, "done": done, "total": total,
               "elapsed_s": round(time.monotonic() - started, 3), "level_done": done == total},
              done == total)

    try:
        # Stored documents were validated on the way in; validating again is cheap (tens of
        # ms) and guards against a database edited by hand.
        scenario = Scenario.model_validate(document).revalidated()
        if kind == "solve":
            result = solve(scenario, progress=report, **options)
            doc = result.to_dict(include_scenario=False)
            outcome: dict[str, Any] = {"result_status": result.status.value,
                                       "objective": result.objective}
        else:
            doc = insight.run(kind, parameters, scenario, backend=options["backend"],
                              time_limit=options["time_limit"], progress=count)
            # Sweeps hold many solves: their statuses are in the tables, per row.
            outcome = {"result_status": None, "objective": None}
    except MemoryError:
        raise  # to run_job, which stores it (or exits saying so) with this frame's memory freed
    except Exception as err:  # any failure ends this job, with its reason, never the service
        with db.session() as session:
            session.execute(_running(job_id).values(
                status="failed", error=f"{type(err).__name__}: {err}", finished_at=utcnow()))
        return
    with db.session() as session:
        done = session.execute(_running(job_id).values(
            status="done", finished_at=utcnow(), **outcome,
            error=None))  # a re-run's restart note no longer applies
        if done.rowcount == 1:  # type: ignore[attr-defined]
            session.add(JobResult(job_id=job_id, document=doc))


def solve_document(document: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/solve's work, in a pool process: a validated document in, result JSON out."""
    scenario = Scenario.model_validate(document).revalidated()
    return solve(scenario, **options).to_dict(include_scenario=False)
