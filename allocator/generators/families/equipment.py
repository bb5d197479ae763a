"""Equipment pledges: lots for the equipment lines and for troops-only units' gaps."""

from __future__ import annotations

import math

from allocator.generators.families.draft import Draft, Row
from allocator.generators.families.tables import (
    DONATED_SHARE,
    GAP_COVER,
    ITEM_DONORS,
    ITEM_SET,
    LEASE_PREMIUM,
    LEASE_USD,
)
from allocator.generators.reference import EQUIPMENT_ITEMS, round_to, split


def new_lot(draft: Draft, item: str, quantity: int, barred: set[str]) -> Row:
    """A lot of one item from a donor that no barred state is: donated, or leased."""
    rng = draft.rng
    donor = draft.state_for(ITEM_DONORS[item], barred)
    donated = item != "UTIL_HELO_AIRFRAME" and rng.random() < DONATED_SHARE
    rate = LEASE_USD[item]
    cost = 0 if donated else round_to(rate * rng.uniform(*LEASE_PREMIUM), 100)
    return {"equipment_id": draft.next_id(donor, "E"), "state": donor, "item": item,
            "quantity": max(1, quantity), "monthly_cost_usd": cost,
            "available_days": rng.choice([30, 45, 60, 60, 90, 90, 120, 150]),
            "allowed_missions": []}


def _pools(draft: Draft) -> list[tuple[str, int, list[str], set[str]]]:
    """What the lots must hold: (item, sets, missions, barred), the lines' pools first."""
    rng = draft.rng
    pools: list[tuple[str, int, list[str], set[str]]] = []
    for line in draft.lines:
        item = line["capability"]
        if item in EQUIPMENT_ITEMS and not line["mandatory"]:
            mission = draft.mission(line["mission_id"])
            qty = math.ceil(line["units"] * rng.uniform(0.6, 1.0) / ITEM_SET[item])
            pools.append((item, qty, [mission.mission_id], mission.barred))
    need: dict[tuple[int, str], int] = {}
    for pledge in draft.pledges:
        theatre = draft.theatre_of(pledge)
        for item, qty in pledge["equipment_gap"].items():
            need[theatre, item] = need.get((theatre, item), 0) + qty * pledge["units"]
    for (theatre, item), qty in sorted(need.items()):
        members = draft.theatres[theatre]
        barred = set.intersection(*(draft.mission(m).barred for m in members))
        sets = math.ceil(qty * rng.uniform(GAP_COVER[0], GAP_COVER[1]) / ITEM_SET[item])
        pools.append((item, sets, members, barred))
    return pools


def build_equipment(draft: Draft) -> None:
    """Lots for the equipment lines (most of them), then lots for troops-only units' gaps."""
    rng = draft.rng
    pools = _pools(draft)
    target = max(len(pools), draft.size.equipment_pledges - len(draft.kit))
    lots = [max(1, n) for n in split(target, [math.sqrt(p[1]) for p in pools])]
    for (item, sets, members, barred), n in zip(pools, lots, strict=True):
        n = min(n, sets)
        for extra in split(sets - n, [rng.uniform(0.6, 1.4) for _ in range(n)]):
            lot = new_lot(draft, item, (1 + extra) * ITEM_SET[item], barred)
            if draft.zoned or len(members) == 1:
                lot["allowed_missions"] = list(members)
            if len(members) > 1 and rng.random() < 0.25:
                open_m = [m for m in members if lot["state"] not in draft.mission(m).barred]
                if len(open_m) > 1:
                    chosen = rng.sample(open_m, rng.randint(1, len(open_m) - 1))
                    lot["allowed_missions"] = [m for m in members if m in chosen]
            draft.kit.append(lot)
