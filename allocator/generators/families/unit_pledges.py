"""Unit pledges: realistic units, the bulk of the supply per theatre, caveats and languages."""

from __future__ import annotations

from allocator.generators.families.draft import Draft, Row
from allocator.generators.families.tables import (
    ALL_IN_MONTHLY,
    DEFAULT_SUPPLY_RATIO,
    DEPLOY_DAYS,
    GAP_TABLE,
    LEASE_USD,
    LINE_LANGUAGES,
    PROVIDERS,
    READINESS_MIX,
    SUPPLY_RATIO,
    WOMEN_SHARE,
    WOMEN_SHIFT,
)
from allocator.generators.reference import (
    EQUIPMENT_POOR,
    PERSONNEL_RANGE,
    RATE_USD,
    STATE_LANGUAGES,
    UNIT_CAPABILITIES,
    round_to,
    split,
)


def new_pledge(draft: Draft, state: str, cap: str, *, readiness: str | None = None,
               gap_allowed: bool = True) -> Row:
    """A unit pledge with realistic size, women, readiness and cost; no caveats yet."""
    rng = draft.rng
    low, high = PERSONNEL_RANGE[cap]
    step = 5 if low >= 100 else 1
    personnel = round_to(rng.uniform(low, high), step)
    share = WOMEN_SHARE.get(state, 0.08) + WOMEN_SHIFT.get(cap, 0.0) + rng.uniform(-0.03, 0.03)
    share = min(0.32 if cap.endswith("HOSP") else 0.22, max(0.03, share))
    women = round(personnel * share)
    if readiness is None:
        levels, level_weights = zip(*READINESS_MIX, strict=True)
        readiness = rng.choices(levels, level_weights)[0]
    low_days, high_days = DEPLOY_DAYS[readiness]
    gap: dict[str, int] = {}
    gap_chance = 0.45 if state in EQUIPMENT_POOR else 0.04
    if gap_allowed and cap in GAP_TABLE and rng.random() < gap_chance:
        gap = dict(GAP_TABLE[cap])
    monthly: int | None = None
    # Self-sustainment and minor equipment, reimbursed per person at rates that differ by
    # contributor and unit; it also keeps two units of equal strength from costing the same.
    own_kit = round_to(personnel * rng.uniform(60, 140), 10)
    if not gap and cap in ALL_IN_MONTHLY:
        lo, hi = ALL_IN_MONTHLY[cap]
        monthly = max(round_to(rng.uniform(lo, hi), 1_000), personnel * RATE_USD)
    elif not gap and cap in GAP_TABLE:
        # Units that bring their own major equipment are reimbursed for it (COE).
        table = sum(q * LEASE_USD[i] for i, q in GAP_TABLE[cap].items())
        own_kit += round_to(table * rng.uniform(0.85, 1.25), 100)
    return {
        "pledge_id": draft.next_id(state, "U"), "state": state, "capability": cap,
        "units": 1, "personnel_per_unit": personnel, "women_per_unit": women,
        "readiness": readiness, "deploy_days": rng.randint(low_days, high_days),
        "languages": [], "monthly_cost_usd": monthly, "equipment_monthly_cost_usd": own_kit,
        "allowed_missions": [], "excluded_missions": [], "must_deploy": False,
        "equipment_gap": gap,
    }


def build_general_supply(draft: Draft) -> None:
    """The bulk of the pledges, per theatre and capability in proportion to demand."""
    rng = draft.rng
    demand: dict[tuple[int, str], int] = {}
    for line in draft.lines:
        cap = line["capability"]
        if cap in UNIT_CAPABILITIES:
            key = (draft.mission(line["mission_id"]).theatre, cap)
            demand[key] = demand.get(key, 0) + line["units"]
    keys = sorted(demand, key=lambda k: (k[0], UNIT_CAPABILITIES.index(k[1])))
    weights = [demand[k] * SUPPLY_RATIO.get(k[1], DEFAULT_SUPPLY_RATIO) for k in keys]
    target = draft.size.unit_pledges - len(draft.pledges)
    counts = split(target, weights)
    for (theatre, cap), count in zip(keys, counts, strict=True):
        members = draft.theatres[theatre]
        barred_everywhere = set.intersection(*(draft.mission(m).barred for m in members))
        for _ in range(count):
            state = draft.state_for(PROVIDERS[cap], barred_everywhere)
            pledge = new_pledge(draft, state, cap)
            pledge["units"] = rng.choices([1, 2, 3], [86, 11, 3])[0]
            _caveats(draft, pledge, members)
            _languages(draft, pledge)
            draft.pledges.append(pledge)
    _ensure_caveats(draft)


def _caveats(draft: Draft, pledge: Row, members: list[str]) -> None:
    """The theatre's scope, and sometimes a narrower list of allowed or excluded missions."""
    rng = draft.rng
    open_missions = [m for m in members if pledge["state"] not in draft.mission(m).barred]
    if draft.zoned:
        pledge["allowed_missions"] = list(members)
    draw = rng.random()
    if draw < 0.1 and len(open_missions) > 1:
        k = rng.randint(1, min(3, len(open_missions) - 1))
        chosen = rng.sample(open_missions, k)
        pledge["allowed_missions"] = [m for m in members if m in chosen]
    elif draw < 0.15 and len(open_missions) > 1:
        pledge["excluded_missions"] = [rng.choice(open_missions)]


def _ensure_caveats(draft: Draft) -> None:
    """Small families still show both kinds of caveat (a rare draw could miss one)."""
    general = [p for p in draft.pledges if not p["must_deploy"]
               and len(p["allowed_missions"]) != 1]
    missions = [m.mission_id for m in draft.missions]
    if not any(p["excluded_missions"] for p in general):
        pledge = general[0]
        open_m = [m for m in (pledge["allowed_missions"] or missions)
                  if pledge["state"] not in draft.mission(m).barred]
        pledge["excluded_missions"] = open_m[-1:]
    restricted = [p for p in general if p["allowed_missions"]
                  and len(p["allowed_missions"]) < len(draft.theatres[0])]
    if not restricted and len(missions) > 1:
        pledge = general[1]
        open_m = [m for m in missions if pledge["state"] not in draft.mission(m).barred]
        pledge["allowed_missions"] = open_m[:1]
    _ensure_barred_offer(draft, general)


def _ensure_barred_offer(draft: Draft, general: list[Row]) -> None:
    """Some pledge comes from a state barred from a mission that asks for its capability
    (a host or party offering a unit for other operations), so exclusions remove a
    candidate; the draws above only guarantee that at the larger sizes."""
    asked = {(r["mission_id"], r["capability"]) for r in draft.lines}
    for pledge in general:
        for mission_id in draft.reach_by_caveats(pledge):
            if (pledge["state"] in draft.mission(mission_id).barred
                    and (mission_id, pledge["capability"]) in asked):
                return
    for mission in draft.missions:
        for pledge in general:
            scope = draft.reach_by_caveats(pledge)
            if mission.mission_id in scope and len(scope) > 1 \
                    and (mission.mission_id, pledge["capability"]) in asked:
                parties = sorted(mission.barred - {mission.host}) or [mission.host]
                pledge["state"] = parties[0]
                pledge["pledge_id"] = draft.next_id(parties[0], "U")
                pledge["languages"] = []
                return


def _languages(draft: Draft, pledge: Row) -> None:
    """Sometimes a language cadre, or one language only of a bilingual state."""
    rng = draft.rng
    langs = STATE_LANGUAGES[pledge["state"]]
    draw = rng.random()
    if draw < 0.06 and "fr" not in langs:
        pledge["languages"] = [*langs, "fr"]  # a unit with a French-speaking cadre
    elif draw < 0.09 and "en" not in langs:
        pledge["languages"] = [*langs, "en"]
    elif draw < 0.2 and len([x for x in langs if x in LINE_LANGUAGES]) > 1:
        # A unit of a bilingual state that works in one of its languages only.
        pledge["languages"] = [rng.choice([x for x in langs if x in LINE_LANGUAGES])]


def build_special_pledges(draft: Draft) -> None:
    """One formed police unit with mostly women: all-female FPUs have served before."""
    for pledge in draft.pledges:
        if pledge["capability"] == "FPU" and not pledge["must_deploy"] \
                and pledge["state"] in ("BGD", "RWA", "GHA", "SEN", "NPL"):
            pledge["women_per_unit"] = round(pledge["personnel_per_unit"] * 0.85)
            break
