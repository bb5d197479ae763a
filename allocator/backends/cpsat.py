"""OR-Tools CP-SAT: exact integer arithmetic, money in exact units, levels locked as constraints."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import ClassVar

from ortools.sat.python import cp_model

from allocator.backends.base import Backend, LevelOutcome
from allocator.model.linear import LinearModel, Row
from allocator.status import SolveStatus

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.INVALID,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
}


def default_workers(variables: int) -> int:
    """One search worker below 8 cores for models up to 20,000 variables, else 8 or one per core.

    On 2 cores one LP-heavy worker beat CP-SAT's 8-worker portfolio (time-sliced) on every
    workload of that size measured: datasets/un_2025 11 s against 17-27 s, gap9-12 8 s against
    30 s, and types D/E at 10 s a mean gap of 0.99% against 1.22% (README). On the `large`
    family (36,000 variables) one worker found no plan in 30 s and the portfolio, with its
    first-solution and LNS workers, did; so larger models get the portfolio, which needs about
    8 workers to include those strategies. One worker is also deterministic: reruns repeat.
    """
    cores = os.cpu_count() or 1
    if cores >= 8:
        return cores
    return 1 if variables <= 20_000 else 8


class _Incumbents(cp_model.CpSolverSolutionCallback):
    """Records when the first and the latest (best) plan were found; CP-SAT reports only
    improving solutions, so the latest is the best."""

    def __init__(self, report: Callable[[float, float | None], None] | None = None) -> None:
        super().__init__()
        self.first: float | None = None
        self.best: float | None = None
        self.report = report

    def on_solution_callback(self) -> None:
        self.best = time.perf_counter()
        if self.first is None:
            self.first = self.best
        if self.report is not None:
            self.report(self.objective_value, self.best_objective_bound)


class CpSatBackend(Backend):
    """OR-Tools CP-SAT: the model exactly, in integers (one of the two engines of `auto`)."""

    name = "cpsat"
    # CP-SAT follows a hint before its own search; on datasets/un_2025 (2 cores) the levels
    # took 41-44 s with the previous level's plan as hint and 19 s without (8 workers), and
    # 17.7 s against 11.1 s with one worker. The previous plan stays the fallback if a level
    # finds nothing.
    warm_start = False
    exact_locks = True
    parameters: ClassVar[dict[str, object]] = {}
    """CP-SAT parameters set after the defaults below (name -> value)."""

    def __init__(self, model: LinearModel, *, threads: int | None = None, log: bool = False):
        super().__init__(model, threads=threads, log=log)
        self.cp = cp_model.CpModel()
        self.vars = [self.cp.new_int_var(v.lb, v.ub, v.name) for v in model.vars]
        self.add_rows(self.initial_rows())
        self._solver: cp_model.CpSolver | None = None
        self._stopped = False

    def stop(self) -> None:
        # CpSolver.stop_search is safe from another thread; a solve not started yet sees
        # the flag and does not start.
        self._stopped = True
        if self._solver is not None:
            self._solver.stop_search()

    def add_rows(self, rows: list[Row]) -> None:
        for row in rows:
            expr = self._expr(dict(row.terms))
            lb = cp_model.INT_MIN if row.lb is None else row.lb
            ub = cp_model.INT_MAX if row.ub is None else row.ub
            self.cp.add_linear_constraint(expr, lb, ub).with_name(f"{row.family}[{row.label}]")

    def _expr(self, terms: dict[int, int]) -> cp_model.LinearExprT:
        if not terms:
            return 0
        return cp_model.LinearExpr.weighted_sum([self.vars[i] for i in terms],
                                                list(terms.values()))

    def optimize(self, objective: dict[int, int], *, scale: float, time_limit_s: float,
                 hint: list[int] | None = None) -> LevelOutcome:
        self._stopped = False
        self.cp.minimize(self._expr(objective))
        self.cp.clear_hints()
        if hint is not None:
            for var, value in zip(self.vars, hint, strict=True):
                self.cp.add_hint(var, value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(time_limit_s, 0.01)
        solver.parameters.log_search_progress = self.log
        # The model is a large linear program with integers; the full linear relaxation
        # (level 2) proves its levels several times faster than the default (measured on
        # datasets/un_2025).
        solver.parameters.linearization_level = 2
        solver.parameters.num_workers = self.threads or default_workers(len(self.vars))
        for name, value in self.parameters.items():  # experiments and expert overrides
            setattr(solver.parameters, name, value)
        incumbents = _Incumbents(self.on_incumbent)
        started = time.perf_counter()
        self._solver = solver
        if self._stopped:  # stopped while the model was being set up
            self._solver = None
            return LevelOutcome(SolveStatus.NO_SOLUTION, None, None, None, 0.0)
        if self.on_launch is not None:
            self.on_launch()
        code = solver.solve(self.cp, incumbents)
        self._solver = None
        runtime = time.perf_counter() - started
        status = _STATUS.get(code, SolveStatus.INVALID)
        if not status.has_plan:
            return LevelOutcome(status, None, None, None, runtime)
        values = [solver.value(v) for v in self.vars]
        return LevelOutcome(status, values, solver.objective_value, solver.best_objective_bound,
                            runtime, incumbents.first, incumbents.best)

    def lock(self, objective: dict[int, int], upper: int, *, scale: float,
             exact: bool = False) -> None:
        if exact and self.exact_locks:
            self.cp.add(self._expr(objective) == upper)
        else:
            self.cp.add(self._expr(objective) <= upper)
