"""The one solver-neutral status every backend maps onto."""

from __future__ import annotations

from enum import StrEnum


class SolveStatus(StrEnum):
    """The solver-neutral outcome of a solve; each backend maps its own status onto it."""

    OPTIMAL = "optimal"  # every objective level proven optimal
    FEASIBLE = "feasible"  # a verified plan, not proven optimal (time limit)
    INFEASIBLE = "infeasible"  # the hard rules cannot all hold
    NO_SOLUTION = "no_solution"  # the time limit passed before any plan was found
    INVALID = "invalid"  # the solver rejected the model or the input

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
