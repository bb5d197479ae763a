"""The coverage level of one scenario as a CP-SAT model built once and solved many times.

Sweeps (N-1, Monte Carlo) ask one question of many near-copies of a scenario: with these
pledges withdrawn, or arriving late, what is the least weighted shortfall? Every such copy is
the base model with some variables held at zero, so ``CoverageModel`` compiles the scenario
once and, per question, changes variable domains in place, solves, and puts them back:

- a withdrawn pledge's units, items or dollars are held at 0, and its must-deploy row no
  longer binds;
- a pledge delayed by ``d`` days keeps only the lines whose deadline it still meets.

This is exact: compiling the changed scenario gives the same pairs minus those held at zero,
and money units of the base divide every figure of the copy. Three settings make each solve
cheap, measured on datasets/un_2025 (2 cores, 14 withdrawals, one worker): the light
presolve below (1.10 s to 0.47 s a solve, same optima), and a floor at the base's shortfall,
which no withdrawal or delay can improve on (to 0.38 s), since a plan at the floor needs no
proof (the floor is dropped when a must-deploy pledge is withdrawn: its own rule goes too).
The base plan as a CP-SAT hint made solves slower (60 Monte Carlo draws: 20.7 s to 33.5 s),
so none is given. A single CP-SAT worker is deterministic, so the same question gets the same
plan in any process: a sweep on a Dask cluster equals the local run.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from allocator.backends.cpsat import _STATUS
from allocator.model.compatibility import pledge_deploy_days
from allocator.model.formulation import Formulation, build_formulation
from allocator.model.linear import LinearModel
from allocator.model.problem import compile_problem
from allocator.scenario.scenario import Scenario
from allocator.status import SolveStatus

# Measured on datasets/un_2025 (see the module docstring): one presolve pass without
# probing or symmetry detection is enough for these models, whose presolve otherwise took
# two thirds of each solve.
LIGHT_PRESOLVE: dict[str, object] = {
    "max_presolve_iterations": 1,
    "symmetry_level": 0,
    "cp_model_probing_level": 0,
}


LOCAL_SHARE = 0.25
"""Re-plan only the touched missions first when they are at most this share of all."""


@dataclass(frozen=True)
class CoverageOutcome:
    """The answer to one question: status, least weighted shortfall and units filled per
    requirement line (None without a plan), and the seconds it took."""

    status: SolveStatus
    weighted_shortfall: int | None
    filled: tuple[int, ...] | None  # units or items filled per requirement, scenario order
    seconds: float
    solved: bool = True  # False: the base plan answers it, with no solve


class CoverageModel:
    """Build once per scenario; ``solve(withdrawn=..., delays=...)`` as often as needed."""

    def __init__(self, scenario: Scenario, *, time_limit: float | None = None) -> None:
        self.scenario = scenario
        self.time_limit = time_limit
        f = build_formulation(compile_problem(scenario))
        self._build_cp(f.model)
        self._index_pledges(f)
        sc = scenario
        self._shortfall_var = f.s
        self._mission_vars = _variables_by_mission(f)
        self._mission_of = {var: m for m, variables in self._mission_vars.items()
                            for var in variables}
        self.units = tuple(r.units for r in sc.requirements)
        self.pledge_ids = frozenset(
            [u.pledge_id for u in sc.unit_pledges] + [q.equipment_id for q in
                                                      sc.equipment_pledges]
            + [g.funding_id for g in sc.funding_pledges])
        self._money_usd = {var: f.model.money_unit_cents / 100 for var in f.y.values()}
        self.floor = 0
        self._base_values: list[int] | None = None
        self.base = self._solve(set(), [], keep_values=True)
        if self.base.status is SolveStatus.OPTIMAL and self.base.weighted_shortfall is not None:
            # Only a proven optimum bounds the variants (a time limit may stop short of it).
            self.floor = self.base.weighted_shortfall

    def _build_cp(self, model: LinearModel) -> None:
        """The CP-SAT model of ``model``'s rows with the shortfall level as objective, and the
        floor row on it; remembers the variables' bounds and the must-deploy rows."""
        self.cp = cp_model.CpModel()
        xs = [self.cp.new_int_var(v.lb, v.ub, v.name) for v in model.vars]
        self._xs = xs
        self._bounds = [(v.lb, v.ub) for v in model.vars]
        self._must_deploy: dict[str, tuple[int, int, int]] = {}  # id -> (constraint, lb, ub)
        for row in model.rows:
            lb = cp_model.INT_MIN if row.lb is None else row.lb
            ub = cp_model.INT_MAX if row.ub is None else row.ub
            expr = cp_model.LinearExpr.weighted_sum([xs[v] for v, _ in row.terms],
                                                    [c for _, c in row.terms])
            constraint = self.cp.add_linear_constraint(expr, lb, ub)
            if row.family == "must_deploy":
                self._must_deploy[row.label] = (constraint.index, lb, ub)
        weights = model.objectives["shortfall"]
        shortfall = cp_model.LinearExpr.weighted_sum([xs[v] for v in weights],
                                                     list(weights.values()))
        self.cp.minimize(shortfall)
        # The floor: a withdrawal or delay only removes plans, so the base's optimum bounds
        # every variant from below; not so a withdrawn must-deploy pledge, whose own rule goes
        # too and may free money for better plans. Its domain is set per solve.
        self._floor = self.cp.add_linear_constraint(shortfall, 0, cp_model.INT_MAX).index

    def _index_pledges(self, f: Formulation) -> None:
        """Per pledge id, the variables it supplies (units, items or dollars), and for unit
        and equipment pledges the most days each pair's deadline leaves it, for delays."""
        problem, sc = f.problem, f.problem.scenario
        self._vars_of: dict[str, list[int]] = defaultdict(list)
        # Per pledge, its (variable, latest deploy days allowed) pairs, for delays.
        self._deadlines: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
        for i, pair in enumerate(problem.unit_pairs):
            pledge = sc.unit_pledges[pair.u]
            self._vars_of[pledge.pledge_id].append(f.x[i])
            slack = sc.requirements[pair.r].deadline_days
            self._deadlines[pledge.pledge_id].append(
                (f.x[i], None if slack is None else slack - pledge_deploy_days(sc, pledge)))
        for i, epair in enumerate(problem.equipment_pairs):
            eq = sc.equipment_pledges[epair.q]
            self._vars_of[eq.equipment_id].append(f.e[i])
            slack = sc.requirements[epair.r].deadline_days
            self._deadlines[eq.equipment_id].append(
                (f.e[i], None if slack is None else slack - eq.available_days))
        for (fi, _), var in f.y.items():
            self._vars_of[sc.funding_pledges[fi].funding_id].append(var)

    def base_use(self, pledge_id: str) -> float:
        """Units, items or US$ of a pledge that the base coverage plan uses."""
        values = self._base_values or []
        return sum(values[v] * self._money_usd.get(v, 1) for v in self._vars_of.get(pledge_id, ())
                   if values)

    def _held_at_zero(self, withdrawn: Iterable[str], delays: Mapping[str, int]) -> set[int]:
        """The variables to hold at 0: every one of a withdrawn pledge, and a delayed pledge's
        on lines whose deadline it no longer meets; ``KeyError`` for an unknown pledge id."""
        held: set[int] = set()
        for pledge_id in withdrawn:
            if pledge_id not in self.pledge_ids:
                raise KeyError(f"no pledge {pledge_id!r} in the scenario")
            held.update(self._vars_of.get(pledge_id, ()))
        for pledge_id, days in delays.items():
            if pledge_id not in self.pledge_ids:
                raise KeyError(f"no pledge {pledge_id!r} in the scenario")
            held.update(var for var, latest in self._deadlines.get(pledge_id, ())
                        if latest is not None and days > latest)
        return held

    def solve(self, withdrawn: Iterable[str] = (), delays: Mapping[str, int] | None = None
              ) -> CoverageOutcome:
        """Least weighted shortfall with ``withdrawn`` pledges gone and ``delays`` (pledge id
        -> extra days) applied; the model is left as it was.

        When the base plan does not use anything the change takes away, it is still optimal
        and nothing is solved. Otherwise, when the missions where it loses units are few,
        they are re-planned first with every other mission held as in the base plan: a plan
        found there at the base's shortfall is optimal for the whole scenario (nothing beats
        the floor), and on datasets/un_2025 that settles most single withdrawals. Only if it
        fails is the whole scenario solved.
        """
        started = time.perf_counter()
        withdrawn = set(withdrawn)
        held = self._held_at_zero(withdrawn, delays or {})
        relaxed = [self._must_deploy[p] for p in withdrawn if p in self._must_deploy]
        base = self._base_values
        floor = 0 if relaxed else self.floor
        if base is None or self.base.filled is None:
            return self._solve(held, relaxed, floor, started=started)
        lost = {var for var in held if base[var]}
        if not lost and not relaxed:
            return CoverageOutcome(self.base.status, self.base.weighted_shortfall,
                                   self.base.filled, time.perf_counter() - started, False)
        # A withdrawn must-deploy pledge deploys in the base plan, so its missions are here.
        touched = {self._mission_of[var] for var in lost}
        # Re-planning a few missions pays; past a quarter of them it cost nearly a whole solve
        # and seldom reached the floor (Monte Carlo draws on datasets/un_2025: 0.27 s wasted
        # a draw touching 8 of 10 missions, against 0.06 s for a single withdrawal).
        if floor and len(touched) <= max(1, int(len(self._mission_vars) * LOCAL_SHARE)):
            fixed = {var for m, variables in self._mission_vars.items() if m not in touched
                     for var in variables} - held
            local = self._solve(held, relaxed, floor, fixed=fixed, started=started)
            if local.weighted_shortfall == floor:
                return local
        return self._solve(held, relaxed, floor, started=started)

    def _solve(self, held: set[int], relaxed: list[tuple[int, int, int]], floor: int = 0, *,
               fixed: set[int] = frozenset(), keep_values: bool = False,  # type: ignore[assignment]
               started: float | None = None) -> CoverageOutcome:
        started = time.perf_counter() if started is None else started
        proto = self.cp.proto
        base = self._base_values
        try:
            for var in held:
                domain = proto.variables[var].domain
                domain[0] = 0
                domain[1] = 0
            for var in fixed:
                domain = proto.variables[var].domain
                domain[0] = domain[1] = base[var]  # type: ignore[index]
            for index, lb, _ in relaxed:
                proto.constraints[index].linear.domain[0] = min(lb, 0)
            proto.constraints[self._floor].linear.domain[0] = floor
            solver = cp_model.CpSolver()
            params = solver.parameters
            params.num_workers = 1
            params.linearization_level = 2
            for name, value in LIGHT_PRESOLVE.items():
                setattr(params, name, value)
            if self.time_limit is not None:
                params.max_time_in_seconds = self.time_limit
            code = solver.solve(self.cp)
        finally:
            for var in held | fixed:
                domain = proto.variables[var].domain
                domain[0], domain[1] = self._bounds[var]
            for index, lb, _ in relaxed:
                proto.constraints[index].linear.domain[0] = lb
        status = _STATUS.get(code, SolveStatus.INVALID)
        if not status.has_plan:
            return CoverageOutcome(status, None, None, time.perf_counter() - started)
        if keep_values:
            self._base_values = [solver.value(v) for v in self._xs]
        filled = tuple(units - solver.value(self._xs[s])
                       for units, s in zip(self.units, self._shortfall_var, strict=True))
        return CoverageOutcome(status, round(solver.objective_value), filled,
                               time.perf_counter() - started)


def _variables_by_mission(f: Formulation) -> dict[int, list[int]]:
    """Every variable of the coverage model, by the mission it belongs to."""
    p = f.problem
    by: dict[int, list[int]] = defaultdict(list)
    for i, pair in enumerate(p.unit_pairs):
        by[p.pair_mission(pair)].append(f.x[i])
    for i, epair in enumerate(p.equipment_pairs):
        by[p.pair_mission(epair)].append(f.e[i])
    for r, var in enumerate(f.s):
        by[p.requirement_mission[r]].append(var)
    for (_, m), var in f.y.items():
        by[m].append(var)
    for m, var in f.personnel.items():
        by[m].append(var)
    for m, var in f.women_slack.items():
        by[m].append(var)
    for (_, m), var in f.share_slack.items():
        by[m].append(var)
    return dict(by)
