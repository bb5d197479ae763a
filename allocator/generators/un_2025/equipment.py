"""``un_2025``'s equipment pledges: lots for the equipment lines, then for troops-only units.

There are two pools. The lots for the equipment requirement lines meet the mandatory lines in
full and about 75% of the others; the lots for troops-only units cover a share
(``ITEM_COVER``) of what all of those units' gaps would need together.
"""

from __future__ import annotations

import math
import random

from allocator.generators.reference import EQUIPMENT_ITEMS, SUBSTITUTES, weighted
from allocator.generators.un_2025.requirements import Row, excluded
from allocator.generators.un_2025.supply_tables import (
    ITEM_COVER,
    ITEM_DONORS,
    ITEM_LOT,
    ITEM_MONTHLY_COST,
)
from allocator.generators.un_2025.tables import DEMAND, GAP_TEMPLATES, MISSION_IDS


def build_equipment_pledges(rng: random.Random, pledges: list[Row],
                            requirements: list[Row]) -> list[Row]:
    """Lots for the equipment requirement lines, then lots for troops-only units' gaps."""
    rows: list[Row] = []
    per_state: dict[str, int] = {}
    for r in requirements:
        if r["capability"] in EQUIPMENT_ITEMS:
            # Mandatory lines are met in full; the rest mostly.
            total = r["units"] if r["mandatory"] else math.ceil(r["units"] * 0.75)
            _add_lots(rng, rows, per_state, r["capability"], total, [r["mission_id"]], 0.5,
                      r["mission_id"])
    gap_need = _gap_need(pledges)
    gap_missions = _gap_missions()
    for item in EQUIPMENT_ITEMS:
        total = math.ceil(gap_need[item] * ITEM_COVER[item])
        if total:
            _add_lots(rng, rows, per_state, item, total, gap_missions[item], 0.3)
    rows.sort(key=lambda r: (r["state"], int(r["equipment_id"].split("-E")[1])))
    return rows


def _gap_need(pledges: list[Row]) -> dict[str, int]:
    """Items all troops-only units' gaps would need together."""
    need = dict.fromkeys(EQUIPMENT_ITEMS, 0)
    for p in pledges:
        for part in filter(None, p["equipment_gap"].split(";")):
            item, _, qty = part.partition(":")
            need[item] += int(qty) * p["units"]
    return need


def _gap_missions() -> dict[str, list[str]]:
    """Missions where a troops-only unit needing each item could serve (for donors' caveats)."""
    gap_missions: dict[str, list[str]] = {item: [] for item in EQUIPMENT_ITEMS}
    for mission_id in MISSION_IDS:
        caps = {cap for cap, _, _ in DEMAND[mission_id]}
        caps |= {sub for cap in caps for sub in SUBSTITUTES.get(cap, ())}
        for cap in sorted(caps & set(GAP_TEMPLATES)):
            for part in GAP_TEMPLATES[cap].split(";"):
                item = part.partition(":")[0]
                if mission_id not in gap_missions[item]:
                    gap_missions[item].append(mission_id)
    return gap_missions


def _add_lots(rng: random.Random, rows: list[Row], per_state: dict[str, int], item: str,
              total: int, missions: list[str], restrict_chance: float,
              for_mission: str | None = None) -> None:
    """``total`` items in lots of about ``ITEM_LOT``, from weighted donors; lots meant for one
    mission come from donors it accepts, and some lots are restricted to a few missions."""
    states, weights = weighted(ITEM_DONORS[item])
    if for_mission:
        states, weights = zip(*[(s, w) for s, w in zip(states, weights, strict=True)
                                if s not in excluded(for_mission)], strict=True)
    lots = min(2 * len(states), math.ceil(total / ITEM_LOT[item]))
    for size in (total // lots + (1 if i < total % lots else 0) for i in range(lots)):
        state = rng.choices(states, weights)[0]
        per_state[state] = per_state.get(state, 0) + 1
        donated = item != "UTIL_HELO_AIRFRAME" and rng.random() < 0.3
        cost = 0 if donated else ITEM_MONTHLY_COST[item]
        allowed = ""
        open_missions = [m for m in missions if state not in excluded(m)]
        if open_missions and rng.random() < restrict_chance:
            k = rng.randint(1, min(3, len(open_missions)))
            allowed = ";".join(sorted(rng.sample(open_missions, k), key=MISSION_IDS.index))
        rows.append(dict(equipment_id=f"{state}-E{per_state[state]:02d}", state=state,
                         item=item, quantity=size, monthly_cost_usd=cost,
                         available_days=rng.choice([30, 45, 60, 60, 90, 90, 120, 150]),
                         allowed_missions=allowed))
