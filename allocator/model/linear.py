"""A solver-neutral integer linear model: what every backend translates, row by row.

Coefficients and bounds are Python integers (money in exact ``money_unit_cents`` units), so
CP-SAT receives the model exactly; floating-point backends rescale money rows (``Row.money``)
to dollars for conditioning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Var:
    """A model variable: integer (or continuous) between ``lb`` and ``ub``; ``money`` marks one
    measured in money units, which floating-point backends rescale."""

    name: str
    lb: int
    ub: int
    integer: bool = True
    money: bool = False  # measured in money units


@dataclass(frozen=True)
class Row:
    """``lb <= sum(coef * var) <= ub``; ``family`` names the planner's rule it encodes."""

    family: str
    label: str
    terms: tuple[tuple[int, int], ...]  # (variable index, integer coefficient)
    lb: int | None
    ub: int | None
    money: bool = False
    lazy: bool = False  # a backend with ``lazy_rows`` adds it only once a plan breaks it

    def holds(self, values: list[int]) -> bool:
        """Whether the row is satisfied by ``values`` (one value per variable index)."""
        activity = sum(c * values[v] for v, c in self.terms)
        return (self.lb is None or activity >= self.lb) and (self.ub is None or activity <= self.ub)


@dataclass
class LinearModel:
    """Variables, rows and one objective per level: the model every backend solves."""

    vars: list[Var] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    objectives: dict[str, dict[int, int]] = field(default_factory=dict)
    """Objective level -> {variable index: coefficient}; cost is in money units."""
    money_unit_cents: int = 1
    soft_units_per_person: int = 1  # the soft-goal objective counts 1/this of a person
    preference_unit: Fraction = Fraction(1)  # penalty points per preference-objective unit

    def add_var(self, name: str, lb: int, ub: int, *, integer: bool = True,
                money: bool = False) -> int:
        """Add a variable and return its index; an upper bound below ``lb`` is raised to it."""
        self.vars.append(Var(name, lb, max(lb, ub), integer, money))
        return len(self.vars) - 1

    def add_row(self, family: str, label: str, terms: list[tuple[int, int]],
                lb: int | None = None, ub: int | None = None, *, money: bool = False,
                lazy: bool = False) -> None:
        """Add ``lb <= sum(coef * var) <= ub``, zero coefficients dropped. A row with no money
        variable is divided by its coefficients' gcd (bounds rounded inward, and then it is
        not a money row)."""
        kept = tuple((v, c) for v, c in terms if c)
        if kept and not any(self.vars[v].money for v, _ in kept):
            # Every variable here is integer, so dividing by the coefficients' gcd and rounding
            # the bounds inward is exact; it also spares floating-point solvers rows like
            # 1476960000·Σx <= 4430879999, which they cannot tell from Σx <= 3.
            g = math.gcd(*(c for _, c in kept))
            if g > 1:
                kept = tuple((v, c // g) for v, c in kept)
                lb = None if lb is None else -(-lb // g)
                ub = None if ub is None else ub // g
                money = False
        self.rows.append(Row(family, label, kept, lb, ub, money, lazy))

    def size(self) -> dict[str, int]:
        """How many variables, rows and nonzero coefficients the model has."""
        return {"variables": len(self.vars), "rows": len(self.rows),
                "nonzeros": sum(len(row.terms) for row in self.rows)}

    def evaluate(self, level: str, values: list[int]) -> int:
        """The value of objective ``level`` at ``values``."""
        return sum(coef * values[v] for v, coef in self.objectives[level].items())


def tighten_slacks(model: LinearModel, slacks: set[int], values: list[int]) -> list[int]:
    """Set every soft-goal slack to the least value its row allows, given the plan.

    Slack variables outside the level being optimised may sit anywhere a lock allows, and a
    held-back row's slack was never constrained; the plan's true soft-goal figure is this.
    """
    fixed = list(values)
    for row in model.rows:
        slack = [(v, c) for v, c in row.terms if v in slacks]
        if len(slack) != 1:
            continue
        var, coef = slack[0]
        rest = sum(c * values[v] for v, c in row.terms if v != var)
        if row.ub is not None and coef < 0:
            fixed[var] = max(0, -(-(rest - row.ub) // -coef))
        elif row.lb is not None and coef > 0:
            fixed[var] = max(0, -(-(row.lb - rest) // coef))
    return fixed
