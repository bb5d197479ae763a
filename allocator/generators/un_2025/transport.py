"""``un_2025``'s transport costs: far contributors by distance, aircraft by pledge."""

from __future__ import annotations

import math
import random

from allocator.generators.reference import SUBSTITUTES, round_to
from allocator.generators.un_2025.requirements import Row, excluded
from allocator.generators.un_2025.supply_tables import (
    FAR_STATES,
    MISSION_HQ,
    TRANSPORT_BASE_USD,
    TRANSPORT_USD_PER_KM,
)
from allocator.generators.un_2025.tables import MISSION_IDS


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in km between two (latitude, longitude) points on a sphere of radius 6,371."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def build_transport(rng: random.Random, pledges: list[Row],
                    requirements: list[Row]) -> list[Row]:
    """State rows for far contributors to each mission two of their pledges could serve, then
    pledge rows for aircraft (a ferry or heavy-lift cost that overrides the state's row)."""
    caps_needed: dict[str, set[str]] = {m: set() for m in MISSION_IDS}
    for r in requirements:
        caps_needed[r["mission_id"]].add(r["capability"])
        caps_needed[r["mission_id"]].update(SUBSTITUTES.get(r["capability"], ()))

    def may_serve(p: Row, mission_id: str) -> bool:
        """Whether the pledge offers a capability the mission needs, caveats allowing."""
        return (p["capability"] in caps_needed[mission_id]
                and p["state"] not in excluded(mission_id)
                and (not p["allowed_missions"] or mission_id in p["allowed_missions"].split(";"))
                and mission_id not in p["excluded_missions"].split(";"))

    rows = []
    for state, home in FAR_STATES.items():
        for mission_id in MISSION_IDS:
            if sum(p["state"] == state and may_serve(p, mission_id) for p in pledges) >= 2:
                km = great_circle_km(home, MISSION_HQ[mission_id])
                cost = round_to(TRANSPORT_BASE_USD + TRANSPORT_USD_PER_KM * km, 1_000)
                rows.append(dict(state=state, pledge_id="", mission_id=mission_id,
                                 cost_usd_per_unit=cost))
    # Aircraft self-deploy or go by chartered heavy lift.
    for p in pledges:
        missions = [m for m in MISSION_IDS if may_serve(p, m)]
        if (p["capability"] in ("UTIL_HELO", "ATK_HELO") and not p["equipment_gap"] and missions
                and rng.random() < 0.6):
            rows.append(dict(state="", pledge_id=p["pledge_id"], mission_id=rng.choice(missions),
                             cost_usd_per_unit=round_to(rng.uniform(0.8e6, 2.2e6), 10_000)))
    return rows
