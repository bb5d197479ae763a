"""What-if and sweep jobs: queue one (202 at once), then follow it like any job.

``POST /v1/scenarios/{id}/whatif``, ``.../sweeps/n-1``, ``.../sweeps/budget`` and
``.../sweeps/monte-carlo`` each check their request against the stored scenario (422 names
every bad change or reliability row) and queue a job; ``GET /v1/jobs/{id}`` shows its
progress in variants done, and ``GET /v1/jobs/{id}/result`` its tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from allocator import Scenario
from allocator.backends import DEFAULT_BACKEND
from allocator.errors import ScenarioError

from .. import insight
from ..db import ScenarioRecord, Token
from ..deps import Planner, RunnerDep, SessionDep, SettingsDep
from ..errors import ApiError
from ..jobs import JobRunner
from ..schemas import (
    BudgetSweepRequest,
    JobPublic,
    MonteCarloRequest,
    NMinus1Request,
    SolveOptions,
    WhatIfRequest,
)
from ..settings import Settings
from . import UNEXPECTED
from .jobs import QUEUE_ERRORS, check_options, queue_job
from .scenarios import get_record

router = APIRouter(tags=["insight"], responses=UNEXPECTED)


def _checked(record: ScenarioRecord, kind: str, parameters: dict[str, Any]) -> None:
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


@dataclass
class JobQueue:
    """What queueing a what-if or sweep job needs from the request, bound once per request."""

    session: Session
    token: Token
    settings: Settings
    runner: JobRunner
    response: Response

    def __call__(self, kind: str, scenario_id: str, body: BaseModel) -> Any:
        """Check ``body`` against the scenario and queue a ``kind`` job (its options apart)."""
        record = get_record(self.session, self.token, scenario_id)
        backend = getattr(body, "backend", DEFAULT_BACKEND)
        options = SolveOptions(backend=backend, time_limit_s=getattr(body, "time_limit_s", None))
        limit = check_options(options, self.settings, self.settings.max_time_limit_s)
        parameters = body.model_dump(exclude={"backend", "time_limit_s"})
        _checked(record, kind, parameters)
        return queue_job(self.session, self.token, self.settings, self.runner, self.response,
                         scenario_id, backend=backend, time_limit_s=limit, kind=kind,
                         parameters=parameters)


def _job_queue(session: SessionDep, token: Planner, settings: SettingsDep, runner: RunnerDep,
               response: Response) -> JobQueue:
    return JobQueue(session, token, settings, runner, response)


_Queue = Annotated[JobQueue, Depends(_job_queue)]


def _job_route(path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``POST /v1/scenarios/{scenario_id}<path>``: 202 with the queued job, as every job."""
    return router.post(f"/v1/scenarios/{{scenario_id}}{path}", status_code=202,
                       response_model=JobPublic, responses=QUEUE_ERRORS)


@_job_route("/whatif")
def start_whatif(scenario_id: str, body: WhatIfRequest, queue: _Queue) -> Any:
    """Solve the scenario and each variant (its changes applied to the scenario) and compare
    them: coverage by priority, cost, women share, contributors and changed assignments,
    each against the base. ``time_limit_s`` is per solve."""
    return queue("whatif", scenario_id, body)


@_job_route("/sweeps/n-1")
def start_n_minus_1(scenario_id: str, queue: _Queue, body: NMinus1Request | None = None) -> Any:
    """Withdraw each pledge (or state) in turn; rank them by the coverage lost."""
    return queue("n-1", scenario_id, body or NMinus1Request())


@_job_route("/sweeps/budget")
def start_budget(scenario_id: str, queue: _Queue,
                 body: BudgetSweepRequest | None = None) -> Any:
    """Solve with every mission budget scaled by each factor: coverage and cost per mission."""
    return queue("budget", scenario_id, body or BudgetSweepRequest())


@_job_route("/sweeps/monte-carlo")
def start_monte_carlo(scenario_id: str, queue: _Queue,
                      body: MonteCarloRequest | None = None) -> Any:
    """Withdraw and delay pledges at random, ``draws`` times; coverage per mission."""
    return queue("monte-carlo", scenario_id, body or MonteCarloRequest())
