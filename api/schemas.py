"""Request and response bodies, one family per resource (``XPublic``, ``XsPublic``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

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
    level: str
    level_number: int
    levels: int
    value: float | None = None
    bound: float | None = None
    elapsed_s: float
    level_done: bool = False


class JobPublic(_Timestamps):
    model_config = ConfigDict(from_attributes=True)

    id: str
    scenario_id: str
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
