"""Independent verification of a plan against its scenario.

Written apart from the model on purpose: it imports nothing from ``allocator.model`` or the
backends and recomputes every hard rule and every objective level from the scenario's rows in
exact decimal dollars. A bug in the compiler or a backend therefore shows up as a violation
here instead of being confirmed by the same code that made it.

This module only runs the rules, in a fixed order; each rule is one function in a module of
its kind: ``flows`` (well-formed flows), ``pairing`` (may a unit serve a line), ``supply``
(what a pledge offers), ``equipment``, ``lines`` (requirement lines), ``budget`` (money),
``personnel`` (ceilings, women target, state share) and ``pins`` (a re-plan's deployment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from allocator.plan.deployment import Deployment
from allocator.plan.plan import Plan
from allocator.scenario.scenario import Scenario
from allocator.verify import budget, equipment, lines, personnel, pins, supply
from allocator.verify.flows import (
    malformed_assignment,
    malformed_equipment_flow,
    malformed_funding_flow,
)
from allocator.verify.index import ScenarioIndex, index_scenario
from allocator.verify.pairing import PAIRING_RULES, broken_rules
from allocator.verify.report import VerificationReport
from allocator.verify.tally import Tally

__all__ = ["VerificationReport", "verify_plan"]

Report = Callable[[str], None]
F = TypeVar("F")


def verify_plan(scenario: Scenario, plan: Plan,
                deployment: Deployment | None = None) -> VerificationReport:
    """Check a plan against every hard rule of its scenario and recompute its objective.

    Args:
        scenario: the scenario the plan was made for; every rule is read from its rows.
        plan: the assignments, equipment flows and funding flows to check.
        deployment: a current deployment the plan re-plans from, if any; its pinned pairs
            must keep their units and its forbidden pairs get none.

    Returns:
        A ``VerificationReport``. ``violations`` lists, in words, every hard rule the plan
        breaks, in a fixed order (deployment pins and bans, assignments, unit pledges,
        equipment flows, equipment pledges, equipment gaps, requirement lines, funding flows,
        funding pledges, missions); it is empty, and ``ok`` true, when the plan is valid.
        The objective levels are recomputed exactly: ``weighted_shortfall`` (units missing,
        weighted by priority), ``soft_goal_slack`` (persons short of women targets or above
        soft state-share limits, a ``Fraction``), ``preference_penalty`` (points),
        ``cost_usd`` with ``mission_cost_usd`` per mission, ``mission_personnel`` per mission,
        and ``units_changed`` against ``deployment`` (``None`` without one). Malformed flows
        are reported and left out of every total.
    """
    report = VerificationReport()
    bad = report.violations.append
    if deployment is not None:
        report.units_changed = _check_deployment(plan, deployment, bad)
    index = index_scenario(scenario)
    tally = Tally()
    _check_assignments(index, plan, tally, bad)
    _check_unit_supply(index, tally, bad)
    _check_equipment(index, plan, tally, bad)
    report.weighted_shortfall += _check_lines(index, tally, bad)
    _check_funding(index, plan, tally, bad)
    report.soft_goal_slack += _check_missions(index, tally, bad)
    report.preference_penalty = tally.preference_penalty
    report.cost_usd = sum(tally.cost.values(), Decimal(0))
    report.mission_cost_usd = dict(tally.cost)
    report.mission_personnel = dict(tally.personnel)
    return report


def _report(bad: Report, faults: Iterable[str | None]) -> None:
    """Report each fault that is not ``None``."""
    for fault in faults:
        if fault is not None:
            bad(fault)


def _well_formed(index: ScenarioIndex, flows: Iterable[F],
                 malformed: Callable[[ScenarioIndex, F], str | None], bad: Report) -> Iterator[F]:
    """The flows that are well formed, in order; each malformed one is reported and skipped."""
    for flow in flows:
        fault = malformed(index, flow)
        if fault is None:
            yield flow
        else:
            bad(fault)


def _check_deployment(plan: Plan, deployment: Deployment, bad: Report) -> int:
    """Pins kept and bans respected; returns the units (and items) moved."""
    planned = pins.planned_pairs(plan)
    _report(bad, pins.pins_kept(deployment, planned))
    _report(bad, pins.bans_respected(deployment, planned))
    return pins.units_changed(deployment, planned)


def _check_assignments(index: ScenarioIndex, plan: Plan, tally: Tally, bad: Report) -> None:
    """Each assignment well formed and its unit allowed on its line; totals the good ones."""
    for a in _well_formed(index, plan.assignments, malformed_assignment, bad):
        u, r = index.pledges[a.pledge_id], index.requirements[a.requirement_id]
        for why in broken_rules(PAIRING_RULES, index, u, r):
            bad(f"pledge {u.pledge_id} on {r.requirement_id}: {why}")
        tally.add_units(index, u, r, a.units)


def _check_unit_supply(index: ScenarioIndex, tally: Tally, bad: Report) -> None:
    """Each unit pledge within its units, and a must-deploy pledge deployed in full."""
    for u in index.scenario.unit_pledges:
        _report(bad, (supply.pledge_within_its_units(u, tally),
                      supply.must_deploy_pledge_deploys_all(u, tally)))


def _check_equipment(index: ScenarioIndex, plan: Plan, tally: Tally, bad: Report) -> None:
    """Each equipment flow well formed and allowed, each equipment pledge within its quantity,
    and every unit's equipment gap covered."""
    for e in _well_formed(index, plan.equipment_flows, malformed_equipment_flow, bad):
        q, r = index.kit[e.equipment_id], index.requirements[e.requirement_id]
        _report(bad, broken_rules(equipment.EQUIPMENT_RULES, index, q, r))
        tally.add_items(index, q, r, e.items)
    _report(bad, (supply.equipment_within_its_quantity(q, tally)
                  for q in index.scenario.equipment_pledges))
    _report(bad, (equipment.gap_covered(line_item, need, tally)
                  for line_item, need in tally.gap_need.items()))


def _check_lines(index: ScenarioIndex, tally: Tally, bad: Report) -> int:
    """Each line neither over-filled nor, when mandatory, short; returns the weighted
    shortfall."""
    shortfall = 0
    for r in index.scenario.requirements:
        got = tally.filled.get(r.requirement_id, 0)
        _report(bad, (lines.line_not_over_filled(r, got), lines.mandatory_line_filled(r, got)))
        shortfall += lines.weighted_shortfall(index.policy, r, got)
    return shortfall


def _check_funding(index: ScenarioIndex, plan: Plan, tally: Tally, bad: Report) -> None:
    """Each funding flow well formed and within its earmark, each pledge within its amount."""
    for flow in _well_formed(index, plan.funding_flows, malformed_funding_flow, bad):
        f = index.funds[flow.funding_id]
        _report(bad, (budget.funding_respects_earmark(f, flow),))
        tally.add_funding(f, flow)
    _report(bad, (supply.funding_within_its_amount(f, tally)
                  for f in index.scenario.funding_pledges))


def _check_missions(index: ScenarioIndex, tally: Tally, bad: Report) -> Fraction:
    """Each mission within budget, ceiling and (hard) state share; returns the soft-goal slack
    of the women targets and soft state-share limits."""
    slack = Fraction(0)
    for m in index.scenario.missions:
        _report(bad, (budget.mission_within_budget(m, tally),
                      personnel.mission_within_ceiling(m, tally)))
        slack += personnel.women_target_shortfall(index.policy, m, tally)
        _report(bad, personnel.state_share_within_limit(index.policy, m, tally))
        slack += personnel.state_share_slack(index.policy, m, tally)
    return slack
