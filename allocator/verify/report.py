"""What the verifier hands back: the broken rules, and the objective recomputed from the plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


@dataclass
class VerificationReport:
    """Violations (empty when the plan is valid) and the objective recomputed from the plan."""

    violations: list[str] = field(default_factory=list)
    weighted_shortfall: int = 0
    soft_goal_slack: Fraction = Fraction(0)  # persons, exact
    cost_usd: Decimal = Decimal(0)
    preference_penalty: Decimal = Decimal(0)  # points
    mission_cost_usd: dict[str, Decimal] = field(default_factory=dict)
    mission_personnel: dict[str, int] = field(default_factory=dict)
    units_changed: int | None = None  # against a current deployment, when one is given

    @property
    def ok(self) -> bool:
        """True when the plan breaks no hard rule."""
        return not self.violations
