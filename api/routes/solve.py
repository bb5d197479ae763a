"""POST /v1/solve: a quick synchronous solve, JSON in and JSON out, with a capped time limit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..deps import Planner, RunnerDep, SettingsDep
from ..errors import ApiError
from ..schemas import ErrorOut, SyncSolveRequest
from ..uploads import read_off_the_loop, scenario_from_document
from . import UNEXPECTED
from .jobs import check_options
from .scenarios import ERRORS

router = APIRouter(tags=["solve"], responses=UNEXPECTED)


@router.post("/v1/solve", responses={
    **ERRORS, 200: {"description": "the result in the library's JSON form"},
    504: {"model": ErrorOut, "description": "the solve did not return in time"}})
async def solve_now(request: Request, body: SyncSolveRequest, token: Planner,
                    settings: SettingsDep, runner: RunnerDep) -> Any:
    """Solve a scenario document and answer with the result; nothing is stored. The time
    limit is at most ``ALLOCATOR_SYNC_TIME_LIMIT_S``: use jobs for longer solves."""
    limit = check_options(body, settings, settings.sync_time_limit_s)
    scenario = await read_off_the_loop(request, scenario_from_document, body.scenario, settings)
    options = {"backend": body.backend, "time_limit": limit, "objective": body.objective_mode}
    try:
        # Model building and verification come on top of the solver's limit.
        return await runner.solve_now(scenario.to_document(), options, limit + 60)
    except TimeoutError:
        raise ApiError(504, "solve_timeout", "the solve did not return in time; submit it as "
                       "a job (POST /v1/scenarios, then .../solve)") from None
