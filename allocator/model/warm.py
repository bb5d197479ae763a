"""A warm start: a known plan (usually the base scenario's) as values of a model's variables.

What-if variants differ from their base in a few pledges, budgets or lines, so the base plan
is a good first guess: its pairs that the variant still allows keep their units (up to the
variant's bounds), shortfalls and personnel follow from them, and soft-goal slacks are set to
what that plan needs. The guess may break a rule of the variant (a cut budget, say); solvers
treat it as a hint to repair or drop, never as a plan, so ``solve`` does not return it.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from allocator.model.formulation import Formulation
from allocator.model.linear import LinearModel, tighten_slacks
from allocator.plan.plan import Plan


def _clip(model: LinearModel, var: int, value: int) -> int:
    return max(model.vars[var].lb, min(model.vars[var].ub, value))


def values_from_plan(f: Formulation, plan: Plan) -> list[int]:
    """Every variable's value under ``plan``, as far as the model's pairs allow."""
    p, model = f.problem, f.model
    sc = p.scenario
    values = [v.lb for v in model.vars]
    units = {(a.pledge_id, a.requirement_id): a.units for a in plan.assignments}
    for i, pair in enumerate(p.unit_pairs):
        key = (sc.unit_pledges[pair.u].pledge_id, sc.requirements[pair.r].requirement_id)
        values[f.x[i]] = _clip(model, f.x[i], units.get(key, 0))
    items = {(e.equipment_id, e.requirement_id): e.items for e in plan.equipment_flows}
    for i, epair in enumerate(p.equipment_pairs):
        key = (sc.equipment_pledges[epair.q].equipment_id,
               sc.requirements[epair.r].requirement_id)
        values[f.e[i]] = _clip(model, f.e[i], items.get(key, 0))
    filled: Counter[int] = Counter()
    for r in range(len(sc.requirements)):
        if p.requirement_is_equipment[r]:
            filled[r] = sum(values[f.e[i]] for i in p.equipment_pairs_of_requirement.get(r, []))
        else:
            filled[r] = sum(values[f.x[i]] for i in p.pairs_of_requirement.get(r, []))
    for r, req in enumerate(sc.requirements):
        values[f.s[r]] = _clip(model, f.s[r], req.units - filled[r])
    cents = Decimal(p.money_unit_cents) / 100
    paid = {(g.funding_id, g.mission_id): g.amount_usd for g in plan.funding_flows}
    for (fi, mi), var in f.y.items():
        key = (sc.funding_pledges[fi].funding_id, sc.missions[mi].mission_id)
        values[var] = _clip(model, var, int(paid.get(key, Decimal(0)) / cents))
    pledges = sc.unit_pledges
    for mi, var in f.personnel.items():
        values[var] = _clip(model, var, sum(
            pledges[p.unit_pairs[i].u].personnel_per_unit * values[f.x[i]]
            for i in p.pairs_of_mission.get(mi, [])))
    return tighten_slacks(model, f.slack_variables(), values)
