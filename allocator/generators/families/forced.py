"""The forced parts: mandatory lines with dedicated supply, must-deploy pledges with lines.

Dedicated supply is restricted to the line's mission, has no equipment gap and meets every
rule of the line, so the mandatory lines can always be filled; each must-deploy pledge gets a
line of its own.
"""

from __future__ import annotations

from allocator.generators.families.draft import Draft, Mission, Row
from allocator.generators.families.equipment import new_lot
from allocator.generators.families.tables import ITEM_SET, PROVIDERS
from allocator.generators.families.unit_pledges import new_pledge
from allocator.generators.reference import (
    EQUIPMENT_ITEMS,
    READINESS,
    STATE_LANGUAGES,
    split,
)

_COMMON = ("INF_BN", "INF_COY", "ENG_COY", "L1_HOSP", "FPU", "SIG_COY", "MP_COY")


def build_forced_supply(draft: Draft) -> None:
    """Mandatory lines with dedicated supply, and must-deploy pledges with lines of their own."""
    rng = draft.rng
    by_mission: dict[str, list[Row]] = {}
    for line in draft.lines:
        by_mission.setdefault(line["mission_id"], []).append(line)
    for mission in draft.missions:
        lines = by_mission[mission.mission_id]
        candidates = [r for r in lines if r["capability"] in _COMMON and r["priority"] <= 2]
        candidates = candidates or [r for r in lines if r["capability"] in _COMMON]
        wanted = 2 if mission.kind == "big" else 1
        for line in rng.sample(candidates, min(wanted, len(candidates))):
            line["mandatory"] = True
            line["priority"] = min(line["priority"], 2)
            _dedicate(draft, mission, line)
        items = [r for r in lines if r["capability"] in EQUIPMENT_ITEMS]
        if items and rng.random() < 0.35:
            line = items[0]
            line["mandatory"] = True
            _dedicate_kit(draft, mission, line, line["units"])
    _must_deploy(draft)


def _must_deploy(draft: Draft) -> None:
    """A contributor offers a unit only if it is deployed; each gets a line of its own (not
    mandatory, so it does not compete with the dedicated supply)."""
    rng = draft.rng
    wanted = max(1, draft.size.missions // 3)
    open_lines = [r for r in draft.lines
                  if not r["mandatory"] and r["capability"] in _COMMON
                  and r["min_readiness"] != "L1"]
    for line in rng.sample(open_lines, min(wanted, len(open_lines))):
        mission = draft.mission(line["mission_id"])
        state = draft.state_for(PROVIDERS[line["capability"]], mission.barred, line["language"])
        pledge = new_pledge(draft, state, line["capability"],
                            readiness=_readiness_for(draft, line), gap_allowed=False)
        _fit(draft, pledge, line)
        pledge["must_deploy"] = True
        pledge["allowed_missions"] = [mission.mission_id]
        draft.pledges.append(pledge)
        draft.reserved.add(id(line))


def _readiness_for(draft: Draft, line: Row) -> str:
    """A readiness level the line accepts (RDL for an urgent line)."""
    floor = line["min_readiness"] or "L2"
    options = [r for r in READINESS if READINESS.index(r) >= READINESS.index(floor)]
    if line["deadline_days"] is not None and line["deadline_days"] < 90:
        options = ["RDL"]
    return draft.rng.choice(options)


def _fit(draft: Draft, pledge: Row, line: Row) -> None:
    """Make a pledge meet the line's deadline and language (a unit with a language cadre)."""
    deadline = line["deadline_days"]
    if deadline is not None and pledge["deploy_days"] > deadline:
        pledge["deploy_days"] = deadline - draft.rng.randint(0, 10)
    language = line["language"]
    if language and language not in STATE_LANGUAGES[pledge["state"]]:
        pledge["languages"] = [*STATE_LANGUAGES[pledge["state"]], language]


def _dedicate(draft: Draft, mission: Mission, line: Row) -> None:
    """Units for a mandatory line: half as many again as it asks, all fit for it."""
    cap = line["capability"]
    supply = line["units"] + max(1, line["units"] // 2)
    while supply > 0:
        state = draft.state_for(PROVIDERS[cap], mission.barred, line["language"])
        pledge = new_pledge(draft, state, cap, readiness=_readiness_for(draft, line),
                            gap_allowed=False)
        pledge["units"] = min(supply, draft.rng.choice([1, 1, 2]))
        supply -= pledge["units"]
        _fit(draft, pledge, line)
        pledge["allowed_missions"] = [mission.mission_id]
        draft.pledges.append(pledge)
        draft.dedicated.setdefault(id(line), []).append(pledge)


def _dedicate_kit(draft: Draft, mission: Mission, line: Row, quantity: int) -> None:
    """Lots for a mandatory equipment line: one set more than it asks, in one or two lots."""
    item = line["capability"]
    sets = quantity // ITEM_SET[item] + 1
    lots = 1 if sets < 3 else 2
    for size in split(sets, [1.0] * lots):
        size *= ITEM_SET[item]
        lot = new_lot(draft, item, size, mission.barred)
        if line["deadline_days"] is not None:
            lot["available_days"] = min(lot["available_days"], line["deadline_days"])
        lot["allowed_missions"] = [mission.mission_id]
        draft.kit.append(lot)
        draft.dedicated.setdefault(id(line), []).append(lot)
