"""Warm starts: the base plan as a first guess for a variant. The guess is exact for the
scenario it came from, follows the variant's pairs and bounds, and never changes the answer."""

from __future__ import annotations

from allocator import read_scenario
from allocator.insight.whatif import apply_changes
from allocator.model.formulation import build_formulation
from allocator.model.problem import compile_problem
from allocator.model.warm import values_from_plan

from ..conftest import DATASETS
from ..helpers import solved

SMALL = DATASETS / "families" / "small"


def test_the_plan_of_its_own_scenario_is_reproduced_exactly() -> None:
    sc = read_scenario(SMALL)
    base = solved(sc)
    f = build_formulation(compile_problem(sc))
    values = values_from_plan(f, base.plan)  # type: ignore[arg-type]
    # Every row holds and every objective is the plan's own: the guess is the plan itself.
    assert all(row.holds(values) for row in f.model.rows)
    assert all(f.model.vars[v].lb <= value <= f.model.vars[v].ub
               for v, value in enumerate(values))
    assert f.model.evaluate("shortfall", values) == base.objective["weighted_shortfall"]
    cost = f.model.evaluate("cost", values) * f.model.money_unit_cents / 100
    assert cost == base.objective["cost_usd"]


def test_a_variant_keeps_the_pairs_it_still_allows() -> None:
    sc = read_scenario(SMALL)
    base = solved(sc)
    used = base.plan.assignments[0]  # type: ignore[union-attr]
    variant = apply_changes(sc, [{"withdraw_pledge": used.pledge_id}])
    f = build_formulation(compile_problem(variant))
    values = values_from_plan(f, base.plan)  # type: ignore[arg-type]
    names = {f.model.vars[v].name: values[v] for v in f.x}
    kept = {a for a in base.plan.assignments if a.pledge_id != used.pledge_id}  # type: ignore[union-attr]
    assert {(a.pledge_id, a.requirement_id, a.units) for a in kept} == {
        (*name[2:-1].split(","), units) for name, units in names.items() if units}
    # The line the pledge served is short by its units in the guess.
    r = [req.requirement_id for req in variant.requirements].index(used.requirement_id)
    filled = sum(a.units for a in kept if a.requirement_id == used.requirement_id)
    assert values[f.s[r]] == variant.requirements[r].units - filled


def test_a_warm_start_never_changes_the_answer(backend: str) -> None:
    sc = read_scenario(SMALL)
    base = solved(sc, backend)
    withdrawn = base.plan.assignments[0].pledge_id  # type: ignore[union-attr]
    for changes in ([{"withdraw_pledge": withdrawn}], [{"scale_budgets": {"factor": "0.5"}}]):
        variant = apply_changes(sc, changes)
        cold = solved(variant, backend)
        warm = solved(variant, backend, warm_start=base)
        assert warm.status == cold.status
        assert warm.objective["weighted_shortfall"] == cold.objective["weighted_shortfall"]
        assert warm.objective["cost_usd"] == cold.objective["cost_usd"]
