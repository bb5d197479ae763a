"""What every backend implements: load a LinearModel, optimise one objective, lock a level."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from ..model.linear import LinearModel
from ..status import SolveStatus

MONEY_SCALE = 0.01
"""Floating-point backends see money rows and money objectives in dollars (cents × 0.01) so
that coefficients stay near 1e7 rather than 1e9; CP-SAT sees exact integer cents."""


@dataclass
class LevelOutcome:
    status: SolveStatus
    values: list[int] | None  # every variable, rounded to integers, when a plan was found
    objective: float | None  # in model units (cents for money objectives)
    bound: float | None  # best proven lower bound, model units; None when unknown
    runtime_s: float


class Backend(ABC):
    """One solver. Subclasses translate the model once in ``__init__`` and keep it warm."""

    name: str = ""

    def __init__(self, model: LinearModel, *, threads: int | None = None, log: bool = False):
        self.model = model
        self.threads = threads
        self.log = log

    @abstractmethod
    def optimize(self, objective: dict[int, int], *, money: bool, time_limit_s: float,
                 hint: list[int] | None = None) -> LevelOutcome:
        """Minimise ``objective`` (integer coefficients) under every row and lock so far."""

    @abstractmethod
    def lock(self, objective: dict[int, int], upper: int, *, money: bool) -> None:
        """Hold ``objective <= upper`` from now on (a lexicographic level that is settled)."""

    @staticmethod
    def rounded(values: list[float]) -> list[int]:
        return [round(v) for v in values]


def float_row(model: LinearModel, terms: dict[int, int] | tuple[tuple[int, int], ...],
              lb: float | None, ub: float | None, money: bool
              ) -> tuple[list[tuple[int, float]], float | None, float | None]:
    """A row in the units a floating-point solver sees: money rows in dollars.

    Money variables (funding in cents) become dollar variables, so their coefficient in a
    money row is unchanged while every other coefficient and the bounds are scaled.
    """
    items = terms.items() if isinstance(terms, dict) else terms
    if not money:
        return [(v, float(c)) for v, c in items], lb, ub
    scaled = [(v, float(c) if model.vars[v].money else c * MONEY_SCALE) for v, c in items]
    return (scaled, None if lb is None else lb * MONEY_SCALE,
            None if ub is None else ub * MONEY_SCALE)


def lock_upper(upper: int, money: bool) -> float:
    """Upper bound that holds an integer-valued level at ``upper`` without float slack.

    Levels take integer values (cents for money) on integer plans, so half a unit of margin
    admits the locked value and nothing worse, whatever the solver's feasibility tolerance.
    """
    return (upper + 0.5) * (MONEY_SCALE if money else 1.0)


def var_bounds(model: LinearModel, index: int) -> tuple[float, float, bool]:
    var = model.vars[index]
    if var.money:
        return var.lb * MONEY_SCALE, var.ub * MONEY_SCALE, False
    return float(var.lb), float(var.ub), var.integer


def unscale(model: LinearModel, values: list[float]) -> list[int]:
    return [round(value / MONEY_SCALE) if var.money else round(value)
            for var, value in zip(model.vars, values, strict=True)]
