"""Whether a unit pledge may serve a requirement line at all: one function per rule.

Each rule returns what is wrong with the pairing in a few words, or ``None`` when the pairing
keeps it. ``broken_rules(PAIRING_RULES, ...)`` runs them all, in a fixed order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from allocator.scenario.schema import Requirement, UnitPledge
from allocator.verify.index import ScenarioIndex

Row = TypeVar("Row")

_READINESS_RANK = {"L1": 1, "L2": 2, "L3": 3, "RDL": 4}

PairingRule = Callable[[ScenarioIndex, UnitPledge, Requirement], str | None]


def line_asks_for_units(index: ScenarioIndex, u: UnitPledge, r: Requirement) -> str | None:
    """A line that asks for an equipment item is filled by equipment, never by units."""
    if r.capability in index.item_names:
        return f"requirement asks for equipment item {r.capability}, not units"
    return None


def capability_fits(index: ScenarioIndex, u: UnitPledge, r: Requirement) -> str | None:
    """A unit fills a line of its own capability, or of a capability it is a substitute for."""
    if u.capability != r.capability and u.capability not in index.may_fill.get(r.capability, ()):
        return f"capability {u.capability} cannot fill {r.capability}"
    return None


def ready_enough(index: ScenarioIndex, u: UnitPledge, r: Requirement) -> str | None:
    """A unit is at least as ready as the line asks (the policy's minimum when it asks none)."""
    needed = (r.min_readiness or index.policy.min_readiness).value
    if _READINESS_RANK[u.readiness.value] < _READINESS_RANK[needed]:
        return f"readiness {u.readiness.value} below {needed}"
    return None


def arrives_in_time(index: ScenarioIndex, u: UnitPledge, r: Requirement) -> str | None:
    """A unit deploys within the line's deadline, when the line has one."""
    days = index.deploy_days(u)
    if r.deadline_days is not None and days > r.deadline_days:
        return f"deploys in {days} days, deadline {r.deadline_days}"
    return None


def works_in_the_language(index: ScenarioIndex, u: UnitPledge, r: Requirement) -> str | None:
    """A unit works in the line's language, when the line names one (its state's, by default)."""
    if r.language and r.language not in index.spoken(u):
        return f"does not work in {r.language}"
    return None


def state_not_barred(index: ScenarioIndex, u: UnitPledge, r: Requirement) -> str | None:
    """No unit of the mission's host state, or of a state the mission excludes, deploys there."""
    if u.state in index.barred(r.mission_id):
        return f"{u.state} is excluded from {r.mission_id}"
    return None


def caveat_allows(index: ScenarioIndex, u: UnitPledge, r: Requirement) -> str | None:
    """A pledge that names the missions it may serve deploys only to those missions."""
    if u.allowed_missions and r.mission_id not in u.allowed_missions:
        return f"caveat allows only {', '.join(u.allowed_missions)}"
    return None


def caveat_does_not_exclude(index: ScenarioIndex, u: UnitPledge, r: Requirement) -> str | None:
    """A pledge never deploys to a mission its caveats exclude."""
    if r.mission_id in u.excluded_missions:
        return f"caveat excludes {r.mission_id}"
    return None


PAIRING_RULES: tuple[PairingRule, ...] = (
    line_asks_for_units,
    capability_fits,
    ready_enough,
    arrives_in_time,
    works_in_the_language,
    state_not_barred,
    caveat_allows,
    caveat_does_not_exclude,
)


def broken_rules(rules: Iterable[Callable[[ScenarioIndex, Row, Requirement], str | None]],
                 index: ScenarioIndex, row: Row, r: Requirement) -> list[str]:
    """What each of ``rules`` finds wrong with sending ``row`` (a unit or equipment pledge) to
    line ``r``, in rule order; empty when it may go there."""
    return [why for rule in rules if (why := rule(index, row, r)) is not None]


def gap_items(index: ScenarioIndex, r: Requirement) -> set[str]:
    """Equipment items that some pledge allowed on the line lacks (computed once per line)."""
    cache = index.gap_items_cache
    if r.requirement_id not in cache:
        fillers = {r.capability, *index.may_fill.get(r.capability, ())}
        cache[r.requirement_id] = {
            item for cap in fillers for p in index.pledges_by_capability.get(cap, [])
            if p.equipment_gap and not broken_rules(PAIRING_RULES, index, p, r)
            for item in p.equipment_gap}
    return cache[r.requirement_id]
