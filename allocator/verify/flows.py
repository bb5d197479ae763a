"""Each flow of the plan is well formed: it names rows that exist and moves a positive amount.

A malformed flow is reported once and left out of every total, so the other rules do not
report it again in other words.
"""

from __future__ import annotations

from allocator.plan.plan import Assignment, EquipmentFlow, FundingFlow
from allocator.verify.index import ScenarioIndex


def assignment_names_known_rows(index: ScenarioIndex, a: Assignment) -> str | None:
    """An assignment names a unit pledge and a requirement line that the scenario has."""
    if a.pledge_id not in index.pledges or a.requirement_id not in index.requirements:
        return (f"assignment {a.pledge_id}->{a.requirement_id} names an unknown pledge or "
                "requirement")
    return None


def assignment_sends_units(a: Assignment) -> str | None:
    """An assignment deploys at least one unit."""
    if a.units <= 0:
        return f"assignment {a.pledge_id}->{a.requirement_id} has {a.units} units"
    return None


def malformed_assignment(index: ScenarioIndex, a: Assignment) -> str | None:
    """What makes the assignment malformed (the first rule it breaks), or ``None``."""
    return assignment_names_known_rows(index, a) or assignment_sends_units(a)


def malformed_equipment_flow(index: ScenarioIndex, e: EquipmentFlow) -> str | None:
    """An equipment flow names an equipment pledge and a line that exist, and sends items."""
    if e.equipment_id not in index.kit or e.requirement_id not in index.requirements \
            or e.items <= 0:
        return (f"equipment flow {e.equipment_id}->{e.requirement_id} ({e.items} items) is "
                "not a valid flow")
    return None


def malformed_funding_flow(index: ScenarioIndex, flow: FundingFlow) -> str | None:
    """A funding flow names a funding pledge and a mission that exist, and pays no less than 0."""
    if flow.funding_id not in index.funds or flow.mission_id not in index.missions \
            or flow.amount_usd < 0:
        return f"funding flow {flow.funding_id}->{flow.mission_id} is not valid"
    return None
