"""HiGHS and SCIP through OR-Tools MathOpt, which bundles both in the ortools wheel.

Never install ``highspy`` beside ortools: the two HiGHS libraries clash on import.

Both solve with their default feasibility tolerance (1e-6), and every plan, once rounded to
integers, is checked against every row and lock in exact integer arithmetic; a plan that
breaks one (money rows carry coefficients near 1e7, so x = 1.9999995 passes the tolerance and
rounds to an overspent budget) is solved again at 1e-9 in the time left. Solving at 1e-9
throughout cost HiGHS 141 s on datasets/un_2025 (the cost level alone 129 s) against 5.9 s
at the default, with the same proven optimum.
"""

from __future__ import annotations

import datetime
import math
import time

from ortools.math_opt.python import mathopt

from allocator.backends.base import (
    Backend,
    LevelOutcome,
    float_row,
    hint_value,
    lock_lower,
    lock_upper,
    unscale,
    var_bounds,
)
from allocator.model.linear import LinearModel, Row
from allocator.status import SolveStatus

DEFAULT_TOLERANCE = 1e-6
"""The solvers' own default integrality and feasibility tolerance (HiGHS and SCIP)."""
STRICT_TOLERANCE = 1e-9
"""The tolerance of the second solve when a rounded plan breaks a row."""

_REASON = {
    mathopt.TerminationReason.OPTIMAL: SolveStatus.OPTIMAL,
    mathopt.TerminationReason.FEASIBLE: SolveStatus.FEASIBLE,
    mathopt.TerminationReason.INFEASIBLE: SolveStatus.INFEASIBLE,
    mathopt.TerminationReason.NO_SOLUTION_FOUND: SolveStatus.NO_SOLUTION,
    mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED: SolveStatus.INFEASIBLE,
    mathopt.TerminationReason.UNBOUNDED: SolveStatus.INVALID,
    mathopt.TerminationReason.IMPRECISE: SolveStatus.INVALID,
    mathopt.TerminationReason.NUMERICAL_ERROR: SolveStatus.INVALID,
    mathopt.TerminationReason.OTHER_ERROR: SolveStatus.INVALID,
}


class MathOptBackend(Backend):
    """A MIP solver bundled with OR-Tools, through MathOpt (money rows in dollars)."""

    solver_type: mathopt.SolverType
    lazy_rows = True

    def __init__(self, model: LinearModel, *, threads: int | None = None, log: bool = False):
        super().__init__(model, threads=threads, log=log)
        self.mo = mathopt.Model(name="allocation")
        self.vars = []
        self.rows: list[Row] = []  # every row given to the solver, to check plans against
        self.locks: list[tuple[dict[int, int], int | None, int]] = []  # (level, lower, upper)
        for i, spec in enumerate(model.vars):
            lb, ub, integer = var_bounds(model, i)
            self.vars.append(self.mo.add_variable(lb=lb, ub=ub, is_integer=integer,
                                                  name=spec.name))
        self.add_rows(self.initial_rows())

    def add_rows(self, rows: list[Row]) -> None:
        self.rows.extend(rows)
        for row in rows:
            self._add(row.terms, row.lb, row.ub, row.money, f"{row.family}[{row.label}]")

    def _add(self, terms, lb, ub, money: bool, name: str) -> None:
        scaled, lb, ub = float_row(self.model, terms, lb, ub, money)
        expr = mathopt.LinearSum(c * self.vars[v] for v, c in scaled)
        self.mo.add_linear_constraint(lb=-float("inf") if lb is None else lb,
                                      ub=float("inf") if ub is None else ub,
                                      expr=expr, name=name)

    def _params(self, time_limit_s: float, scale: float,
                tolerance: float = DEFAULT_TOLERANCE) -> mathopt.SolveParameters:
        params = mathopt.SolveParameters(
            time_limit=datetime.timedelta(seconds=max(time_limit_s, 0.01)),
            enable_output=self.log, relative_gap_tolerance=0.0,
            absolute_gap_tolerance=0.5 * scale,
        )
        if self.threads and self.solver_type != mathopt.SolverType.HIGHS:
            params.threads = self.threads  # HiGHS takes threads only as a process global
        params.highs.double_options["mip_feasibility_tolerance"] = tolerance
        params.gscip.real_params["numerics/feastol"] = tolerance
        return params

    def breaks(self, values: list[int]) -> bool:
        """Whether a rounded plan breaks a row or a lock, in exact integer arithmetic."""
        if any(not row.holds(values) for row in self.rows):
            return True
        for level, lower, upper in self.locks:
            value = sum(c * values[v] for v, c in level.items())
            if value > upper or (lower is not None and value < lower):
                return True
        return False

    def optimize(self, objective: dict[int, int], *, scale: float, time_limit_s: float,
                 hint: list[int] | None = None) -> LevelOutcome:
        self.mo.minimize(mathopt.LinearSum(c * scale * self.vars[v]
                                           for v, c in objective.items()))
        model_params = mathopt.ModelSolveParameters()
        if hint is not None:
            values = {var: hint_value(self.model, i, value)
                      for i, (var, value) in enumerate(zip(self.vars, hint, strict=True))}
            model_params = mathopt.ModelSolveParameters(
                solution_hints=[mathopt.SolutionHint(variable_values=values)])
        started = time.perf_counter()
        outcome = self._solve(objective, scale, time_limit_s, model_params, DEFAULT_TOLERANCE)
        if outcome.values is not None and self.breaks(outcome.values):
            left = time_limit_s - (time.perf_counter() - started)
            outcome = self._solve(objective, scale, left, model_params, STRICT_TOLERANCE)
            if outcome.values is not None and self.breaks(outcome.values):
                outcome = LevelOutcome(SolveStatus.NO_SOLUTION, None, None, None, 0.0)
        outcome.runtime_s = time.perf_counter() - started
        return outcome

    def _solve(self, objective: dict[int, int], scale: float, time_limit_s: float,
               model_params: mathopt.ModelSolveParameters, tolerance: float) -> LevelOutcome:
        started = time.perf_counter()
        try:
            result = self._run(self._params(time_limit_s, scale, tolerance), model_params)
        except Exception:  # MathOpt raises for models or parameters the solver rejects
            return LevelOutcome(SolveStatus.INVALID, None, None, None,
                                time.perf_counter() - started)
        runtime = time.perf_counter() - started
        if result is None:  # stopped
            return LevelOutcome(SolveStatus.NO_SOLUTION, None, None, None, runtime)
        reason = result.termination.reason
        status = _REASON.get(reason, SolveStatus.INVALID)
        if reason == mathopt.TerminationReason.NO_SOLUTION_FOUND:
            status = SolveStatus.NO_SOLUTION
        if status.has_plan and not result.has_primal_feasible_solution():
            status = SolveStatus.NO_SOLUTION
        if not status.has_plan:
            return LevelOutcome(status, None, None, None, runtime)
        raw = result.variable_values()
        values = unscale(self.model, [raw[v] for v in self.vars])
        value = float(sum(c * values[v] for v, c in objective.items()))
        dual = result.termination.objective_bounds.dual_bound
        # The objective is integer on integer plans, so its bound rounds up to an integer.
        bound = math.ceil(dual / scale - 1e-6) if abs(dual) != float("inf") else None
        return LevelOutcome(status, values, value, bound, runtime)

    def _run(self, params: mathopt.SolveParameters,
             model_params: mathopt.ModelSolveParameters) -> mathopt.SolveResult | None:
        """One solve of the model as it stands; None if it was stopped."""
        return mathopt.solve(self.mo, self.solver_type, params=params,
                             model_params=model_params)

    def lock(self, objective: dict[int, int], upper: int, *, scale: float,
             exact: bool = False) -> None:
        held = exact and self.exact_locks
        self.locks.append((objective, upper if held else None, upper))
        self.mo.add_linear_constraint(
            expr=mathopt.LinearSum(c * scale * self.vars[v] for v, c in objective.items()),
            lb=lock_lower(upper, scale) if held else -math.inf,
            ub=lock_upper(upper, scale), name=f"lock{self.mo.get_num_linear_constraints()}")


class HighsBackend(MathOptBackend):
    """HiGHS through MathOpt (never install highspy beside ortools)."""

    name = "highs"
    solver_type = mathopt.SolverType.HIGHS


class ScipBackend(MathOptBackend):
    """SCIP through MathOpt."""

    name = "scip"
    solver_type = mathopt.SolverType.GSCIP
