"""Request and response bodies, one family per resource (``XPublic``, ``XsPublic``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from allocator.backends import DEFAULT_BACKEND, backend_names

from .auth import Role


def _choices(names: list[str]) -> str:
    marked = [f"{n} (default)" if n == DEFAULT_BACKEND else n for n in names]
    return marked[0] if len(marked) == 1 else f"{', '.join(marked[:-1])} or {marked[-1]}"


BACKEND_DESCRIPTION = _choices(backend_names())
"""The ``backend`` fields' description: the library's registered backends, the default marked."""


class ProblemOut(BaseModel):
    """One located problem: its table (or part of the request), row and column, and the fault."""

    table: str
    message: str
    row: int | None = None
    column: str | None = None
    source: str | None = None


class ErrorOut(BaseModel):
    """The body of every error: a code, a message and the located problems, if any."""

    error: str = Field(description="machine-readable code, e.g. scenario_invalid")
    message: str
    problems: list[ProblemOut] = []


class _Timestamps(BaseModel):
    @field_serializer("*", when_used="json", check_fields=False)
    def _utc(self, value: Any) -> Any:
        # SQLite hands back naive datetimes; every time the service stores is UTC.
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC).isoformat()
        return value.isoformat() if isinstance(value, datetime) else value


class ScenarioPublic(_Timestamps):
    """A stored scenario without its tables: its name, source and rows per table."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    source: str = Field(description="the uploaded file's name, or 'json'")
    workspace: str
    counts: dict[str, int] = Field(description="rows per table")
    created_at: datetime


class ScenarioCreated(ScenarioPublic):
    """A scenario just stored, with what validation noticed without refusing it."""

    warnings: list[ProblemOut] = Field(
        [], description="located like problems, but never blocking: columns outside the "
                        "contract that were ignored, a pledged capability nothing asks for, a "
                        "mission without requirement lines, a line no pledge offers")


class ScenarioDetail(ScenarioPublic):
    """A stored scenario with its tables."""

    scenario: dict[str, Any] = Field(
        description="the scenario in document form: one key per table, plus name, "
                    "description and policy (the library's Scenario.to_document())")


class ScenariosPublic(BaseModel):
    """A page of scenarios and how many there are in all."""

    data: list[ScenarioPublic]
    count: int


class SolveOptions(BaseModel):
    """How to solve: the backend, the time limit and the objective mode."""

    model_config = ConfigDict(extra="forbid")

    backend: str = Field(DEFAULT_BACKEND, description=BACKEND_DESCRIPTION)
    time_limit_s: float | None = Field(
        None, gt=0, description="seconds for the whole solve; default: the service's")
    objective_mode: Literal["lexicographic", "weighted"] | None = Field(
        None, description="overrides the scenario's policy.objective_mode")


class SyncSolveRequest(SolveOptions):
    """A scenario document to solve at once, and how."""

    scenario: dict[str, Any] = Field(description="a scenario document, as POST /v1/scenarios")


class ProgressOut(BaseModel):
    """How far a job has got: the level being optimised, its best value and bound, or a sweep's
    variants done."""

    level: str = Field(description="the objective level being optimised, or the sweep's kind")
    level_number: int
    levels: int
    value: float | None = None
    bound: float | None = None
    elapsed_s: float
    level_done: bool = False
    done: int | None = Field(None, description="sweeps and what-ifs: variants answered")
    total: int | None = Field(None, description="sweeps and what-ifs: variants in all")


class JobPublic(_Timestamps):
    """A job: what it was asked, its status, progress and outcome."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    scenario_id: str
    kind: Literal["solve", "whatif", "n-1", "budget", "monte-carlo"] = Field(
        "solve", description="a solve, a what-if comparison or a sweep")
    parameters: dict[str, Any] | None = Field(
        None, description="what a what-if or sweep job was asked, as given")
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    backend: str
    time_limit_s: float
    objective_mode: str | None = None
    attempts: int
    progress: ProgressOut | None = Field(
        None, description="the level being optimised, its best value and bound so far")
    error: str | None = None
    queue_position: int | None = Field(
        None, description="while queued: its place in the service's queue (1: it starts "
                          "next, once a solve slot frees); shown when the job is read by id")
    result_status: str | None = Field(None, description="optimal, feasible, infeasible, ...")
    objective: dict[str, float | None] | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class _JobOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_limit_s: float | None = Field(
        None, gt=0, description="seconds for each solve of the job; default: the service's")


class WhatIfRequest(_JobOptions):
    """Variants of the scenario (changes to it) to solve and compare with it."""

    variants: dict[str, list[dict[str, Any]]] = Field(
        min_length=1, max_length=50,
        description="variant name -> its changes, in the change language of `allocator "
                    "whatif` (e.g. {\"no BGD\": [{\"withdraw_state\": \"BGD\"}]})")
    minimise_changes: bool = Field(
        False, description="re-plan each variant moving as few units from the base plan as "
                           "coverage allows")
    backend: str = Field(DEFAULT_BACKEND, description=BACKEND_DESCRIPTION)


class NMinus1Request(_JobOptions):
    """Withdraw each pledge, or each state's pledges, in turn."""

    by: Literal["pledge", "state"] = "pledge"


class BudgetSweepRequest(_JobOptions):
    """The factors every mission's budget is scaled by, one solve each."""

    scales: list[Annotated[float, Field(gt=0, le=100)]] = Field(
        default_factory=lambda: [round(0.5 + 0.1 * k, 1) for k in range(11)],
        min_length=1, max_length=41,
        description="factors applied to every mission's budget (default 0.5 to 1.5)")
    backend: str = Field(DEFAULT_BACKEND, description=BACKEND_DESCRIPTION)


class ReliabilityRow(BaseModel):
    """The odds of one pledge (``pledge_id``) or of every pledge of a state (``state``)."""

    model_config = ConfigDict(extra="forbid")

    pledge_id: str | None = None
    state: str | None = None
    withdraw_probability: float | None = Field(None, ge=0, le=1)
    delay_probability: float | None = Field(None, ge=0, le=1)
    delay_days: int | None = Field(None, ge=0)


class MonteCarloRequest(_JobOptions):
    """How many random draws, their seed, and the odds that a pledge is withdrawn or late."""

    draws: int = Field(1000, ge=1, le=100_000)
    seed: int = Field(0, ge=0, le=2**32 - 1, description="the same seed gives the same draws")
    withdraw_probability: float = Field(0.05, ge=0, le=1,
                                        description="chance each pledge is withdrawn")
    delay_probability: float = Field(0.10, ge=0, le=1,
                                     description="chance a unit or equipment pledge is late")
    delay_days: int = Field(30, ge=0, le=3650, description="how late, in days")
    reliability: list[ReliabilityRow] | None = Field(
        None, max_length=100_000,
        description="odds by state or pledge_id, overriding the defaults above")


class JobsPublic(BaseModel):
    """A page of jobs and how many there are in all."""

    data: list[JobPublic]
    count: int


class TokenCreate(BaseModel):
    """A token to create: its name, role and workspace."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    role: Role
    workspace: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")


class TokenPublic(_Timestamps):
    """A token without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    role: Role
    workspace: str
    created_at: datetime
    revoked_at: datetime | None = None


class TokenCreated(TokenPublic):
    """A new token with its secret, shown this once."""

    token: str = Field(description="the secret; shown once, store it now")


class TokensPublic(BaseModel):
    """Every token and how many there are."""

    data: list[TokenPublic]
    count: int


class Health(BaseModel):
    """The service and its database answer."""

    status: Literal["ok"]
    database: Literal["ok"]
