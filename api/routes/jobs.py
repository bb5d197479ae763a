"""Solve jobs: start one (202 at once), follow its progress, cancel it, fetch its result."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import func, select, update

from allocator import AllocationResult, Scenario, available_backends
from allocator.result.workbook import plan_workbook

from .. import insight
from ..db import Job, JobRequest, JobResult, ScenarioRecord, page, utcnow
from ..deps import Analyst, Planner, RunnerDep, SessionDep, SettingsDep
from ..errors import ApiError, invalid_request
from ..schemas import ErrorOut, JobPublic, JobsPublic, SolveOptions
from ..settings import Settings
from . import JOB_LINKS, RESULT_LINKS, UNEXPECTED
from .scenarios import ERRORS, MAX_OFFSET, get_record

router = APIRouter(tags=["jobs"], responses=UNEXPECTED)
ACTIVE = ("queued", "running")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOB_ERRORS = {**ERRORS, 404: {"model": ErrorOut, "description": "no such job in your workspace"}}
QUEUE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS, 202: {"links": JOB_LINKS},
    429: {"model": ErrorOut, "description": "too many queued jobs for this token"}}


def check_options(options: SolveOptions, settings: Settings, max_time_limit_s: float) -> float:
    """The job's time limit, after checking the backend and the limit; 422 names the field."""
    backends = available_backends()
    if options.backend not in backends:
        raise invalid_request("body", "backend",
                              f"backend {options.backend!r} is not available here; choose "
                              f"one of {', '.join(backends)}")
    limit = options.time_limit_s or min(settings.default_time_limit_s, max_time_limit_s)
    if limit > max_time_limit_s:
        raise invalid_request("body", "time_limit_s",
                              f"time_limit_s {limit:g} is above this service's limit of "
                              f"{max_time_limit_s:g} s; ask for less")
    return limit


def queue_position(session: Any, job: Job) -> int | None:
    """``job``'s place in the service's queue, 1 when it starts next (the runner takes queued
    jobs oldest first); None once it is no longer queued."""
    if job.status != "queued":
        return None
    ahead = session.scalar(select(func.count()).select_from(Job).where(
        Job.status == "queued", Job.created_at < job.created_at)) or 0
    return int(ahead) + 1


def get_job(session: Any, token: Any, job_id: str) -> Job:
    """The job with this id in the token's workspace; 404 for any other, another workspace's
    too."""
    job = session.get(Job, job_id)
    if job is None or job.workspace != token.workspace:
        raise ApiError(404, "not_found", f"no job {job_id} in your workspace")
    return job


@router.post("/v1/scenarios/{scenario_id}/solve", status_code=202, response_model=JobPublic,
             responses=QUEUE_ERRORS)
def start_solve(scenario_id: str, session: SessionDep, token: Planner, settings: SettingsDep,
                runner: RunnerDep, response: Response,
                options: Annotated[SolveOptions | None, Body()] = None) -> Any:
    """Queue a solve of the scenario and return its job at once; poll ``GET /v1/jobs/{id}``."""
    get_record(session, token, scenario_id)
    options = options or SolveOptions()
    limit = check_options(options, settings, settings.max_time_limit_s)
    return queue_job(session, token, settings, runner, response, scenario_id,
                     backend=options.backend, time_limit_s=limit,
                     objective_mode=options.objective_mode)


def queue_job(session: Any, token: Any, settings: Settings, runner: Any, response: Response,
              scenario_id: str, *, backend: str, time_limit_s: float,
              objective_mode: str | None = None, kind: str = "solve",
              parameters: dict[str, Any] | None = None) -> JobPublic:
    """Store a queued job (429 past the token's limit), wake the runner, point at the job; the
    answer carries its place in the queue, as reading it by id does."""
    waiting = session.scalar(select(func.count()).select_from(Job).where(
        Job.token_id == token.id, Job.status.in_(ACTIVE))) or 0
    if waiting >= settings.max_queued_jobs_per_token:
        raise ApiError(429, "too_many_jobs",
                       f"this token has {waiting} jobs queued or running, the most allowed "
                       f"(ALLOCATOR_MAX_QUEUED_JOBS_PER_TOKEN); wait for one to finish or "
                       "cancel one", {"Retry-After": "10"})
    job = Job(workspace=token.workspace, scenario_id=scenario_id, token_id=token.id,
              status="queued", backend=backend, time_limit_s=time_limit_s,
              objective_mode=objective_mode, attempts=0)
    if kind != "solve":
        job.request = JobRequest(kind=kind, parameters=parameters or {})
    session.add(job)
    session.flush()
    session.commit()
    public = JobPublic.model_validate(job).model_copy(
        update={"queue_position": queue_position(session, job)})
    runner.notify()
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return public


@router.get("/v1/jobs", response_model=JobsPublic, responses=ERRORS)
def list_jobs(session: SessionDep, token: Analyst, scenario_id: str | None = None,
              status: Literal["queued", "running", "done", "failed", "cancelled"] | None = None,
              offset: int = Query(0, ge=0, le=MAX_OFFSET),
              limit: int = Query(100, ge=1, le=1000)) -> Any:
    """The jobs of your workspace, newest first; filter by scenario or status."""
    query = select(Job).where(Job.workspace == token.workspace)
    if scenario_id is not None:
        query = query.where(Job.scenario_id == scenario_id)
    if status is not None:
        query = query.where(Job.status == status)
    rows, count = page(session, query, Job.created_at.desc(), Job.id, offset=offset,
                       limit=limit)
    return JobsPublic(data=[JobPublic.model_validate(j) for j in rows], count=count)


@router.get("/v1/jobs/{job_id}", response_model=JobPublic,
            responses={**JOB_ERRORS, 200: {"links": JOB_LINKS}})
async def read_job(job_id: str, request: Request, token: Analyst) -> Any:
    """A job's status, progress and outcome; poll it until the job is done, failed or cancelled."""
    # The route planners poll: one thread-pool hop for its one query (a session dependency
    # costs two more), measured at 50 concurrent pollers.
    def load() -> JobPublic:
        with request.app.state.db.session() as session:
            job = get_job(session, token, job_id)
            return JobPublic.model_validate(job).model_copy(
                update={"queue_position": queue_position(session, job)})

    return await run_in_threadpool(load)


@router.delete("/v1/jobs/{job_id}", response_model=JobPublic,
               responses={**JOB_ERRORS, 409: {"model": ErrorOut,
                                              "description": "the job has already ended"}})
def cancel_job(job_id: str, session: SessionDep, token: Planner, runner: RunnerDep) -> Any:
    """Cancel a queued or running solve; a running one's process is stopped at once."""
    job = get_job(session, token, job_id)
    # Conditional, so a job that ends at this very moment keeps its result and is not
    # reported cancelled.
    changed = session.execute(update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE))
                              .values(status="cancelled", finished_at=utcnow(),
                                      error=f"cancelled by token {token.name!r}"))
    session.commit()
    session.refresh(job)
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "job_ended", f"job {job_id} is {job.status}; nothing to cancel")
    runner.cancel(job_id)
    return job


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "plan"


def _export(document: dict[str, Any], scenario_doc: dict[str, Any], fmt: str) -> bytes:
    """A stored solve result as the library writes it: the plan workbook (with its diagnosis
    when infeasible, and the warnings stored with the result) or a zip of its CSV folder."""
    scenario = Scenario.model_validate(scenario_doc)
    result = AllocationResult.from_dict(document, scenario)
    if fmt == "xlsx":
        return plan_workbook(result, result.warnings)
    with tempfile.TemporaryDirectory(prefix="allocator-result-") as folder:
        written = result.export(Path(folder) / "plan")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(written.iterdir()):
                archive.write(path, path.name)
        return buffer.getvalue()


@router.get("/v1/jobs/{job_id}/result",
            responses={**JOB_ERRORS,
                       200: {"description": "the result: JSON, an Excel workbook or a zip of "
                                            "CSV files",
                             "content": {"application/json": {}, XLSX: {},
                                         "application/zip": {}},
                             "links": RESULT_LINKS},
                       409: {"model": ErrorOut, "description": "the job has no result (yet)"}})
async def read_result(job_id: str, request: Request, token: Analyst,
                      format: Literal["json", "xlsx", "csv"] = "json") -> Response:
    """The plan in the library's JSON form, or as ``format=xlsx`` / ``format=csv`` (zip); for
    a what-if or sweep job, its tables (``{"kind", "tables": {name: {"columns", "rows"}}}``),
    a sheet or a CSV file each."""
    db = request.app.state.db

    def load() -> tuple[Job, dict[str, Any], dict[str, Any], str]:
        with db.session() as session:
            job = get_job(session, token, job_id)
            if job.status != "done":
                raise ApiError(409, "no_result",
                               f"job {job_id} is {job.status}; a result exists once it is done")
            stored = session.get(JobResult, job_id)
            record = session.get(ScenarioRecord, job.scenario_id)
            assert stored is not None and record is not None
            return job, stored.document, record.document, record.name

    job, document, scenario_doc, name = await run_in_threadpool(load)
    if format == "json":
        return Response(json.dumps(document).encode(), media_type="application/json")
    if job.kind == "solve":
        data = await run_in_threadpool(_export, document, scenario_doc, format)
    else:
        data = await run_in_threadpool(
            insight.to_xlsx if format == "xlsx" else insight.to_csv_zip, document)
    stem = f"{_slug(name)}-{job.id[:8]}" + ("" if job.kind == "solve" else f"-{job.kind}")
    filename, media = (f"{stem}.xlsx", XLSX) if format == "xlsx" else (f"{stem}-csv.zip",
                                                                     "application/zip")
    return Response(data, media_type=media,
                     headers={"Content-Disposition": f'attachment; filename="{filename}"'})

