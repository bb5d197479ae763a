"""A re-plan against a current deployment: pinned pairs keep their units, forbidden pairs get
none, and the units moved are counted."""

from __future__ import annotations

from collections import defaultdict

from allocator.plan.deployment import Deployment
from allocator.plan.plan import Plan

Pair = tuple[str, str]  # (pledge_id or equipment_id, requirement_id)


def planned_pairs(plan: Plan) -> dict[Pair, int]:
    """Units (items, for equipment) the plan puts on each (pledge, line) pair."""
    planned: dict[Pair, int] = defaultdict(int)
    for a in plan.assignments:
        planned[a.pledge_id, a.requirement_id] += a.units
    for e in plan.equipment_flows:  # equipment items count like units
        planned[e.equipment_id, e.requirement_id] += e.items
    return planned


def pins_kept(deployment: Deployment, planned: dict[Pair, int]) -> list[str]:
    """A pinned pair keeps at least the units it has deployed now."""
    return [f"pinned {pair[0]} on {pair[1]}: {planned.get(pair, 0)} "
            f"units, {deployment.current.get(pair, 0)} deployed now"
            for pair in sorted(deployment.pinned)
            if planned.get(pair, 0) < deployment.current.get(pair, 0)]


def bans_respected(deployment: Deployment, planned: dict[Pair, int]) -> list[str]:
    """A forbidden pair gets no units."""
    return [f"forbidden {pair[0]} on {pair[1]} has {planned[pair]} units"
            for pair in sorted(deployment.forbidden) if planned.get(pair, 0)]


def units_changed(deployment: Deployment, planned: dict[Pair, int]) -> int:
    """Units and items added to or taken from pairs, against the current deployment."""
    pairs = set(planned) | set(deployment.current)
    return sum(abs(planned.get(p, 0) - deployment.current.get(p, 0)) for p in pairs)
