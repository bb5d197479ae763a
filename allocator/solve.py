"""The one entry point: ``solve(scenario, backend=..., time_limit=...)``.

Compile the scenario, translate it for the chosen backend, optimise the objective levels in
order (each held while the next is optimised), turn the values into a plan, route funding
exactly, and return only what the independent verifier accepts.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from allocator.backends import DEFAULT_BACKEND, canonical_name, get_backend
from allocator.backends.base import Backend, LevelOutcome
from allocator.errors import VerificationError
from allocator.insight.diagnose import diagnose as find_conflict
from allocator.levels import result_key
from allocator.model.formulation import Formulation, build_formulation
from allocator.model.linear import LinearModel, Row, tighten_slacks
from allocator.model.magnitude import check_objective
from allocator.model.problem import CENTS_PER_USD, compile_problem
from allocator.model.warm import values_from_plan
from allocator.plan.deployment import Deployment
from allocator.plan.funding import route_funding
from allocator.plan.plan import Assignment, EquipmentFlow, FundingFlow, Plan
from allocator.progress import ProgressCallback, Reporter
from allocator.result.result import OBJECTIVE_MODES, WEIGHTED_LEVEL, AllocationResult, LevelResult
from allocator.scenario.readers import read_scenario
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema.bounds import MAX_TIME_LIMIT_S
from allocator.status import SolveStatus
from allocator.verify.verifier import VerificationReport, verify_plan


def solve(
    scenario: Scenario | str | os.PathLike[str],
    backend: str = DEFAULT_BACKEND,
    time_limit: float | None = None,
    *,
    objective: str | None = None,
    threads: int | None = None,
    log: bool = False,
    progress: ProgressCallback | None = None,
    diagnose: bool = True,
    deployment: Deployment | None = None,
    warm_start: Plan | AllocationResult | None = None,
) -> AllocationResult:
    """Allocate pledges to requirements and return a verified result.

    ``scenario`` is a Scenario or a path any reader accepts. ``time_limit`` (seconds, for the
    whole solve) defaults to the scenario's ``policy.time_limit_s``. ``objective`` overrides
    ``policy.objective_mode`` ("lexicographic" or "weighted"). ``progress``, if given, is
    called with a ``Progress`` as levels start and end and as better plans are found. When the
    scenario is infeasible and ``diagnose`` is true, ``result.diagnosis`` names the rules that
    conflict and the least relaxation (CP-SAT, within what is left of the time limit, and at
    least 10 s). ``deployment`` re-plans from a current deployment: pinned and forbidden
    pairs hold, and a level ``units_changed`` right after the shortfall keeps the plan as close
    to it as filling allows (see ``allocator.plan.deployment``). ``warm_start``, a plan (or a result
    with one) of a similar scenario, is given to the solver as a hint for the first level
    (``allocator.model.warm``); it changes how fast a plan is found, never which plans count.
    """
    started = time.perf_counter()
    scenario = _scenario_of(scenario)
    name = canonical_name(backend)
    backend_class = get_backend(name)
    limit, mode = _check_options(scenario, time_limit, objective, deployment)
    order = _level_order(scenario.policy.objective, deployment)
    formulation = build_formulation(compile_problem(scenario), deployment)
    solver = backend_class(formulation.model, threads=threads, log=log)
    build_s = time.perf_counter() - started
    deadline = started + limit
    reporter = Reporter(progress, 1 if mode == "weighted" else len(order), started)
    solver.on_incumbent = reporter.incumbent if progress is not None else None
    start = _warm_values(formulation, warm_start)
    if mode == "weighted":
        levels = _solve_weighted(solver, formulation, order, deadline, reporter, start)
    else:
        levels = _solve_lexicographic(solver, formulation, order, deadline, reporter, start)
    _count_forced_changes(levels, formulation)
    values = next((lv.values for lv in reversed(levels) if lv.values is not None), None)
    plan = verification = diagnosis = None
    if values is not None:
        plan = _plan_from_values(formulation, values)
        verification = _verified(scenario, plan, formulation, values, deployment)
    status = _overall_status(levels)
    if diagnose and status is SolveStatus.INFEASIBLE:
        diagnosis = find_conflict(scenario, max(10.0, deadline - time.perf_counter()))
    found = [lv for lv in levels if lv.best_at is not None]
    return AllocationResult(
        scenario=scenario, backend=name, status=status, plan=plan,
        levels=[lv.summary for lv in levels], build_s=build_s, objective_mode=mode,
        verification=verification, diagnosis=diagnosis,
        first_plan_s=found[0].first_at - started if found else None,
        best_plan_s=max(lv.best_at for lv in found) - started if found else None,
        model_size=formulation.model.size(), runtime_s=time.perf_counter() - started,
    )


def _scenario_of(scenario: Scenario | str | os.PathLike[str]) -> Scenario:
    """A validated Scenario from a Scenario or a path any reader accepts."""
    if not isinstance(scenario, Scenario):
        return read_scenario(Path(scenario))
    # A caller's Scenario may be an unvalidated model_copy; nothing unchecked is solved.
    return scenario.revalidated()


def _check_options(scenario: Scenario, time_limit: float | None, objective: str | None,
                   deployment: Deployment | None) -> tuple[float, str]:
    """The time limit and objective mode in force; ``ValueError`` names a bad option."""
    policy = scenario.policy
    limit = float(time_limit if time_limit is not None else policy.time_limit_s)
    if not 0 < limit <= MAX_TIME_LIMIT_S:  # also refuses NaN, which no comparison admits
        raise ValueError(f"time limit must be a positive number of seconds up to "
                         f"{MAX_TIME_LIMIT_S:,}, got {time_limit}")
    mode = objective or policy.objective_mode
    if mode not in OBJECTIVE_MODES:
        raise ValueError(f"objective must be 'lexicographic' or 'weighted', got {mode!r}")
    if deployment is not None and mode == "weighted":
        raise ValueError("re-planning from a deployment needs objective 'lexicographic' (units "
                         "changed is a level of its own, with no weight in US$)")
    if deployment is not None:
        deployment.check(scenario)
    return limit, mode


def _warm_values(f: Formulation, warm_start: Plan | AllocationResult | None
                 ) -> list[int] | None:
    """A warm start's plan as model values (a hint for the first level), or None."""
    if isinstance(warm_start, AllocationResult):
        warm_start = warm_start.plan
    return None if warm_start is None else values_from_plan(f, warm_start)


def _level_order(objective: list[str], deployment: Deployment | None) -> list[str]:
    """The policy's levels; re-planning puts ``changes`` right after the shortfall."""
    order = list(objective)
    if deployment is not None:
        at = order.index("shortfall") + 1 if "shortfall" in order else 0
        order.insert(at, "changes")
    return order


def _count_forced_changes(levels: list[_Level], formulation: Formulation) -> None:
    """Units on pairs the scenario no longer allows move whatever the plan: count them."""
    shift = formulation.changes_constant
    if not shift:
        return
    for lv in levels:
        if lv.summary.level == result_key("changes"):
            lv.summary = replace(lv.summary, value=_plus(lv.summary.value, shift),
                                 bound=_plus(lv.summary.bound, shift))


class _Level:
    """A level's outcome in the planner's units: ``per_unit`` converts one model unit exactly
    (dollars per money unit, persons per soft-goal unit, 1 for weighted shortfall)."""

    def __init__(self, name: str, outcome: LevelOutcome, per_unit: Fraction):
        self.values = outcome.values
        self.first_at = outcome.first_found_at
        self.best_at = outcome.best_found_at

        def report(v: float | None) -> float | None:
            # Integer model values times an exact Fraction: 1,199,999.88 stays exactly that.
            return None if v is None else float(Fraction(round(v)) * per_unit)

        self.summary = LevelResult(level=name, status=outcome.status,
                                   value=report(outcome.objective),
                                   bound=report(outcome.bound), runtime_s=outcome.runtime_s)


def _plus(value: float | None, shift: int) -> float | None:
    return None if value is None else value + shift


def _per_unit(model: LinearModel, level: str) -> Fraction:
    if level == "cost":
        return Fraction(model.money_unit_cents, CENTS_PER_USD)
    if level == "soft_goals":
        return Fraction(1, model.soft_units_per_person)
    if level == "preference":
        return model.preference_unit
    return Fraction(1)


def _time_share(deadline: float, levels_left: int, has_plan: bool) -> float:
    # Earlier levels get most of the time; later ones keep a share so a plan at every
    # level is still optimised when the first level is slow. Without any plan yet, nearly
    # all of it: a level that ends without a plan ends the solve with none (the xl family
    # found none in 60% of 120 s).
    remaining = max(deadline - time.perf_counter(), 0.0)
    if levels_left == 1:
        return remaining
    return remaining * (0.6 if has_plan else 0.9)


def _lazy_rows(solver: Backend, f: Formulation) -> list[Row]:
    """Rows this backend was built without, to add when a plan breaks one."""
    return [row for row in f.model.rows if row.lazy] if solver.lazy_rows else []


def _optimize(solver: Backend, f: Formulation, pending: list[Row], objective: dict[int, int],
              scale: float, deadline: float, share: int, hint: list[int] | None,
              start: list[int] | None = None) -> LevelOutcome:
    """Optimise with lazy rows: add every held-back row the plan violates, and re-solve.

    A plan that satisfies every row, added or not, is optimal for the full model because the
    rows left out can only remove plans. Each round adds at least one row, so it ends. If time
    runs out first, the previous level's plan (which met every row and lock) stands; on the
    first level, a soft row's slack is set to what the plan needs, and a plan breaking a hard
    row is no plan. ``start`` (a warm start) is a hint to the solver only, never a fallback.
    """
    runtime = 0.0
    slacks = f.slack_variables()
    previous = hint
    first_at: float | None = None
    while True:
        given = hint if solver.warm_start and hint is not None else start
        outcome = solver.optimize(objective, scale=scale, hint=given,
                                  time_limit_s=_time_share(deadline, share,
                                                           previous is not None))
        runtime += outcome.runtime_s
        outcome.runtime_s = runtime
        if outcome.values is None:
            return outcome
        returned = time.perf_counter()
        first_at = first_at or outcome.first_found_at or returned
        outcome.first_found_at = first_at
        outcome.best_found_at = outcome.best_found_at or returned
        broken = [row for row in pending if not row.holds(outcome.values)]
        if not broken:
            return outcome
        if time.perf_counter() >= deadline and previous is not None:
            value = sum(c * previous[v] for v, c in objective.items())
            return LevelOutcome(SolveStatus.FEASIBLE, previous, value, outcome.bound, runtime)
        if time.perf_counter() >= deadline:
            values = tighten_slacks(f.model, slacks, outcome.values)
            if any(not row.holds(values) for row in broken):
                return LevelOutcome(SolveStatus.NO_SOLUTION, None, None, None, runtime)
            value = sum(c * values[v] for v, c in objective.items())
            return LevelOutcome(SolveStatus.FEASIBLE, values, value, outcome.bound, runtime)
        solver.add_rows(broken)
        for row in broken:
            pending.remove(row)
        hint = tighten_slacks(f.model, slacks, outcome.values)


def _solve_lexicographic(solver: Backend, f: Formulation, order: list[str],
                         deadline: float, reporter: Reporter,
                         start: list[int] | None = None) -> list[_Level]:
    levels: list[_Level] = []
    hint: list[int] | None = None
    pending = _lazy_rows(solver, f)
    for k, level in enumerate(order):
        objective = f.model.objectives[level]
        per_unit = _per_unit(f.model, level)
        # Floating-point solvers see money in dollars; other levels in their own units.
        scale = float(per_unit) if level == "cost" else 1.0
        reporter.start(result_key(level), k + 1, per_unit)
        if not objective and hint is not None:
            # Nothing to optimise at this level (e.g. no soft goals): it is 0 for any plan.
            outcome = LevelOutcome(SolveStatus.OPTIMAL, hint, 0.0, 0.0, 0.0)
        else:
            outcome = _optimize(solver, f, pending, objective, scale, deadline,
                                len(order) - k, hint, start if k == 0 else None)
        if outcome.values is None and hint is not None:
            # Out of time at a later level: the earlier plan still holds every lock so far.
            value = f.model.evaluate(level, hint)
            outcome = LevelOutcome(SolveStatus.FEASIBLE, hint, value, None, outcome.runtime_s)
        reporter.finish(outcome.objective, outcome.bound)
        levels.append(_Level(result_key(level), outcome, per_unit))
        if outcome.values is None:
            break
        hint = outcome.values
        if objective:  # an empty level (no soft goals) has nothing to hold
            solver.lock(objective, f.model.evaluate(level, hint), scale=scale,
                        exact=outcome.status is SolveStatus.OPTIMAL)
    return levels


def _solve_weighted(solver: Backend, f: Formulation, order: list[str],
                    deadline: float, reporter: Reporter,
                    start: list[int] | None = None) -> list[_Level]:
    # One exact integer objective: each listed level weighs (US$ per planner unit) x (planner
    # units per model unit), an exact Fraction; over their common denominator D every weight
    # is an integer and the objective counts 1/D US dollars.
    weights = f.problem.scenario.policy.objective_weights
    usd_per_unit = {level: Fraction(getattr(weights, level)) * _per_unit(f.model, level)
                    for level in order}
    denominator = math.lcm(*(w.denominator for w in usd_per_unit.values()))
    combined: dict[int, int] = {}
    for level, weight in usd_per_unit.items():
        for var, coef in f.model.objectives[level].items():
            combined[var] = combined.get(var, 0) + int(weight * denominator) * coef
    check_objective(f.model, WEIGHTED_LEVEL, combined)
    usd = Fraction(1, denominator)
    reporter.start(WEIGHTED_LEVEL, 1, usd)
    outcome = _optimize(solver, f, _lazy_rows(solver, f), combined, float(usd), deadline, 1,
                        None, start)
    reporter.finish(outcome.objective, outcome.bound)
    return [_Level(WEIGHTED_LEVEL, outcome, usd)]


def _overall_status(levels: list[_Level]) -> SolveStatus:
    first = levels[0].summary.status
    if not first.has_plan:
        return first
    if all(lv.summary.status is SolveStatus.OPTIMAL for lv in levels):
        return SolveStatus.OPTIMAL
    return SolveStatus.FEASIBLE


def _plan_from_values(f: Formulation, values: list[int]) -> Plan:
    p = f.problem
    sc = p.scenario
    assignments = tuple(sorted(
        Assignment(sc.unit_pledges[pair.u].pledge_id, sc.requirements[pair.r].requirement_id,
                   values[f.x[i]])
        for i, pair in enumerate(p.unit_pairs) if values[f.x[i]] > 0))
    flows = tuple(sorted(
        EquipmentFlow(sc.equipment_pledges[pair.q].equipment_id,
                      sc.requirements[pair.r].requirement_id, values[f.e[i]])
        for i, pair in enumerate(p.equipment_pairs) if values[f.e[i]] > 0))
    spent = [0] * p.n_missions
    for i, pair in enumerate(p.unit_pairs):
        spent[p.pair_mission(pair)] += values[f.x[i]] * pair.cost
    for i, epair in enumerate(p.equipment_pairs):
        spent[p.pair_mission(epair)] += values[f.e[i]] * epair.cost
    deficit = [max(0, s - b) for s, b in zip(spent, p.budget, strict=True)]
    routed = route_funding(deficit, p.funding, p.funding_missions) or {}
    funding = tuple(sorted(
        FundingFlow(sc.funding_pledges[fi].funding_id, sc.missions[mi].mission_id,
                    Decimal(units * p.money_unit_cents) / CENTS_PER_USD)
        for (fi, mi), units in routed.items()))
    return Plan(assignments, flows, funding)


def _verified(scenario: Scenario, plan: Plan, f: Formulation, values: list[int],
              deployment: Deployment | None) -> VerificationReport:
    """The verifier's report; any disagreement with the model is a bug, so raise."""
    model = f.model
    report = verify_plan(scenario, plan, deployment)
    problems = list(report.violations)
    if deployment is not None:
        moved = model.evaluate("changes", values) + f.changes_constant
        if report.units_changed != moved:
            problems.append(f"units changed: model {moved}, verifier {report.units_changed}")
    if report.weighted_shortfall != model.evaluate("shortfall", values):
        problems.append(f"weighted shortfall: model {model.evaluate('shortfall', values)}, "
                        f"verifier {report.weighted_shortfall}")
    model_points = model.evaluate("preference", values) * model.preference_unit
    if report.preference_penalty != model_points:
        problems.append(f"preference penalty: model {model_points}, verifier "
                        f"{report.preference_penalty}")
    model_cents = model.evaluate("cost", values) * model.money_unit_cents
    if report.cost_usd * CENTS_PER_USD != model_cents:
        problems.append(f"cost: model {model_cents} cents, verifier {report.cost_usd} USD")
    # Slack variables may sit above the true slack once their level is locked and no longer
    # minimised; the verifier's recomputation is the exact figure and can only be lower.
    model_slack = Fraction(model.evaluate("soft_goals", values), model.soft_units_per_person)
    if report.soft_goal_slack > model_slack:
        problems.append(f"soft-goal slack: model {model_slack}, verifier "
                        f"{report.soft_goal_slack}")
    if problems:
        raise VerificationError(problems)
    return report
