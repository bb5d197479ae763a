"""The model's figures within what every solver computes exactly, checked before any sees it.

Each cell is bounded by the data contract (``allocator.scenario.schema.bounds``), but a rule
sums many of them: a mission's budget row adds every compatible pledge's cost over the period
in money units, an objective adds every pair. CP-SAT works in 64-bit integers and rejects a
model whose sums might overflow (it would answer "invalid"); this check finds such a sum
first and names the rule, so the planner hears which figures to look at, not a solver code.
"""

from __future__ import annotations

from collections.abc import Iterable

from allocator.errors import Defect, ScenarioError
from allocator.model.linear import LinearModel

LIMIT = 2**62
"""The largest activity a row or an objective may reach: half of the 64-bit range, so that a
solver adding a bound or a lock to it stays inside."""

_FIGURES = {
    "budget": ("missions", "budget_usd, and the monthly costs, transport costs and units of "
                           "the pledges it may receive"),
    "funding": ("funding_pledges", "amount_usd"),
    "ceiling": ("missions", "personnel_ceiling and the pledges' personnel_per_unit"),
    "mission_personnel": ("missions", "the pledges' personnel_per_unit and units"),
    "state_share": ("missions", "max_state_share and the pledges' personnel_per_unit"),
    "women_target": ("missions", "women_target and the pledges' personnel and women per unit"),
}


def check_magnitudes(model: LinearModel) -> None:
    """Raise ``ScenarioError`` naming the variables, rules and objective levels of ``model``
    whose values or sums could pass ``LIMIT``."""
    _check(model, model.objectives.items(), rows=True)


def check_objective(model: LinearModel, level: str, terms: dict[int, int]) -> None:
    """The same for an objective built outside the model (the weighted sum of levels)."""
    _check(model, [(level, terms)], rows=False)


def _check(model: LinearModel, objectives: Iterable[tuple[str, dict[int, int]]], *,
           rows: bool) -> None:
    reach = [max(abs(v.lb), abs(v.ub)) for v in model.vars]
    problems: list[Defect] = []
    if rows:
        problems = [Defect(table="scenario", message=f"variable {var.name} may reach "
                           f"{most:.3g}, beyond the {LIMIT:.3g} a solver computes exactly; "
                           f"{_advice()}")
                    for var, most in zip(model.vars, reach, strict=True) if most > LIMIT][:10]
    for row in model.rows if rows else ():
        activity = sum(abs(c) * reach[v] for v, c in row.terms)
        if activity > LIMIT or max(abs(row.lb or 0), abs(row.ub or 0)) > LIMIT:
            table, figures = _FIGURES.get(row.family, ("scenario", "the figures it sums"))
            problems.append(Defect(table=table, message=(
                f"the {row.family} rule of {row.label} sums to as much as {activity:.3g} "
                f"(in the model's units), beyond the {LIMIT:.3g} a solver computes exactly; "
                f"check {figures}: {_advice()}")))
        if len(problems) >= 10:
            break
    for level, terms in objectives:
        activity = sum(abs(c) * reach[v] for v, c in terms.items())
        if activity > LIMIT:
            problems.append(Defect(table="policy", column="objective", message=(
                f"the {level} objective sums to as much as {activity:.3g} (in the model's "
                f"units), beyond the {LIMIT:.3g} a solver computes exactly; {_advice()}"
                + (" (in the weighted objective, lower objective_weights also help)"
                   if level == "weighted" else ""))))
    if problems:
        raise ScenarioError(problems)


def _advice() -> str:
    return ("a figure is probably many times too large (a slipped digit, or cents typed as "
            "dollars); correct it, or split the scenario")
