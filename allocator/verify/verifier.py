"""Independent verification of a plan against its scenario.

Written apart from the model on purpose: it imports nothing from ``allocator.model`` or the
backends and recomputes every hard rule and every objective level from the scenario's rows in
exact decimal dollars. A bug in the compiler or a backend therefore shows up as a violation
here instead of being confirmed by the same code that made it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from allocator.plan.deployment import Deployment
from allocator.plan.plan import Plan
from allocator.scenario.catalogue import STANDARD_CAPABILITIES
from allocator.scenario.scenario import Scenario

_READINESS_RANK = {"L1": 1, "L2": 2, "L3": 3, "RDL": 4}


@dataclass
class VerificationReport:
    """Violations (empty when the plan is valid) and the objective recomputed from the plan."""

    violations: list[str] = field(default_factory=list)
    weighted_shortfall: int = 0
    soft_goal_slack: Fraction = Fraction(0)  # persons, exact
    cost_usd: Decimal = Decimal(0)
    preference_penalty: Decimal = Decimal(0)  # points
    mission_cost_usd: dict[str, Decimal] = field(default_factory=dict)
    mission_personnel: dict[str, int] = field(default_factory=dict)
    units_changed: int | None = None  # against a current deployment, when one is given

    @property
    def ok(self) -> bool:
        return not self.violations


def _check_deployment(plan: Plan, deployment: Deployment, report: VerificationReport) -> None:
    """Pins kept, bans respected, and the units (and items) moved from the deployment."""
    planned: dict[tuple[str, str], int] = defaultdict(int)
    for a in plan.assignments:
        planned[a.pledge_id, a.requirement_id] += a.units
    for e in plan.equipment_flows:  # equipment items count like units
        planned[e.equipment_id, e.requirement_id] += e.items
    for pair in sorted(deployment.pinned):
        if planned.get(pair, 0) < deployment.current.get(pair, 0):
            report.violations.append(f"pinned {pair[0]} on {pair[1]}: {planned.get(pair, 0)} "
                                     f"units, {deployment.current.get(pair, 0)} deployed now")
    for pair in sorted(deployment.forbidden):
        if planned.get(pair, 0):
            report.violations.append(f"forbidden {pair[0]} on {pair[1]} has {planned[pair]} "
                                     "units")
    pairs = set(planned) | set(deployment.current)
    report.units_changed = sum(abs(planned.get(p, 0) - deployment.current.get(p, 0))
                               for p in pairs)


def _share(value: float) -> Fraction:
    return Fraction(str(value))


def verify_plan(scenario: Scenario, plan: Plan,
                deployment: Deployment | None = None) -> VerificationReport:
    report = VerificationReport()
    bad = report.violations.append
    if deployment is not None:
        _check_deployment(plan, deployment, report)
    policy = scenario.policy
    missions = {m.mission_id: m for m in scenario.missions}
    reqs = {r.requirement_id: r for r in scenario.requirements}
    pledges = {u.pledge_id: u for u in scenario.unit_pledges}
    kit = {q.equipment_id: q for q in scenario.equipment_pledges}
    funds = {f.funding_id: f for f in scenario.funding_pledges}
    languages_of_state = {s.code: set(s.languages) for s in scenario.member_states}
    catalogue = scenario.capabilities or list(STANDARD_CAPABILITIES)
    item_names = {c.capability for c in catalogue if c.kind == "equipment"}
    item_names |= {q.item for q in scenario.equipment_pledges}
    for u in scenario.unit_pledges:
        item_names |= set(u.equipment_gap)
    may_fill = {c.capability: set(c.substitutes) for c in catalogue}
    transport_state = {(t.state, t.mission_id): t.cost_usd_per_unit
                       for t in scenario.transport_costs if t.state}
    transport_pledge = {(t.pledge_id, t.mission_id): t.cost_usd_per_unit
                        for t in scenario.transport_costs if t.pledge_id}

    points_state = {(t.state, t.mission_id): t.penalty_per_unit
                    for t in scenario.preferences if t.state}
    points_pledge = {(t.pledge_id, t.mission_id): t.penalty_per_unit
                     for t in scenario.preferences if t.pledge_id}

    barred_states = {m.mission_id: set(m.excluded_states) | ({m.host_state} if m.host_state
                                                               else set())
                     for m in scenario.missions}

    def barred(mission_id: str) -> set[str]:
        return barred_states[mission_id]

    def unit_rules_broken(u, r) -> list[str]:
        broken = []
        mission_id = r.mission_id
        if r.capability in item_names:
            broken.append(f"requirement asks for equipment item {r.capability}, not units")
        if u.capability != r.capability and u.capability not in may_fill.get(r.capability, ()):
            broken.append(f"capability {u.capability} cannot fill {r.capability}")
        needed = (r.min_readiness or policy.min_readiness).value
        if _READINESS_RANK[u.readiness.value] < _READINESS_RANK[needed]:
            broken.append(f"readiness {u.readiness.value} below {needed}")
        days = u.deploy_days if u.deploy_days is not None else \
            policy.deploy_days_by_readiness[u.readiness]
        if r.deadline_days is not None and days > r.deadline_days:
            broken.append(f"deploys in {days} days, deadline {r.deadline_days}")
        spoken = set(u.languages) or languages_of_state.get(u.state, set())
        if r.language and r.language not in spoken:
            broken.append(f"does not work in {r.language}")
        if u.state in barred(mission_id):
            broken.append(f"{u.state} is excluded from {mission_id}")
        if u.allowed_missions and mission_id not in u.allowed_missions:
            broken.append(f"caveat allows only {', '.join(u.allowed_missions)}")
        if mission_id in u.excluded_missions:
            broken.append(f"caveat excludes {mission_id}")
        return broken

    pledges_by_capability: dict[str, list] = defaultdict(list)
    for u in scenario.unit_pledges:
        pledges_by_capability[u.capability].append(u)
    gap_items: dict[str, set[str]] = {}

    def gap_items_of(r) -> set[str]:
        """Equipment items that some pledge allowed on r lacks (computed once per r)."""
        if r.requirement_id not in gap_items:
            fillers = {r.capability, *may_fill.get(r.capability, ())}
            gap_items[r.requirement_id] = {
                item for cap in fillers for p in pledges_by_capability.get(cap, [])
                if p.equipment_gap and not unit_rules_broken(p, r) for item in p.equipment_gap}
        return gap_items[r.requirement_id]

    used_units: dict[str, int] = defaultdict(int)
    filled: dict[str, int] = defaultdict(int)
    gap_need: dict[tuple[str, str], int] = defaultdict(int)
    cost: dict[str, Decimal] = defaultdict(Decimal)
    personnel: dict[str, int] = defaultdict(int)
    women: dict[str, int] = defaultdict(int)
    by_state: dict[tuple[str, str], int] = defaultdict(int)
    months = policy.period_months
    for a in plan.assignments:
        u, r = pledges.get(a.pledge_id), reqs.get(a.requirement_id)
        if u is None or r is None:
            bad(f"assignment {a.pledge_id}->{a.requirement_id} names an unknown pledge or "
                "requirement")
            continue
        if a.units <= 0:
            bad(f"assignment {a.pledge_id}->{a.requirement_id} has {a.units} units")
            continue
        for why in unit_rules_broken(u, r):
            bad(f"pledge {u.pledge_id} on {r.requirement_id}: {why}")
        used_units[u.pledge_id] += a.units
        filled[r.requirement_id] += a.units
        for item, qty in u.equipment_gap.items():
            gap_need[r.requirement_id, item] += qty * a.units
        monthly = u.monthly_cost_usd if u.monthly_cost_usd is not None else \
            u.personnel_per_unit * policy.reimbursement_rate_usd + u.equipment_monthly_cost_usd
        move = transport_pledge.get((u.pledge_id, r.mission_id),
                                    transport_state.get((u.state, r.mission_id), Decimal(0)))
        cost[r.mission_id] += a.units * (months * monthly + move)
        report.preference_penalty += a.units * points_pledge.get(
            (u.pledge_id, r.mission_id), points_state.get((u.state, r.mission_id), Decimal(0)))
        personnel[r.mission_id] += a.units * u.personnel_per_unit
        women[r.mission_id] += a.units * u.women_per_unit
        by_state[r.mission_id, u.state] += a.units * u.personnel_per_unit

    for u in scenario.unit_pledges:
        n = used_units.get(u.pledge_id, 0)
        if n > u.units:
            bad(f"pledge {u.pledge_id} deploys {n} units but offers {u.units}")
        if u.must_deploy and n != u.units:
            bad(f"pledge {u.pledge_id} must deploy all {u.units} units, deploys {n}")

    used_items: dict[str, int] = defaultdict(int)
    supplied: dict[tuple[str, str], int] = defaultdict(int)
    for e in plan.equipment_flows:
        q, r = kit.get(e.equipment_id), reqs.get(e.requirement_id)
        if q is None or r is None or e.items <= 0:
            bad(f"equipment flow {e.equipment_id}->{e.requirement_id} ({e.items} items) is "
                "not a valid flow")
            continue
        serves_gap = q.item in gap_items_of(r)
        if q.item != r.capability and not serves_gap:
            bad(f"equipment {q.equipment_id} ({q.item}) is neither asked by {r.requirement_id} "
                "nor a gap of a pledge that may serve it")
        if r.deadline_days is not None and q.available_days > r.deadline_days:
            bad(f"equipment {q.equipment_id} available in {q.available_days} days, "
                f"deadline of {r.requirement_id} is {r.deadline_days}")
        if q.allowed_missions and r.mission_id not in q.allowed_missions:
            bad(f"equipment {q.equipment_id} is not allowed in {r.mission_id}")
        if q.state in barred(r.mission_id):
            bad(f"equipment {q.equipment_id}: {q.state} is excluded from {r.mission_id}")
        used_items[q.equipment_id] += e.items
        if q.item == r.capability:
            filled[r.requirement_id] += e.items
        else:
            supplied[r.requirement_id, q.item] += e.items
        cost[r.mission_id] += e.items * months * q.monthly_cost_usd
    for q in scenario.equipment_pledges:
        if used_items.get(q.equipment_id, 0) > q.quantity:
            bad(f"equipment {q.equipment_id} sends {used_items[q.equipment_id]} items, "
                f"offers {q.quantity}")
    for (rid, item), need in gap_need.items():
        if supplied.get((rid, item), 0) < need:
            bad(f"requirement {rid}: units need {need} {item}, partners supply "
                f"{supplied.get((rid, item), 0)}")

    for r in scenario.requirements:
        got = filled.get(r.requirement_id, 0)
        if got > r.units:
            bad(f"requirement {r.requirement_id} gets {got} units, asks {r.units}")
        if r.mandatory and got < r.units:
            bad(f"mandatory requirement {r.requirement_id} gets {got} of {r.units} units")
        report.weighted_shortfall += policy.priority_weights[r.priority] * max(0, r.units - got)

    paid: dict[str, Decimal] = defaultdict(Decimal)
    given: dict[str, Decimal] = defaultdict(Decimal)
    for flow in plan.funding_flows:
        f = funds.get(flow.funding_id)
        if f is None or flow.mission_id not in missions or flow.amount_usd < 0:
            bad(f"funding flow {flow.funding_id}->{flow.mission_id} is not valid")
            continue
        if f.earmarked_missions and flow.mission_id not in f.earmarked_missions:
            bad(f"funding {f.funding_id} is earmarked for {', '.join(f.earmarked_missions)}, "
                f"not {flow.mission_id}")
        paid[flow.mission_id] += flow.amount_usd
        given[f.funding_id] += flow.amount_usd
    for f in scenario.funding_pledges:
        if given.get(f.funding_id, Decimal(0)) > f.amount_usd:
            bad(f"funding {f.funding_id} pays {given[f.funding_id]}, pledged {f.amount_usd}")

    for m in scenario.missions:
        mid = m.mission_id
        if cost.get(mid, Decimal(0)) > m.budget_usd + paid.get(mid, Decimal(0)):
            bad(f"mission {mid} costs {cost[mid]} USD, budget {m.budget_usd} + funding "
                f"{paid.get(mid, Decimal(0))}")
        total = personnel.get(mid, 0)
        if m.personnel_ceiling is not None and total > m.personnel_ceiling:
            bad(f"mission {mid} deploys {total} personnel, ceiling {m.personnel_ceiling}")
        target = m.women_target if m.women_target is not None else policy.women_target
        if target is not None:
            report.soft_goal_slack += max(Fraction(0), _share(target) * total - women[mid])
        share = m.max_state_share if m.max_state_share is not None else policy.max_state_share
        if share is not None:
            for (mission_id, state), count in by_state.items():
                if mission_id != mid:
                    continue
                excess = count - _share(share) * total
                if excess > 0 and policy.state_share_hard:
                    bad(f"{state} provides {count} of {total} personnel in {mid}, above the "
                        f"{share:.0%} share limit")
                elif excess > 0:
                    report.soft_goal_slack += excess

    report.cost_usd = sum(cost.values(), Decimal(0))
    report.mission_cost_usd = dict(cost)
    report.mission_personnel = dict(personnel)
    return report
