"""The scenario-wide policy (DESIGN §4): rates, weights, targets and the objective's levels."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from allocator.levels import POLICY_LEVELS
from allocator.scenario.schema.bounds import (
    MAX_MONTHS,
    MAX_PRIORITY,
    MAX_PRIORITY_WEIGHT,
    MAX_TIME_LIMIT_S,
)
from allocator.scenario.schema.cells import to_readiness
from allocator.scenario.schema.fields import Days, Fraction01, Money
from allocator.scenario.schema.readiness import Readiness

OBJECTIVE_LEVELS = POLICY_LEVELS
"""The levels an objective may rank, in the default order of optimisation (the one table of
levels is ``allocator.levels``)."""


class ObjectiveWeights(BaseModel):
    """Weights of the single weighted objective, in US dollars per unit of each level."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shortfall: Money = Decimal(100_000_000)
    soft_goals: Money = Decimal(1_000_000)
    preference: Money = Decimal(1_000)
    cost: Money = Decimal(1)


class Policy(BaseModel):
    """Scenario-wide rules and defaults (DESIGN §4); every field has the documented default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period_months: Annotated[int, Field(ge=1, le=MAX_MONTHS)] = 12
    reimbursement_rate_usd: Money = Decimal(1448)
    priority_weights: dict[Annotated[int, Field(ge=1, le=MAX_PRIORITY)],
                           Annotated[int, Field(ge=0, le=MAX_PRIORITY_WEIGHT)]] = {
        1: 16, 2: 8, 3: 4, 4: 2, 5: 1}
    objective: list[Literal[POLICY_LEVELS]] = list(POLICY_LEVELS)  # type: ignore[valid-type]
    objective_mode: Literal["lexicographic", "weighted"] = "lexicographic"
    objective_weights: ObjectiveWeights = ObjectiveWeights()
    time_limit_s: Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S, allow_inf_nan=False)] = 60.0
    min_readiness: Annotated[Readiness, BeforeValidator(to_readiness)] = Readiness.L2
    women_target: Fraction01 = None
    max_state_share: Fraction01 = None
    state_share_hard: bool = False
    deploy_days_by_readiness: dict[Readiness, Days] = {
        Readiness.L1: 180,
        Readiness.L2: 120,
        Readiness.L3: 90,
        Readiness.RDL: 60,
    }

    @field_validator("objective")
    @classmethod
    def _objective_levels_once(cls, v: list[str]) -> list[str]:
        # A level left out is not optimised at all (a pure assignment study may rank only
        # `preference`); listing one twice is a mistake.
        if not v or len(set(v)) != len(v):
            raise ValueError(
                f"objective must list some of {', '.join(OBJECTIVE_LEVELS)}, each at most once, "
                f"in the order they are optimised; got {v}"
            )
        return v

    @field_validator("deploy_days_by_readiness", mode="before")
    @classmethod
    def _fill_readiness_days(cls, v: Any) -> Any:
        defaults = {"L1": 180, "L2": 120, "L3": 90, "RDL": 60}
        if isinstance(v, dict):
            defaults.update({str(to_readiness(k)): days for k, days in v.items()})
        return defaults

    def deploy_days_for(self, readiness: Readiness) -> int:
        """Days a pledge at ``readiness`` takes to deploy when it declares none of its own."""
        return self.deploy_days_by_readiness[readiness]
