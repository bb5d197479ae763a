"""Equipment sent to a line: what it may equip, when and where it may go, and whether the units
on each line get the equipment they lack."""

from __future__ import annotations

from collections.abc import Callable

from allocator.scenario.schema import EquipmentPledge, Requirement
from allocator.verify.index import ScenarioIndex
from allocator.verify.pairing import gap_items
from allocator.verify.tally import Tally

EquipmentRule = Callable[[ScenarioIndex, EquipmentPledge, Requirement], str | None]


def equipment_is_asked_or_fills_a_gap(index: ScenarioIndex, q: EquipmentPledge,
                                      r: Requirement) -> str | None:
    """Equipment goes to a line that asks for its item, or to a line where some unit allowed
    to serve it lacks that item."""
    if q.item != r.capability and q.item not in gap_items(index, r):
        return (f"equipment {q.equipment_id} ({q.item}) is neither asked by {r.requirement_id} "
                "nor a gap of a pledge that may serve it")
    return None


def equipment_arrives_in_time(index: ScenarioIndex, q: EquipmentPledge,
                              r: Requirement) -> str | None:
    """Equipment is available within the line's deadline, when the line has one."""
    if r.deadline_days is not None and q.available_days > r.deadline_days:
        return (f"equipment {q.equipment_id} available in {q.available_days} days, "
                f"deadline of {r.requirement_id} is {r.deadline_days}")
    return None


def equipment_allowed_in_mission(index: ScenarioIndex, q: EquipmentPledge,
                                 r: Requirement) -> str | None:
    """Equipment that names the missions it may serve goes only to those missions."""
    if q.allowed_missions and r.mission_id not in q.allowed_missions:
        return f"equipment {q.equipment_id} is not allowed in {r.mission_id}"
    return None


def equipment_state_not_barred(index: ScenarioIndex, q: EquipmentPledge,
                               r: Requirement) -> str | None:
    """No equipment of the mission's host state, or of a state it excludes, goes there."""
    if q.state in index.barred(r.mission_id):
        return f"equipment {q.equipment_id}: {q.state} is excluded from {r.mission_id}"
    return None


EQUIPMENT_RULES: tuple[EquipmentRule, ...] = (
    equipment_is_asked_or_fills_a_gap,
    equipment_arrives_in_time,
    equipment_allowed_in_mission,
    equipment_state_not_barred,
)


def gap_covered(line_item: tuple[str, str], need: int, tally: Tally) -> str | None:
    """The units on a line that lack an equipment item get at least that many items from
    partners' equipment pledges."""
    rid, item = line_item
    if tally.supplied.get((rid, item), 0) < need:
        return (f"requirement {rid}: units need {need} {item}, partners supply "
                f"{tally.supplied.get((rid, item), 0)}")
    return None
