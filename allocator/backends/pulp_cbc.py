"""PuLP 3.x with its bundled CBC. Only ``sol_status == 1`` means proven optimal: PuLP's
``LpStatus`` reads "Optimal" even when a time limit stopped CBC with an unproven plan."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable

import psutil
import pulp

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

_SOL_STATUS = {
    pulp.LpSolutionOptimal: SolveStatus.OPTIMAL,
    pulp.LpSolutionIntegerFeasible: SolveStatus.FEASIBLE,
    pulp.LpSolutionInfeasible: SolveStatus.INFEASIBLE,
    pulp.LpSolutionUnbounded: SolveStatus.INVALID,
    pulp.LpSolutionNoSolutionFound: SolveStatus.NO_SOLUTION,
}


class _Cbc(pulp.PULP_CBC_CMD):
    """PuLP's CBC command, with the prefix of its temporary files known, so the CBC process
    of this solve (its command line names them) can be found and stopped."""

    def __init__(self, on_launch: Callable[[], None] | None = None, **options: object) -> None:
        super().__init__(**options)
        self.prefix = os.path.join(self.tmpDir, uuid.uuid4().hex)
        self.on_launch = on_launch

    def get_pipe(self):  # type: ignore[override]
        # PuLP asks for CBC's output pipe right before it starts CBC, once the model file and
        # the MIP start are written: from here on this solve holds no Python lock.
        if self.on_launch is not None:
            self.on_launch()
        return super().get_pipe()

    def create_tmp_files(self, name: str, *args: str):  # type: ignore[override]
        return (f"{self.prefix}-pulp.{n}" for n in args)

    def kill(self) -> None:
        """Kill this solve's CBC process, if it runs; PuLP then raises PulpSolverError."""
        for child in psutil.Process().children(recursive=True):
            try:
                if any(self.prefix in part for part in child.cmdline()):
                    child.kill()
            except psutil.Error:  # ended meanwhile, or not ours to read
                continue


class CbcBackend(Backend):
    """CBC through PuLP 3.x (the CBC binary PuLP bundles)."""

    name = "cbc"

    def __init__(self, model: LinearModel, *, threads: int | None = None, log: bool = False):
        super().__init__(model, threads=threads, log=log)
        self.lp = pulp.LpProblem("allocation", pulp.LpMinimize)
        self.vars = []
        for i in range(len(model.vars)):
            lb, ub, integer = var_bounds(model, i)
            self.vars.append(pulp.LpVariable(f"v{i}", lb, ub,
                                             pulp.LpInteger if integer else pulp.LpContinuous))
        self._locks = 0
        self._cbc: _Cbc | None = None
        self._stopped = False
        self.add_rows(self.initial_rows())

    def stop(self) -> None:
        self._stopped = True
        cbc = self._cbc
        if cbc is not None:
            cbc.kill()

    def add_rows(self, rows: list[Row]) -> None:
        for row in rows:
            self._add(f"r{len(self.lp.constraints)}", row.terms, row.lb, row.ub, row.money)

    def _add(self, name: str, terms, lb, ub, money: bool) -> None:
        scaled, lb, ub = float_row(self.model, terms, lb, ub, money)
        expr = pulp.LpAffineExpression([(self.vars[v], c) for v, c in scaled])
        if lb is not None and ub is not None and lb == ub:
            self.lp += (expr == lb, name)
            return
        if lb is not None:
            self.lp += (expr >= lb, f"{name}_lb")
        if ub is not None:
            self.lp += (expr <= ub, f"{name}_ub")

    def optimize(self, objective: dict[int, int], *, scale: float, time_limit_s: float,
                 hint: list[int] | None = None) -> LevelOutcome:
        self._stopped = False
        # A zero term keeps the objective non-empty: PuLP otherwise adds a fixed dummy column
        # that stays in the model and makes CBC reject the next level's MPS file.
        terms = [(self.vars[v], c * scale) for v, c in objective.items()] or [(self.vars[0], 0)]
        self.lp.setObjective(pulp.LpAffineExpression(terms))
        if hint is not None:
            for i, (var, value) in enumerate(zip(self.vars, hint, strict=True)):
                var.setInitialValue(hint_value(self.model, i, value))
        solver = _Cbc(
            on_launch=self.on_launch, msg=self.log, timeLimit=max(time_limit_s, 1.0),
            gapRel=0.0, gapAbs=0.5 * scale,
            # One thread is CBC's default; asking for it with "-threads 1" starts CBC's thread
            # pool, which was seen to deadlock until the time limit
            # (allocator/bench/baselines/pulp.py).
            threads=self.threads if self.threads and self.threads > 1 else None,
            warmStart=hint is not None,
            # CBC 2.10.3's preprocessing wrongly fixes variables on some of these models and
            # then reports a worse plan as optimal (seen in the cross-backend tests).
            options=["preprocess off"],
        )
        started = time.perf_counter()
        self._cbc = solver
        try:
            if self._stopped:  # stopped while the model was being set up
                return LevelOutcome(SolveStatus.NO_SOLUTION, None, None, None, 0.0)
            self.lp.solve(solver)
        finally:
            self._cbc = None
        runtime = time.perf_counter() - started
        status = _SOL_STATUS.get(self.lp.sol_status, SolveStatus.INVALID)
        if self.lp.status == pulp.LpStatusInfeasible:
            # CBC's "Integer infeasible" (the LP has points, no integer plan does) is a proof,
            # but PuLP leaves its sol_status at "no solution found".
            status = SolveStatus.INFEASIBLE
        if not status.has_plan:
            return LevelOutcome(status, None, None, None, runtime)
        values = unscale(self.model, [v.varValue or 0.0 for v in self.vars])
        value = float(sum(c * values[v] for v, c in objective.items()))
        # PuLP does not report CBC's dual bound; it is known only once optimality is proven.
        bound = value if status is SolveStatus.OPTIMAL else None
        return LevelOutcome(status, values, value, bound, runtime)

    def lock(self, objective: dict[int, int], upper: int, *, scale: float,
             exact: bool = False) -> None:
        self._locks += 1
        expr = pulp.LpAffineExpression([(self.vars[v], c * scale) for v, c in objective.items()])
        self.lp += (expr <= lock_upper(upper, scale), f"lock{self._locks}")
        if exact and self.exact_locks:
            self.lp += (expr >= lock_lower(upper, scale), f"lock{self._locks}_lb")
