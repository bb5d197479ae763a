"""Request and response bodies, one family per resource (``XPublic``, ``XsPublic``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from .auth import Role


class ProblemOut(BaseModel):
    table: str
    message: str
    row: int | None = None
    column: str | None = None
    source: str | None = None


class ErrorOut(BaseModel):
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
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    source: str = Field(description="the uploaded file's name, or 'json'")
    workspace: str
    counts: dict[str, int] = Field(description="rows per table")
    created_at: datetime


class ScenarioDetail(ScenarioPublic):
    scenario: dict[str, Any] = Field(
        description="the scenario in document form: one key per table, plus name, "
                    "description and policy (the library's Scenario.to_document())")


class ScenariosPublic(BaseModel):
    data: list[ScenarioPublic]
    count: int


class SolveOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: str = Field("cpsat", description="cpsat (default), cbc, highs or scip")
    time_limit_s: float | None = Field(
        None, gt=0, description="seconds for the whole solve; default: the service's")
    objective_mode: Literal["lexicographic", "weighted"] | None = Field(
        None, description="overrides the scenario's policy.objective_mode")


class SyncSolveRequest(SolveOptions):
    scenario: dict[str, Any] = Field(description="a scenario document, as POST /v1/scenarios")


class ProgressOut(BaseModel):
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
    variants: dict[str, list[dict[str, Any]]] = Field(
        min_length=1, max_length=50,
        description="variant name -> its changes, in the change language of `allocator "
                    "whatif` (e.g. {\"no BGD\": [{\"withdraw_state\": \"BGD\"}]})")
    minimise_changes: bool = Field(
        False, description="re-plan each variant moving as few units from the base plan as "
                           "coverage allows")
    backend: str = Field("cpsat", description="cpsat (default), cbc, highs or scip")


class NMinus1Request(_JobOptions):
    by: Literal["pledge", "state"] = "pledge"


class BudgetSweepRequest(_JobOptions):
    scales: list[Annotated[float, Field(gt=0, le=100)]] = Field(
        default_factory=lambda: [round(0.5 + 0.1 * k, 1) for k in range(11)],
        min_length=1, max_length=41,
        description="factors applied to every mission's budget (default 0.5 to 1.5)")
    backend: str = Field("cpsat", description="cpsat (default), cbc, highs or scip")


class ReliabilityRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pledge_id: str | None = None
    state: str | None = None
    withdraw_probability: float | None = Field(None, ge=0, le=1)
    delay_probability: float | None = Field(None, ge=0, le=1)
    delay_days: int | None = Field(None, ge=0)


class MonteCarloRequest(_JobOptions):
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
    data: list[JobPublic]
    count: int


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    role: Role
    workspace: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")


class TokenPublic(_Timestamps):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    role: Role
    workspace: str
    created_at: datetime
    revoked_at: datetime | None = None


class TokenCreated(TokenPublic):
    token: str = Field(description="the secret; shown once, store it now")


class TokensPublic(BaseModel):
    data: list[TokenPublic]
    count: int


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]
