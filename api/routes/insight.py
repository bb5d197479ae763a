"""What-if and sweep jobs: queue one (202 at once), then follow it like any job.

``POST /v1/scenarios/{id}/whatif``, ``.../sweeps/n-1``, ``.../sweeps/budget`` and
``.../sweeps/monte-carlo`` each check their request against the stored scenario (422 names
every bad change or reliability row) and queue a job; ``GET /v1/jobs/{id}`` shows its
progress in variants done, and ``GET /v1/jobs/{id}/result`` its tables.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from allocator import Scenario
from allocator.errors import ScenarioError

from .. import insight
from ..deps import Planner, RunnerDep, SessionDep, SettingsDep
from ..errors import ApiError
from ..schemas import (
    BudgetSweepRequest,
    ErrorOut,
    JobPublic,
    MonteCarloRequest,
    NMinus1Request,
    SolveOptions,
    WhatIfRequest,
)
from .jobs import check_options, queue_job
from .scenarios import ERRORS, get_record

router = APIRouter(tags=["insight"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS, 429: {"model": ErrorOut, "description": "too many queued jobs for this token"}}


def _checked(record: Any, kind: str, parameters: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(record.document).revalidated()
    try:
        insight.check(kind, parameters, scenario)
    except ScenarioError as err:
        noun = "problem" if len(err.problems) == 1 else "problems"
        raise ApiError(422, "request_invalid", f"the request has {len(err.problems)} {noun} "
                       "against this scenario; no job was queued",
                       problems=[p.to_dict() for p in err.problems]) from None
    except ValueError as err:
        raise ApiError(422, "request_invalid", str(err)) from None


def _queue(kind: str, body: BaseModel, scenario_id: str, session: Any, token: Any,
                 settings: Any, runner: Any, response: Response) -> Any:
    record = get_record(session, token, scenario_id)
    backend = getattr(body, "backend", "cpsat")
    options = SolveOptions(backend=backend, time_limit_s=getattr(body, "time_limit_s", None))
    limit = check_options(options, settings, settings.max_time_limit_s)
    parameters = body.model_dump(exclude={"backend", "time_limit_s"})
    _checked(record, kind, parameters)
    return queue_job(session, token, settings, runner, response, scenario_id,
                     backend=backend, time_limit_s=limit, kind=kind, parameters=parameters)


@router.post("/v1/scenarios/{scenario_id}/whatif", status_code=202, response_model=JobPublic,
             responses=RESPONSES)
def start_whatif(scenario_id: str, body: WhatIfRequest, session: SessionDep,
                       token: Planner, settings: SettingsDep, runner: RunnerDep,
                       response: Response) -> Any:
    """Solve the scenario and each variant (its changes applied to the scenario) and compare
    them: coverage by priority, cost, women share, contributors and changed assignments,
    each against the base. ``time_limit_s`` is per solve."""
    return _queue("whatif", body, scenario_id, session, token, settings, runner,
                        response)


@router.post("/v1/scenarios/{scenario_id}/sweeps/n-1", status_code=202,
             response_model=JobPublic, responses=RESPONSES)
def start_n_minus_1(scenario_id: str, session: SessionDep, token: Planner,
                          settings: SettingsDep, runner: RunnerDep, response: Response,
                          body: NMinus1Request | None = None) -> Any:
    """Withdraw each pledge (or state) in turn; rank them by the coverage lost."""
    return _queue("n-1", body or NMinus1Request(), scenario_id, session, token,
                        settings, runner, response)


@router.post("/v1/scenarios/{scenario_id}/sweeps/budget", status_code=202,
             response_model=JobPublic, responses=RESPONSES)
def start_budget(scenario_id: str, session: SessionDep, token: Planner,
                       settings: SettingsDep, runner: RunnerDep, response: Response,
                       body: BudgetSweepRequest | None = None) -> Any:
    """Solve with every mission budget scaled by each factor: coverage and cost per mission."""
    return _queue("budget", body or BudgetSweepRequest(), scenario_id, session, token,
                        settings, runner, response)


@router.post("/v1/scenarios/{scenario_id}/sweeps/monte-carlo", status_code=202,
             response_model=JobPublic, responses=RESPONSES)
def start_monte_carlo(scenario_id: str, session: SessionDep, token: Planner,
                            settings: SettingsDep, runner: RunnerDep, response: Response,
                            body: MonteCarloRequest | None = None) -> Any:
    """Withdraw and delay pledges at random, ``draws`` times; coverage per mission."""
    return _queue("monte-carlo", body or MonteCarloRequest(), scenario_id, session,
                        token, settings, runner, response)
