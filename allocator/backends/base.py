"""What every backend implements: load a LinearModel, optimise one objective, lock a level."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from allocator.model.linear import LinearModel, Row
from allocator.status import SolveStatus


def money_scale(model: LinearModel) -> float:
    """Dollars per model money unit: floating-point backends see money rows in dollars."""
    return model.money_unit_cents / 100


@dataclass
class LevelOutcome:
    """What a backend returns for one objective level."""

    status: SolveStatus
    values: list[int] | None  # every variable, rounded to integers, when a plan was found
    objective: float | None  # in model units (money units for money objectives)
    bound: float | None  # best proven lower bound, model units; None when unknown
    runtime_s: float
    # time.perf_counter() when the first and the returned plan were found; backends without
    # solution callbacks leave them None and solve() takes the moment the solver returned.
    first_found_at: float | None = None
    best_found_at: float | None = None


class Backend(ABC):
    """One solver. Subclasses translate the model once in ``__init__`` and keep it warm."""

    name: str = ""
    warm_start: bool = True
    """Whether the previous level's plan is passed as a hint (MIP start) to the next level."""
    lazy_rows: bool = False
    """Whether rows marked lazy (state-share limits) start out of the model and join only when
    a plan breaks one. Measured on datasets/un_2025 (2 cores), whole solve, lazy / up front:
    CP-SAT 18 / 7.8 s, CBC 8 / 4.5-5.1 s, SCIP 10 / 20-25 s; HiGHS 227 / over 400 s at a
    1e-9 tolerance, and 14 / 24 s at 1e-7 (it now solves at its default, 1e-6)."""

    exact_locks: bool = False
    """Whether a level proven optimal is held as an equality (see ``lock``). Measured to help
    CP-SAT only; HiGHS took 10.7 s on un_2025 with it and 5.9 s without (2 cores, another
    solve on the second)."""

    def initial_rows(self) -> list[Row]:
        return [row for row in self.model.rows if not (row.lazy and self.lazy_rows)]

    def __init__(self, model: LinearModel, *, threads: int | None = None, log: bool = False):
        self.model = model
        self.threads = threads
        self.log = log
        self.on_launch: Callable[[], None] | None = None
        """Called when a solve's Python work (translation, input files) is done and the solver
        itself runs outside the GIL (CP-SAT's threads, CBC's and HiGHS's processes)."""
        self.on_incumbent: Callable[[float, float | None], None] | None = None
        """Called with (objective, bound) in model units when a better plan is found, by
        backends with solution callbacks (CP-SAT); the others report when a level ends."""

    @abstractmethod
    def optimize(self, objective: dict[int, int], *, scale: float, time_limit_s: float,
                 hint: list[int] | None = None) -> LevelOutcome:
        """Minimise ``objective`` (integer coefficients) under every row and lock so far.

        ``scale`` multiplies the objective for floating-point solvers only (money objectives
        become dollars); exact backends ignore it. Outcomes are in unscaled model units.
        """

    def stop(self) -> None:
        """Ask an ``optimize`` running in another thread to return soon (a race's loser).

        It returns what it has, or raises if its solver was killed; the default does nothing,
        and that optimize runs to its own time limit."""
        return None

    @abstractmethod
    def add_rows(self, rows: list[Row]) -> None:
        """Add rows to the solver's model; they bind every later ``optimize``."""

    @abstractmethod
    def lock(self, objective: dict[int, int], upper: int, *, scale: float,
             exact: bool = False) -> None:
        """Hold ``objective <= upper`` from now on (a lexicographic level that is settled).

        ``exact``: the level was proven optimal at ``upper``, so ``objective == upper`` holds
        for every plan left (rows added later only remove plans); backends with
        ``exact_locks`` state it as such, which spares the next level from re-proving the
        bound (the cost level of datasets/un_2025 went from 7.3 s to 2.9 s in CP-SAT).
        """


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
    k = money_scale(model)
    scaled = [(v, float(c) if model.vars[v].money else c * k) for v, c in items]
    return scaled, None if lb is None else lb * k, None if ub is None else ub * k


def lock_upper(upper: int, scale: float) -> float:
    """Upper bound that holds an integer-valued level at ``upper`` without float slack.

    Levels take integer values on integer plans, so half a unit of margin admits the locked
    value and nothing worse, whatever the solver's feasibility tolerance.
    """
    return (upper + 0.5) * scale


def lock_lower(lower: int, scale: float) -> float:
    """Lower bound of an exact lock, with the same half-unit margin as ``lock_upper``."""
    return (lower - 0.5) * scale


def var_bounds(model: LinearModel, index: int) -> tuple[float, float, bool]:
    """A variable's bounds in the units a floating-point solver sees, and whether integer."""
    var = model.vars[index]
    if var.money:
        k = money_scale(model)
        return var.lb * k, var.ub * k, False
    return float(var.lb), float(var.ub), var.integer


def hint_value(model: LinearModel, index: int, value: int) -> float:
    """A hint value in the units a floating-point solver sees."""
    return value * money_scale(model) if model.vars[index].money else float(value)


def unscale(model: LinearModel, values: list[float]) -> list[int]:
    """A floating-point solver's values back in model units, rounded to integers."""
    k = money_scale(model)
    return [round(value / k) if var.money else round(value)
            for var, value in zip(model.vars, values, strict=True)]
