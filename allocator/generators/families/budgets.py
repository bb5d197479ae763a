"""The missions table: budgets, personnel ceilings and state-share limits.

A few small missions get a budget or a ceiling below a cheapest full fill (never below the
forced part), so they bind; the others get more than the dearest full fill, so they bind
nowhere by accident. Funding pledges then cover part of the tight budgets' deficits.
"""

from __future__ import annotations

from allocator.generators.families.draft import Draft, Mission, Row
from allocator.generators.families.estimates import Estimate, estimates
from allocator.generators.families.funding import build_funding
from allocator.generators.families.tables import TIGHT_BUDGET_SHARE, TIGHT_CEILING_SHARE
from allocator.generators.reference import STATE_BY_CODE, round_to


def build_budgets(draft: Draft) -> list[Row]:
    """The missions table, with budgets and ceilings; also draws the funding pledges."""
    rng = draft.rng
    est = estimates(draft)
    tight_budget, tight_ceiling = _tight_missions(draft, est)
    deficits: dict[str, int] = {}
    rows = []
    for mission in draft.missions:
        mid = mission.mission_id
        e = est[mid]
        if mid in tight_budget:
            # Below a cheapest full fill: the mission needs the funding pledges.
            budget = max(e.low_cost * rng.uniform(0.8, 0.9), e.forced_cost * 1.1)
            deficits[mid] = max(0, int(e.low_cost - budget))
        else:
            budget = max(e.high_cost * rng.uniform(1.1, 1.6), e.forced_cost * 1.25)
        ceiling: int | None = None
        if mid in tight_ceiling:
            # Just above the lightest full fill: the ceiling forces smaller units.
            ceiling = round_to(max(e.low_people * rng.uniform(1.02, 1.05),
                                   e.forced_people * 1.1), 10)
        elif rng.random() < 0.8:
            ceiling = round_to(e.high_people * rng.uniform(1.05, 1.3) + 100, 10)
        rows.append(_mission_row(mission, budget, ceiling, _state_share(draft, mission)))
    build_funding(draft, deficits, {m: est[m].low_cost for m in deficits})
    return rows


def _tight_missions(draft: Draft, est: dict[str, Estimate]) -> tuple[set[str], set[str]]:
    """The missions with a binding budget, and those with a binding ceiling.

    They are small ones (larger ones only when there are none): a binding budget or ceiling
    makes a knapsack of the mission's lines, and a realistic benchmark should not hinge on one
    huge knapsack; and ones whose forced part leaves room to bind.
    """
    rng = draft.rng
    ids = [m.mission_id for m in draft.missions]
    n = len(ids)
    small = [m.mission_id for m in draft.missions if m.kind == "obs"]
    small = small or [m.mission_id for m in draft.missions if m.kind != "big"] or ids
    room = [m for m in small if est[m].forced_cost * 1.1 < est[m].low_cost * 0.8] or small
    tight_budget = set(rng.sample(room, min(len(room), max(1, round(n * TIGHT_BUDGET_SHARE)))))
    room = [m for m in small if est[m].forced_people * 1.1 < est[m].low_people] or small
    tight_ceiling = set(rng.sample(room, min(len(room),
                                             max(1, round(n * TIGHT_CEILING_SHARE)))))
    return tight_budget, tight_ceiling


def _state_share(draft: Draft, mission: Mission) -> float | None:
    """Force-mix limits: no contributor above a quarter of a large mission, or 30% of a
    mid-sized one where one is set; small missions have too few units for a share."""
    if mission.kind == "big":
        return 0.25
    if mission.kind == "mid" and draft.rng.random() < 0.4:
        return 0.3
    return None


def _mission_row(mission: Mission, budget: float, ceiling: int | None,
                 share: float | None) -> Row:
    """One row of the missions table."""
    mid = mission.mission_id
    return {
        "mission_id": mid, "name": f"Hypothetical operation in "
        f"{STATE_BY_CODE[mission.host].name}"
        + (f" ({mid.rsplit('-', 1)[1]})" if mid.count("-") > 1 else ""),
        "host_state": mission.host,
        "budget_usd": round_to(max(budget, 1_000_000), 100_000),
        "personnel_ceiling": ceiling,
        "excluded_states": sorted(mission.barred - {mission.host}),
        "women_target": mission.women_target,
        "max_state_share": share,
    }
