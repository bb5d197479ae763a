"""DESIGN §4 as an integer linear model: one small function per constraint family.

Reading guide: ``x`` units of a pledge on a requirement, ``e`` equipment items on a requirement,
``s`` shortfall, ``y`` funding (money units) to a mission, ``P`` personnel in a mission, ``w`` women
below target, ``h`` a state's personnel above its share.

Soft-goal slack is exact, not rounded to whole persons: with a target or share num/den, ``w`` and
``h`` count 1/den of a person, and the soft-goal objective weighs each by L/den, L being the least
common multiple of all those denominators (``LinearModel.soft_units_per_person``). Rounding up to
whole persons per mission made later levels much harder to prove (measured on datasets/un_2025).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from fractions import Fraction

from allocator.errors import Defect, ScenarioError
from allocator.model.linear import LinearModel
from allocator.model.magnitude import check_magnitudes
from allocator.model.problem import ProblemData
from allocator.plan.deployment import Deployment


@dataclass
class Formulation:
    """The linear model of a problem and where its variables are: index lists and maps from
    pairs, requirements, funding and missions to variable indices in ``model``."""

    problem: ProblemData
    model: LinearModel = field(default_factory=LinearModel)
    x: list[int] = field(default_factory=list)  # per unit pair
    e: list[int] = field(default_factory=list)  # per equipment pair
    s: list[int] = field(default_factory=list)  # per requirement
    y: dict[tuple[int, int], int] = field(default_factory=dict)  # (funding, mission)
    personnel: dict[int, int] = field(default_factory=dict)  # mission -> P variable
    women_slack: dict[int, int] = field(default_factory=dict)  # mission -> w variable
    share_slack: dict[tuple[str, int], int] = field(default_factory=dict)  # (state, mission)
    slack_den: dict[int, int] = field(default_factory=dict)  # slack var -> 1/den person units
    changes_constant: int = 0  # current units on pairs the scenario no longer allows
    deployment_changes: dict[int, int] | None = None  # the ``changes`` level, if re-planning

    def slack_variables(self) -> set[int]:
        """The soft-goal slack variables: women below target and state shares above limit."""
        return {*self.women_slack.values(), *self.share_slack.values()}


def build_formulation(problem: ProblemData, deployment: Deployment | None = None
                      ) -> Formulation:
    """The model of ``problem``: variables, every constraint family and the objective levels;
    with ``deployment``, also its pins and bans and the ``changes`` level."""
    f = Formulation(problem)
    _variables(f)
    if deployment is not None:
        _deployment(f, deployment)
    _pledge_supply(f)
    _equipment_supply(f)
    _requirement_fill(f)
    _equipment_gaps(f)
    _budget(f)
    _funding(f)
    _ceiling(f)
    _mission_personnel(f)
    _state_share(f)
    _women_target(f)
    _objectives(f)
    check_magnitudes(f.model)
    return f


def _variables(f: Formulation) -> None:
    p, m = f.problem, f.model
    sc = p.scenario
    for pair in p.unit_pairs:
        pledge = sc.unit_pledges[pair.u]
        req = sc.requirements[pair.r]
        f.x.append(m.add_var(f"x[{pledge.pledge_id},{req.requirement_id}]", 0,
                             min(pledge.units, req.units)))
    for pair in p.equipment_pairs:
        eq = sc.equipment_pledges[pair.q]
        req = sc.requirements[pair.r]
        f.e.append(m.add_var(f"e[{eq.equipment_id},{req.requirement_id}]", 0, eq.quantity))
    for req in sc.requirements:
        f.s.append(m.add_var(f"s[{req.requirement_id}]", 0, 0 if req.mandatory else req.units))
    for fi, fund in enumerate(sc.funding_pledges):
        for mi in p.funding_missions[fi]:
            f.y[fi, mi] = m.add_var(f"y[{fund.funding_id},{sc.missions[mi].mission_id}]", 0,
                                    p.funding[fi], money=True)


def _pledge_supply(f: Formulation) -> None:
    p = f.problem
    for u, pledge in enumerate(p.scenario.unit_pledges):
        terms = [(f.x[i], 1) for i in p.pairs_of_pledge.get(u, [])]
        if pledge.must_deploy:
            f.model.add_row("must_deploy", pledge.pledge_id, terms, pledge.units, pledge.units)
        elif terms:
            f.model.add_row("pledge_supply", pledge.pledge_id, terms, None, pledge.units)


def _equipment_supply(f: Formulation) -> None:
    p = f.problem
    for q, eq in enumerate(p.scenario.equipment_pledges):
        terms = [(f.e[i], 1) for i in p.equipment_pairs_of_pledge.get(q, [])]
        if terms:
            f.model.add_row("equipment_supply", eq.equipment_id, terms, None, eq.quantity)


def _requirement_fill(f: Formulation) -> None:
    """Filled units plus shortfall equal the units asked; mandatory lines have no shortfall."""
    p = f.problem
    for r, req in enumerate(p.scenario.requirements):
        if p.requirement_is_equipment[r]:
            terms = [(f.e[i], 1) for i in p.equipment_pairs_of_requirement.get(r, [])]
        else:
            terms = [(f.x[i], 1) for i in p.pairs_of_requirement.get(r, [])]
        family = "mandatory" if req.mandatory else "requirement_fill"
        f.model.add_row(family, req.requirement_id, [*terms, (f.s[r], 1)], req.units, req.units)


def _equipment_gaps(f: Formulation) -> None:
    """Troops-only units deploy on a requirement only as far as partners' equipment covers them."""
    p = f.problem
    sc = p.scenario
    for r, req in enumerate(sc.requirements):
        if p.requirement_is_equipment[r]:
            continue
        need: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i in p.pairs_of_requirement.get(r, []):
            for item, qty in sc.unit_pledges[p.unit_pairs[i].u].equipment_gap.items():
                need[item].append((f.x[i], qty))
        if not need:
            continue
        supply: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i in p.equipment_pairs_of_requirement.get(r, []):
            supply[sc.equipment_pledges[p.equipment_pairs[i].q].item].append((f.e[i], -1))
        for item, terms in sorted(need.items()):
            f.model.add_row("equipment_gap", f"{req.requirement_id}:{item}",
                            terms + supply.get(item, []), None, 0)


def mission_cost_terms(f: Formulation) -> dict[int, list[tuple[int, int]]]:
    """Mission index -> (variable, cost in money units) of every pair serving it."""
    p = f.problem
    terms: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, pair in enumerate(p.unit_pairs):
        terms[p.pair_mission(pair)].append((f.x[i], pair.cost))
    for i, epair in enumerate(p.equipment_pairs):
        terms[p.pair_mission(epair)].append((f.e[i], epair.cost))
    return terms


def _budget(f: Formulation) -> None:
    p = f.problem
    cost = mission_cost_terms(f)
    funds: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (_, mi), var in f.y.items():
        funds[mi].append((var, -1))
    for mi, mission in enumerate(p.scenario.missions):
        if cost.get(mi):
            f.model.add_row("budget", mission.mission_id, cost[mi] + funds.get(mi, []),
                            None, p.budget[mi], money=True)


def _funding(f: Formulation) -> None:
    p = f.problem
    for fi, fund in enumerate(p.scenario.funding_pledges):
        terms = [(f.y[fi, mi], 1) for mi in p.funding_missions[fi]]
        if terms:
            f.model.add_row("funding", fund.funding_id, terms, None, p.funding[fi],
                            money=True)


def personnel_terms(f: Formulation, mi: int) -> list[tuple[int, int]]:
    """(unit variable, personnel per unit) of every unit pair in mission ``mi``."""
    p = f.problem
    pledges = p.scenario.unit_pledges
    return [(f.x[i], pledges[p.unit_pairs[i].u].personnel_per_unit)
            for i in p.pairs_of_mission.get(mi, [])]


def _ceiling(f: Formulation) -> None:
    for mi, mission in enumerate(f.problem.scenario.missions):
        if mission.personnel_ceiling is not None:
            f.model.add_row("ceiling", mission.mission_id, personnel_terms(f, mi),
                            None, mission.personnel_ceiling)


def _mission_personnel(f: Formulation) -> None:
    """P[m] = personnel deployed in m, only where a state-share limit needs it."""
    p = f.problem
    for mi, mission in enumerate(p.scenario.missions):
        if p.max_state_share[mi] is None:
            continue
        terms = personnel_terms(f, mi)
        if not terms:
            continue
        most = sum(coef * f.model.vars[v].ub for v, coef in terms)
        var = f.model.add_var(f"P[{mission.mission_id}]", 0, most)
        f.personnel[mi] = var
        f.model.add_row("mission_personnel", mission.mission_id, [*terms, (var, -1)], 0, 0)


def _state_share(f: Formulation) -> None:
    """den*S[state,m] - num*P[m] <= h: a state's personnel within its share of the mission."""
    p = f.problem
    sc = p.scenario
    for mi, mission in enumerate(sc.missions):
        share: Fraction | None = p.max_state_share[mi]
        if share is None or mi not in f.personnel:
            continue
        by_state: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i in p.pairs_of_mission.get(mi, []):
            pledge = sc.unit_pledges[p.unit_pairs[i].u]
            by_state[pledge.state].append((f.x[i], pledge.personnel_per_unit))
        num, den = share.numerator, share.denominator
        for state, terms in sorted(by_state.items()):
            most = sum(coef * f.model.vars[v].ub for v, coef in terms)
            row = [(v, den * c) for v, c in terms] + [(f.personnel[mi], -num)]
            if not p.state_share_hard:
                slack = f.model.add_var(f"h[{state},{mission.mission_id}]", 0, den * most)
                f.share_slack[state, mi] = slack
                f.slack_den[slack] = den
                row.append((slack, -1))
            # Lazy: backends with ``lazy_rows`` add them only when a plan breaks one (see
            # Backend.lazy_rows for which backends gain from that).
            f.model.add_row("state_share", f"{mission.mission_id}:{state}", row, None, 0,
                            lazy=True)


def _women_target(f: Formulation) -> None:
    """den*W[m] - num*P[m] + w[m] >= 0: women below target cost w/den persons of slack.

    Written per pair (coefficient den*women - num*personnel) rather than through P[m], so
    P[m] exists only where a state-share limit needs it.
    """
    p = f.problem
    sc = p.scenario
    for mi, mission in enumerate(sc.missions):
        target: Fraction | None = p.women_target[mi]
        pairs = p.pairs_of_mission.get(mi, [])
        if target is None or not pairs:
            continue
        num, den = target.numerator, target.denominator
        terms = []
        most = 0
        for i in pairs:
            pledge = sc.unit_pledges[p.unit_pairs[i].u]
            terms.append((f.x[i], den * pledge.women_per_unit - num * pledge.personnel_per_unit))
            most += num * pledge.personnel_per_unit * f.model.vars[f.x[i]].ub
        slack = f.model.add_var(f"w[{mission.mission_id}]", 0, most)
        f.women_slack[mi] = slack
        f.slack_den[slack] = den
        f.model.add_row("women_target", mission.mission_id, [*terms, (slack, 1)], 0, None)


def _deployment(f: Formulation, deployment: Deployment) -> None:
    """Pins and bans on pairs, and the ``changes`` level: units (and equipment items) moved
    from the deployment.

    |x - c| is x itself where nothing is deployed now (c = 0); elsewhere a variable d with
    d >= x - c and d >= c - x, which the level's minimisation brings down to |x - c|.
    """
    p, m = f.problem, f.model
    sc = p.scenario
    # Pair -> its variable: units of a unit pledge, or items of an equipment pledge.
    index = {(sc.unit_pledges[pair.u].pledge_id, sc.requirements[pair.r].requirement_id): f.x[i]
             for i, pair in enumerate(p.unit_pairs)}
    index |= {(sc.equipment_pledges[pair.q].equipment_id,
               sc.requirements[pair.r].requirement_id): f.e[i]
              for i, pair in enumerate(p.equipment_pairs)}
    for pair in sorted(deployment.forbidden):
        if pair in index:
            var = index[pair]
            m.vars[var] = replace(m.vars[var], ub=0)
    missing = [pair for pair in sorted(deployment.pinned) if pair not in index]
    if missing:
        raise ScenarioError([Defect(
            "deployment", f"pinned pair ({pledge}, {line}): the scenario's rules do not let "
            "this pledge fill this line any more (capability, readiness, deadline, language, "
            "caveat or exclusion); unpin it or change the rule", n)
            for n, (pledge, line) in enumerate(missing, start=1)])
    for pair in sorted(deployment.pinned):
        m.add_row("pinned", f"{pair[0]}>{pair[1]}", [(index[pair], 1)],
                  deployment.current[pair], None)
    changes = {var: 1 for (pair, var) in index.items() if not deployment.current.get(pair)}
    for pair, units in sorted(deployment.current.items()):
        if not units:
            continue
        if pair not in index:
            f.changes_constant += units  # the pair is gone: those units move whatever we do
            continue
        x = index[pair]
        d = m.add_var(f"d[{pair[0]},{pair[1]}]", 0, max(units, m.vars[x].ub))
        m.add_row("change", f"{pair[0]}>{pair[1]}:up", [(d, 1), (x, -1)], -units, None)
        m.add_row("change", f"{pair[0]}>{pair[1]}:down", [(d, 1), (x, 1)], units, None)
        changes[d] = 1
    f.deployment_changes = changes


def _objectives(f: Formulation) -> None:
    p = f.problem
    shortfall = {f.s[r]: p.requirement_weight[r] for r in range(len(f.s))}
    per_person = math.lcm(*f.slack_den.values()) if f.slack_den else 1
    soft = {v: per_person // den for v, den in f.slack_den.items()}
    cost: dict[int, int] = {}
    for i, pair in enumerate(p.unit_pairs):
        cost[f.x[i]] = pair.cost
    for i, epair in enumerate(p.equipment_pairs):
        cost[f.e[i]] = epair.cost
    preference = {f.x[i]: pair.penalty for i, pair in enumerate(p.unit_pairs) if pair.penalty}
    f.model.objectives = {"shortfall": shortfall, "soft_goals": soft, "preference": preference,
                          "cost": cost}
    if f.deployment_changes is not None:
        f.model.objectives["changes"] = f.deployment_changes
    f.model.money_unit_cents = p.money_unit_cents
    f.model.preference_unit = p.preference_unit
    f.model.soft_units_per_person = per_person
