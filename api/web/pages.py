"""The pages' routes. Reading pages load what the API's read routes load (the same workspace
checks: another workspace's ids are "not found"); every action calls the API route function
a client would call, and shows its answer, or its located problems, in the page."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from allocator import AllocationResult, Scenario, available_backends
from allocator.backends import DEFAULT_BACKEND
from allocator.errors import ScenarioError
from allocator.result.html import (
    comparison_html,
    frame_html,
    plan_html,
    stylesheet,
    warnings_table,
)
from allocator.scenario.schema import TABLE_ROWS

from .. import insight
from ..auth import Role
from ..db import Job, JobResult, ScenarioRecord
from ..db import page as db_page
from ..deps import token_of
from ..errors import ApiError
from ..limits import TOO_LARGE
from ..routes import insight as insight_routes
from ..routes import jobs as job_routes
from ..routes import scenarios as scenario_routes
from ..schemas import JobPublic, ScenarioPublic
from . import charts, forms
from .render import page
from .session import (
    CSRF_FIELD,
    SignedIn,
    clear_cookie,
    csrf_ok,
    read_cookie,
    same_origin,
    set_cookie,
)

router = APIRouter(include_in_schema=False)

MESSAGES = {
    "signed-out": "You have signed out.",
    "ended": "Your session has ended; sign in again.",
    "revoked": "That token is unknown or has been revoked; ask an admin for a new one.",
    "needed": "Sign in to continue.",
    "deleted": "The scenario was deleted, with its jobs and results.",
}
"""The notices a redirect may ask a page to show, by code: a URL never carries text that
the page would show."""

ROWS_PER_PAGE = 50
FINISHED = ("done", "failed", "cancelled")


class SignInNeeded(Exception):
    """The page needs a signed-in caller; ``code`` says why (``MESSAGES``)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Refused(Exception):
    """A posted form that did not pass its guards; ``response`` is the page that says why."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


def install(app: Any) -> None:
    """The pages' router, their redirect to the sign-in and their refusals."""
    app.include_router(router)

    @app.exception_handler(Refused)
    async def _refusal(_: Request, err: Refused) -> Response:
        return err.response

    @app.exception_handler(SignInNeeded)
    async def _to_sign_in(request: Request, err: SignInNeeded) -> Response:
        response = RedirectResponse(f"/sign-in?m={err.code}", status_code=303)
        if err.code != "needed":
            clear_cookie(response, request)
        return response


async def signed_in(request: Request) -> SignedIn:
    """The caller of a page from the session cookie; ``SignInNeeded`` otherwise."""
    secret, ended = read_cookie(request)
    if secret is None:
        raise SignInNeeded("ended" if ended else "needed")
    token = await token_of(request, secret)
    if token is None:
        raise SignInNeeded("revoked")
    request.state.token_id = token.id
    request.state.workspace = token.workspace
    return SignedIn(token, secret)


@contextlib.contextmanager
def _session(request: Request) -> Iterator[Session]:
    with request.app.state.db.sessions() as session:
        yield session


def _refused(request: Request, me: SignedIn, status: int, message: str) -> Response:
    return page(request, "error.html", signed_in=me, status_code=status, status=status,
                message=message)


async def posted(request: Request, role: Role) -> tuple[SignedIn, FormData]:
    """The caller and their posted form once it passes the guards: signed in, the role, the
    origin, the CSRF token (``Refused`` with the page that says why otherwise)."""
    me = await signed_in(request)
    if not me.can(role):
        raise Refused(_refused(request, me, 403, f"This needs the {role.value} role; your "
                                                 f"token is {me.token.role}."))
    if TOO_LARGE in request.scope:
        raise Refused(_refused(request, me, 413, too_large(request.scope[TOO_LARGE])))
    settings = request.app.state.settings
    try:
        form = await request.form(max_files=1, max_fields=30,
                                  max_part_size=settings.max_upload_bytes)
    except Exception:  # a malformed form is the sender's fault, never a 500
        raise Refused(_refused(request, me, 400, "The form could not be read; send it again "
                                                 "from the page.")) from None
    submitted = form.get(CSRF_FIELD)
    if not csrf_ok(request, me, submitted if isinstance(submitted, str) else None):
        raise Refused(_refused(request, me, 403, "This form did not come from this page (its "
                                                 "security check failed); reload the page "
                                                 "and send it again."))
    return me, form


def too_large(limit: int) -> str:
    return (f"The file is larger than this service takes ({limit / 1e6:,.1f} MB, "
            "ALLOCATOR_MAX_UPLOAD_BYTES): zip the CSV folder, or ask an admin to raise "
            "the limit.")


def _problems(err: ScenarioError | ApiError) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(err, ScenarioError):
        problems = [p.to_dict() for p in err.problems]
        noun = "problem" if len(problems) == 1 else "problems"
        return f"{len(problems)} {noun}: nothing was stored or started.", problems
    return err.message, list(err.problems or [])


# ----- sign in and out ------------------------------------------------------------------------
@router.get("/")
async def home(request: Request) -> Response:
    secret, _ = read_cookie(request)
    return RedirectResponse("/scenarios" if secret else "/sign-in", status_code=303)


@router.get("/sign-in")
async def sign_in_page(request: Request, m: str = "") -> Response:
    return page(request, "sign_in.html", notice=MESSAGES.get(m, ""))


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    if not same_origin(request):
        return page(request, "sign_in.html", status_code=403,
                    error="This sign-in did not come from this page; open the page and "
                          "sign in there.")
    try:
        form = await request.form(max_files=0, max_fields=5, max_part_size=4096)
    except Exception:
        form = FormData()
    secret = form.get("token")
    secret = secret.strip() if isinstance(secret, str) else ""
    token = await token_of(request, secret) if secret else None
    if token is None:
        return page(request, "sign_in.html", status_code=401,
                    error="That token is unknown or has been revoked. Paste the whole token "
                          "(it starts with pa_), or ask an admin for a new one."
                    if secret else "Paste your API token to sign in.")
    response = RedirectResponse("/scenarios", status_code=303)
    set_cookie(response, request, secret, request.app.state.settings.session_hours * 3600)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    await posted(request, Role.analyst)
    response = RedirectResponse("/sign-in?m=signed-out", status_code=303)
    clear_cookie(response, request)
    return response


# ----- scenarios ------------------------------------------------------------------------------
def _scenario_list(request: Request, me: SignedIn, offset: int) -> dict[str, Any]:
    with _session(request) as session:
        mine = select(ScenarioRecord).where(ScenarioRecord.workspace == me.token.workspace)
        rows, count = db_page(session, mine, ScenarioRecord.created_at.desc(),
                              ScenarioRecord.id, offset=offset, limit=ROWS_PER_PAGE)
        return {"scenarios": [ScenarioPublic.model_validate(r) for r in rows], "count": count,
                "offset": offset, "per_page": ROWS_PER_PAGE}


@router.get("/scenarios")
async def scenarios_page(request: Request, offset: int = 0, m: str = "") -> Response:
    me = await signed_in(request)
    listing = await run_in_threadpool(_scenario_list, request, me, max(0, min(offset, 2**31)))
    return page(request, "scenarios.html", signed_in=me, notice=MESSAGES.get(m, ""),
                **listing)


@router.post("/scenarios")
async def upload(request: Request) -> Response:
    me = await signed_in(request)
    if TOO_LARGE in request.scope and me.can(Role.planner):
        # Nothing was read, so nothing can change: the page says so where the file was chosen.
        listing = await run_in_threadpool(_scenario_list, request, me, 0)
        return page(request, "scenarios.html", signed_in=me, status_code=413,
                    upload_error=too_large(request.scope[TOO_LARGE]), **listing)
    me, _ = await posted(request, Role.planner)
    settings = request.app.state.settings
    try:
        created = await scenario_routes.create_scenario(request, me.token, settings)
    except (ScenarioError, ApiError) as err:
        message, problems = _problems(err)
        listing = await run_in_threadpool(_scenario_list, request, me, 0)
        status = err.status if isinstance(err, ApiError) else 422
        return page(request, "scenarios.html", signed_in=me, status_code=status,
                    upload_error=message, problems=warnings_table(problems, "Problems"), **listing)
    detail = await run_in_threadpool(_scenario_detail, request, me, created.id, "", 0)
    return page(request, "scenario.html", signed_in=me, status_code=201, uploaded=True,
                warnings=warnings_table([w.model_dump() for w in created.warnings])
                if created.warnings else None, **detail)


def _scenario_detail(request: Request, me: SignedIn, scenario_id: str, table: str,
                     offset: int) -> dict[str, Any]:
    with _session(request) as session:
        record = scenario_routes.get_record(session, me.token, scenario_id)
        jobs = session.scalars(select(Job).where(Job.scenario_id == scenario_id)
                               .order_by(Job.created_at.desc()).limit(50)).all()
        document = record.document
        public = ScenarioPublic.model_validate(record)
        job_list = [JobPublic.model_validate(j) for j in jobs]
    table = table if table in TABLE_ROWS else next(
        (t for t in TABLE_ROWS if document.get(t)), "missions")
    rows = document.get(table) or []
    # Past the end: the last page, so the note and the links stay true.
    offset = min(offset, max(0, (len(rows) - 1) // ROWS_PER_PAGE * ROWS_PER_PAGE))
    shown_rows = rows[offset:offset + ROWS_PER_PAGE]
    frame = pd.DataFrame(shown_rows)
    return {
        "scenario": public, "jobs": job_list, "table": table, "offset": offset,
        "per_page": ROWS_PER_PAGE, "total_rows": len(rows),
        "table_html": frame_html(frame, key="scenario-table", style=False),
        "tables": [t for t in TABLE_ROWS if t in public.counts],
        "backends": available_backends(), "default_backend": DEFAULT_BACKEND,
        "missions": [(m["mission_id"], m.get("name", "")) for m in document.get("missions", [])],
        "states": sorted({p["state"] for p in document.get("unit_pledges", [])}
                         | {p["state"] for p in document.get("equipment_pledges", [])}
                         | {p["donor"] for p in document.get("funding_pledges", [])}),
        "pledges": [p["pledge_id"] for p in document.get("unit_pledges", [])]
        + [p["equipment_id"] for p in document.get("equipment_pledges", [])]
        + [p["funding_id"] for p in document.get("funding_pledges", [])],
        "default_time_limit_s": request.app.state.settings.default_time_limit_s,
    }


@router.get("/scenarios/{scenario_id}")
async def scenario_page(request: Request, scenario_id: str, table: str = "",
                        offset: int = 0) -> Response:
    me = await signed_in(request)
    try:
        detail = await run_in_threadpool(_scenario_detail, request, me, scenario_id, table,
                                         max(0, min(offset, 2**31)))
    except ApiError as err:
        return _refused(request, me, err.status, err.message)
    return page(request, "scenario.html", signed_in=me, **detail)


async def _scenario_with_problems(request: Request, me: SignedIn, scenario_id: str,
                                  err: ScenarioError | ApiError, form_name: str) -> Response:
    message, problems = _problems(err)
    try:
        detail = await run_in_threadpool(_scenario_detail, request, me, scenario_id, "", 0)
    except ApiError as missing:
        return _refused(request, me, missing.status, missing.message)
    status = err.status if isinstance(err, ApiError) else 422
    return page(request, "scenario.html", signed_in=me, status_code=status,
                form_error={"form": form_name, "message": message,
                            "problems": warnings_table(problems, "Problems")
                            if problems else None},
                **detail)


@router.post("/scenarios/{scenario_id}/delete")
async def delete(request: Request, scenario_id: str) -> Response:
    me, _ = await posted(request, Role.planner)

    def run() -> None:
        with _session(request) as session:
            scenario_routes.delete_scenario(scenario_id, session, me.token,
                                            request.app.state.runner)

    try:
        await run_in_threadpool(run)
    except ApiError as err:
        return _refused(request, me, err.status, err.message)
    return RedirectResponse("/scenarios?m=deleted", status_code=303)


def _queue(request: Request, me: SignedIn, scenario_id: str, kind: str, body: Any) -> str:
    """Queue a job through the API's route function; its id."""
    state = request.app.state
    response = Response()
    with _session(request) as session:
        if kind == "solve":
            job = job_routes.start_solve(scenario_id, session, me.token, state.settings,
                                         state.runner, response, body)
        else:
            queue = insight_routes.JobQueue(session, me.token, state.settings, state.runner,
                                             response)
            job = queue(kind, scenario_id, body)
        return job.id


@router.post("/scenarios/{scenario_id}/{action}")
async def start(request: Request, scenario_id: str, action: str) -> Response:
    """Solve, what-if, N-1, budget sweep and Monte Carlo: each form queues the API's job and
    opens it."""
    parsers = {"solve": forms.solve_options, "whatif": forms.whatif_request,
               "n-1": forms.n_minus_1_request, "monte-carlo": forms.monte_carlo_request,
               "budget": forms.budget_request}
    me, form = await posted(request, Role.planner)
    if action not in parsers:
        return _refused(request, me, 404, f"There is no action {action!r} here.")
    try:
        body = parsers[action](form)
        job_id = await run_in_threadpool(_queue, request, me, scenario_id, action, body)
    except (ScenarioError, ApiError) as err:
        if isinstance(err, ApiError) and err.status == 404:
            return _refused(request, me, 404, err.message)
        return await _scenario_with_problems(request, me, scenario_id, err, action)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


# ----- jobs -----------------------------------------------------------------------------------
_RENDERED: OrderedDict[str, dict[str, Any]] = OrderedDict()
"""The last few finished jobs' rendered results and charts: a result never changes once
stored, and re-verifying a large plan on every view (and again for its chart) costs a second."""
_RENDERED_LOCK = threading.Lock()  # filled from the thread pool, several requests at once


def _load_job(request: Request, me: SignedIn, job_id: str
              ) -> tuple[JobPublic, ScenarioPublic, dict[str, Any] | None, dict[str, Any]]:
    with _session(request) as session:
        job = job_routes.get_job(session, me.token, job_id)
        public = JobPublic.model_validate(job).model_copy(
            update={"queue_position": job_routes.queue_position(session, job)})
        record = session.get(ScenarioRecord, job.scenario_id)
        assert record is not None
        stored = session.get(JobResult, job_id) if job.status == "done" else None
        return (public, ScenarioPublic.model_validate(record),
                stored.document if stored is not None else None, record.document)


def _rendered(job: JobPublic, document: dict[str, Any], scenario_doc: dict[str, Any]
              ) -> dict[str, Any]:
    """A finished job's result as the page shows it, and its chart (SVG) when it has one."""
    with _RENDERED_LOCK:
        if job.id in _RENDERED:
            _RENDERED.move_to_end(job.id)
            return _RENDERED[job.id]
    out: dict[str, Any] = {"chart_svg": None}
    if job.kind == "solve":
        result = AllocationResult.from_dict(document, Scenario.model_validate(scenario_doc))
        out["plan_html"] = plan_html(result, heading_level=2, style=False)
        if result.plan is not None:
            out["chart_svg"] = charts.chart("solve", result, None)
    else:
        titles = {"comparison": "Comparison with the base plan",
                  "assignment_changes": "Changed assignments",
                  "n_minus_1": "Each withdrawal, the most critical first",
                  "summary": "Coverage per mission over the draws",
                  "draws": "Every draw", "budget": "Coverage and cost per budget scale"}
        frames = insight.frames(document)
        out["tables_html"] = [
            comparison_html(frame, style=False) if name == "comparison" else
            frame_html(frame.head(200), titles.get(name, name), key=name, style=False,
                       note="the first 200 rows; download for all" if len(frame) > 200 else "")
            for name, frame in frames.items()]
        if job.kind in charts.CHARTS:
            out["chart_svg"] = charts.chart(job.kind, None, frames)
    with _RENDERED_LOCK:
        _RENDERED[job.id] = out
        while len(_RENDERED) > 16:
            _RENDERED.popitem(last=False)
    return out


@router.get("/jobs/{job_id}")
async def job_page(request: Request, job_id: str) -> Response:
    me = await signed_in(request)
    try:
        job, scenario, document, scenario_doc = await run_in_threadpool(
            _load_job, request, me, job_id)
    except ApiError as err:
        return _refused(request, me, err.status, err.message)
    rendered = {} if document is None else await run_in_threadpool(
        _rendered, job, document, scenario_doc)
    chart = charts.CHARTS.get(job.kind) if rendered.get("chart_svg") else None
    return page(request, "job.html", signed_in=me, job=job, scenario=scenario,
                finished=job.status in FINISHED, chart=chart, **rendered)


@router.post("/jobs/{job_id}/cancel")
async def cancel(request: Request, job_id: str) -> Response:
    me, _ = await posted(request, Role.planner)

    def run() -> None:
        with _session(request) as session:
            job_routes.cancel_job(job_id, session, me.token, request.app.state.runner)

    try:
        await run_in_threadpool(run)
    except ApiError as err:
        if err.status != 409:  # already ended: the job page says how
            return _refused(request, me, err.status, err.message)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}/chart.svg")
async def job_chart(request: Request, job_id: str) -> Response:
    me = await signed_in(request)
    try:
        job, _, document, scenario_doc = await run_in_threadpool(_load_job, request, me, job_id)
    except ApiError as err:
        return Response(status_code=err.status)
    if document is None:
        return Response(status_code=404)
    rendered = await run_in_threadpool(_rendered, job, document, scenario_doc)
    if rendered["chart_svg"] is None:
        return Response(status_code=404)
    return Response(rendered["chart_svg"], media_type="image/svg+xml")


@router.get("/assets/plan.css")
async def plan_css() -> Response:
    return Response(stylesheet(), media_type="text/css",
                    headers={"cache-control": "public, max-age=3600"})
