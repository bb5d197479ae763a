"""Transport costs: long-haul emplacement by state, ferry or heavy lift by aircraft pledge."""

from __future__ import annotations

from allocator.generators.families.draft import Draft
from allocator.generators.families.tables import FAR_FACTOR, FAR_STATES
from allocator.generators.reference import STATE_REGION, round_to


def build_transport(draft: Draft) -> None:
    """Far contributors pay long-haul emplacement; helicopter units pay a ferry or heavy-lift
    cost of their own, which overrides their state's row."""
    _state_rows(draft)
    _pledge_rows(draft)


def _state_rows(draft: Draft) -> None:
    """A row per far contributor and mission of the theatres it offers units to."""
    rng = draft.rng
    theatres_of: dict[str, set[int]] = {}
    for pledge in draft.pledges:
        theatres_of.setdefault(pledge["state"], set()).add(draft.theatre_of(pledge))
    for state in sorted(theatres_of):
        if state not in FAR_STATES:
            continue
        for theatre in sorted(theatres_of[state]):
            for mission_id in draft.theatres[theatre]:
                mission = draft.mission(mission_id)
                if state in mission.barred:
                    continue
                host_region = STATE_REGION[mission.host]
                factor = 0.4 if host_region == STATE_REGION[state] else 1.0
                usd = round_to(FAR_STATES[state] * 1000 * factor
                               * FAR_FACTOR[host_region] * rng.uniform(0.92, 1.08), 1000)
                draft.transport.append({"state": state, "pledge_id": None,
                                        "mission_id": mission_id, "cost_usd_per_unit": usd})
                draft.transport_of[state, mission_id] = usd


def _pledge_rows(draft: Draft) -> None:
    """Rows of helicopter pledges (or of one other pledge when a family has no aircraft)."""
    rng = draft.rng
    lifted = [p for p in draft.pledges
              if p["capability"] in ("UTIL_HELO", "ATK_HELO") and rng.random() < 0.6]
    if not lifted:  # a family without aircraft still has one pledge-level row
        lifted = [next(p for p in draft.pledges if not p["must_deploy"])]
    for pledge in lifted:
        for mission_id in draft.reach(pledge):
            usd = round_to(rng.uniform(800_000, 1_800_000), 1000)
            draft.transport.append({"state": None, "pledge_id": pledge["pledge_id"],
                                    "mission_id": mission_id, "cost_usd_per_unit": usd})
            draft.transport_of[pledge["pledge_id"], mission_id] = usd
