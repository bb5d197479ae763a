"""Comparing solved scenarios: each variant's headline figures and deltas against the base,
read only from the results' own tables, and the assignments that moved."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from allocator.backends import DEFAULT_BACKEND
from allocator.errors import Defect, ScenarioError
from allocator.insight.whatif.changes import Change, apply_changes
from allocator.plan.deployment import Deployment
from allocator.result.html import comparison_html
from allocator.result.result import AllocationResult
from allocator.scenario.scenario import Scenario
from allocator.solve import solve

Variant = Sequence[Change] | Scenario | AllocationResult
"""A change list, a scenario, or an already solved result."""

PRIORITIES = (1, 2, 3, 4, 5)
"""Priorities that always get a column in ``compare`` (others get one when they occur)."""


def _pairs(result: AllocationResult) -> dict[tuple[str, str, str], int]:
    """(kind, pledge, requirement) -> units or items; a result without a plan assigns none."""
    plan = result.plan
    if plan is None:
        return {}
    pairs = {("unit", a.pledge_id, a.requirement_id): a.units for a in plan.assignments}
    pairs.update({("equipment", e.equipment_id, e.requirement_id): e.items
                  for e in plan.equipment_flows})
    return pairs


def assignment_changes(base: AllocationResult, variant: AllocationResult) -> pd.DataFrame:
    """Every (pledge, requirement) pair, unit or equipment, whose units differ between plans."""
    before, after = _pairs(base), _pairs(variant)
    missions = {r.requirement_id: r.mission_id
                for sc in (base.scenario, variant.scenario) for r in sc.requirements}
    rows = [{"kind": kind, "pledge_id": pid, "requirement_id": rid,
             "mission_id": missions.get(rid), "before": before.get(key, 0),
             "after": after.get(key, 0), "change": after.get(key, 0) - before.get(key, 0)}
            for key in sorted(before.keys() | after.keys(), key=lambda k: (k[1], k[2], k[0]))
            for kind, pid, rid in [key] if before.get(key, 0) != after.get(key, 0)]
    return pd.DataFrame(rows, columns=["kind", "pledge_id", "requirement_id", "mission_id",
                                       "before", "after", "change"])


def _priorities(results: Iterable[AllocationResult]) -> list[int]:
    seen = {r.priority for res in results for r in res.scenario.requirements}
    return sorted(seen | set(PRIORITIES))


def figures(result: AllocationResult, priorities: Sequence[int] = PRIORITIES) -> dict[str, Any]:
    """One result's headline figures, read from its own tables (None where there is no plan)."""
    req, assigned = result.requirements, result.assignments
    has_plan = result.plan is not None
    row: dict[str, Any] = {"status": result.status.value}
    row["weighted_shortfall"] = result.objective["weighted_shortfall"]
    row["soft_goal_slack"] = result.objective["soft_goal_slack"]
    for p in priorities:
        lines = req[req.priority == p]
        row[f"filled_p{p}"] = int(lines.filled.sum()) if has_plan else None
        row[f"asked_p{p}"] = int(lines.units.sum())
    asked = int(req.units.sum())
    row["units_filled"] = int(req.filled.sum()) if has_plan else None
    row["units_asked"] = asked
    row["coverage"] = (row["units_filled"] / asked if asked else 1.0) if has_plan else None
    row["cost_usd"] = result.objective["cost_usd"]
    people = int(assigned.personnel.sum())
    row["women_share"] = (int(assigned.women.sum()) / people if people else 0.0) \
        if has_plan else None
    # Contributors are troop/police contributors, as in the missions table.
    row["contributors"] = int(assigned.state.nunique()) if has_plan else None
    return row


DELTA_COLUMNS = ("weighted_shortfall", "soft_goal_slack", "units_filled", "units_asked",
                 "coverage", "cost_usd", "women_share", "contributors")


def _solved(scenario: Scenario, backend: str, time_limit: float | None,
            deployment: Deployment | None = None,
            warm_start: AllocationResult | None = None) -> AllocationResult:
    return solve(scenario, backend=backend, time_limit=time_limit, deployment=deployment,
                 warm_start=warm_start)


def compare(base: Scenario | AllocationResult, variants: Mapping[str, Variant], *,
            backend: str = DEFAULT_BACKEND, time_limit: float | None = None,
            results: dict[str, AllocationResult] | None = None,
            minimise_changes: bool = False, warm_start: bool = True,
            progress: Callable[[int, int], None] | None = None) -> Comparison:
    """Solve the base and each variant; one row each (base first) with figures and deltas, as a
    ``Comparison`` (a DataFrame that renders as the service's page in a notebook).

    A variant is a change list (applied to the base scenario), a Scenario, or an already
    solved AllocationResult (used as is, as may ``base``). Every change list is applied before
    anything is solved, so bad changes fail fast, all of them in one ScenarioError. Pass a dict
    as ``results`` to get the solved results back by name (``"base"`` for the base), e.g. for
    ``assignment_changes``. Deltas are variant minus base; ``assignments_changed`` counts the
    (pledge, requirement) pairs whose units differ. Figures are None where there is no plan.

    ``minimise_changes``: re-plan each variant from the base plan (``allocator.plan.deployment``):
    after filling as much as it can, a variant moves the fewest units, and only then optimises
    soft goals and cost. Without it, equally good plans may differ from the base in units that
    merely moved, which ``assignments_changed`` counts too.

    ``warm_start``: give each variant's solver the base plan as a first guess (see
    ``allocator.model.warm``); it never changes the answer. On datasets/un_2025 it made CBC's
    first level 2.2 times as fast (0.9 s to 0.4 s) and left CP-SAT's unchanged; whole solves
    varied either way with later levels (README, what-if).

    ``progress(done, total)`` is called as each of the 1 + len(variants) solves ends.
    """
    scenarios = _variant_scenarios(base, variants)
    solved = _solve_all(base, scenarios, backend=backend, time_limit=time_limit,
                        minimise_changes=minimise_changes, warm_start=warm_start,
                        progress=progress)
    if results is not None:
        results.update(solved)
    return _comparison(solved)


def _variant_scenarios(base: Scenario | AllocationResult, variants: Mapping[str, Variant]
                       ) -> dict[str, Scenario | AllocationResult]:
    """Every variant as a scenario (or a given result); all bad changes in one ScenarioError."""
    base_scenario = base.scenario if isinstance(base, AllocationResult) else base
    scenarios: dict[str, Scenario | AllocationResult] = {}
    problems: list[Defect] = []
    for name, variant in variants.items():
        if name == "base":
            raise ValueError("'base' names the base scenario; give the variant another name")
        if isinstance(variant, Scenario | AllocationResult):
            scenarios[name] = variant
            continue
        try:
            scenarios[name] = apply_changes(base_scenario, variant, source=name)
        except ScenarioError as err:
            problems += err.problems
    if problems:
        raise ScenarioError(problems)
    return scenarios


def _solve_all(base: Scenario | AllocationResult,
               scenarios: Mapping[str, Scenario | AllocationResult], *, backend: str,
               time_limit: float | None, minimise_changes: bool, warm_start: bool,
               progress: Callable[[int, int], None] | None) -> dict[str, AllocationResult]:
    """The base and each variant solved (given results used as they are), base first."""
    total = 1 + len(scenarios)
    solved = {"base": base if isinstance(base, AllocationResult)
              else _solved(base, backend, time_limit)}
    if progress is not None:
        progress(1, total)
    current = None
    if minimise_changes and solved["base"].plan is not None:
        current = Deployment.from_plan(solved["base"].plan)
    for name, item in scenarios.items():
        solved[name] = item if isinstance(item, AllocationResult) \
            else _solved(item, backend, time_limit, current,
                         solved["base"] if warm_start else None)
        if progress is not None:
            progress(len(solved), total)
    return solved


class Comparison(pd.DataFrame):
    """``compare()``'s table: a DataFrame in every way, shown in a notebook as the service's
    page shows it: a row per measure in words, a column per variant and its change."""

    @property
    def _constructor(self) -> type[Comparison]:
        # pandas' subclassing hook: operations on a Comparison give a Comparison.
        return Comparison

    def _repr_html_(self) -> str | None:
        if "variant" not in self.columns:  # reshaped (indexed, a few columns): pandas' view
            return pd.DataFrame(self)._repr_html_()  # type: ignore[operator]
        return comparison_html(pd.DataFrame(self))


def _comparison(solved: Mapping[str, AllocationResult]) -> Comparison:
    """One row per solved scenario with its figures and its deltas against the base."""
    priorities = _priorities(solved.values())
    first = figures(solved["base"], priorities)
    rows = []
    for name, result in solved.items():
        row = {"variant": name, "backend": result.backend, **figures(result, priorities)}
        both = result.plan is not None and solved["base"].plan is not None
        for column in [*(f"filled_p{p}" for p in priorities), *DELTA_COLUMNS]:
            row[f"d_{column}"] = (row[column] - first[column]) \
                if both and row[column] is not None and first[column] is not None else None
        row["assignments_changed"] = len(assignment_changes(solved["base"], result)) \
            if both else None
        rows.append(row)
    table = pd.DataFrame(rows)
    # Counts stay integers even where a variant has no plan (pandas' nullable Int64).
    counts = [c for c in table.columns if c.removeprefix("d_").startswith(
        ("filled_p", "asked_p", "units_", "contributors")) or c == "assignments_changed"]
    return Comparison(table.astype({c: "Int64" for c in counts}))
