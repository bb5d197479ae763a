"""``un_2025``'s unit pledges: fixed providers for scarce capabilities, weighted draws for the
rest, then sizes, women, readiness, languages, costs, caveats and gaps per row."""

from __future__ import annotations

import random

from allocator.generators.reference import (
    DEFAULT_PERSONNEL,
    EQUIPMENT_POOR,
    PERSONNEL_RANGE,
    RATE_USD,
    UNIT_CAPABILITIES,
    round_to,
    weighted,
)
from allocator.generators.un_2025.requirements import Row, excluded
from allocator.generators.un_2025.supply_tables import (
    DEPLOY_DAYS,
    EXPLICIT_COST_RANGE,
    FIXED_PROVIDERS,
    PROVIDERS,
    READINESS_MIX,
    STATE_CAVEATS,
    WOMEN_BASE,
    WOMEN_OFFSET,
)
from allocator.generators.un_2025.tables import GAP_TEMPLATES, MISSION_IDS, STATE_LANGUAGES

_CADRE_STATES = {"EGY", "NPL", "BGD", "GHA", "JOR", "PAK", "IND", "IDN", "CHN"}
_BILINGUAL_STATES = {"CAN", "CMR", "BEL", "CHE", "RWA"}


def build_unit_pledges(rng: random.Random) -> list[Row]:
    """The unit pledges table, by state and capability."""
    drafts = []  # (state, capability)
    for cap in UNIT_CAPABILITIES:
        if cap in FIXED_PROVIDERS:
            drafts.extend((state, cap) for state in FIXED_PROVIDERS[cap])
        else:
            count, spec = PROVIDERS[cap]
            states, weights = weighted(spec)
            drafts.extend((state, cap) for state in rng.choices(states, weights, k=count))
    drafts.sort(key=lambda d: (d[0], UNIT_CAPABILITIES.index(d[1])))
    rows = []
    per_state: dict[str, int] = {}
    for state, cap in drafts:
        per_state[state] = per_state.get(state, 0) + 1
        rows.append(_pledge(rng, f"{state}-U{per_state[state]:02d}", state, cap))
    _special_rows(rows)
    return rows


def _pledge(rng: random.Random, pledge_id: str, state: str, cap: str) -> Row:
    """One unit pledge row."""
    units, personnel = _size(rng, cap)
    share = WOMEN_BASE.get(state, 0.09) + WOMEN_OFFSET.get(cap, 0.0)
    share += rng.uniform(-0.02, 0.02)
    share = min(0.20 if cap not in ("L1_HOSP", "L2_HOSP") else 0.30, max(0.05, share))
    levels, weights = zip(*READINESS_MIX, strict=True)
    readiness = rng.choices(levels, weights)[0]
    low, high = DEPLOY_DAYS[readiness]
    deploy_days = rng.randint(low, high)
    languages = _languages(rng, state)
    gap = ""
    gap_chance = 0.45 if state in EQUIPMENT_POOR else 0.04
    if cap in GAP_TEMPLATES and rng.random() < gap_chance:
        gap = GAP_TEMPLATES[cap]
    monthly_cost = ""
    if cap in EXPLICIT_COST_RANGE and not gap:
        lo, hi = EXPLICIT_COST_RANGE[cap]
        monthly_cost = str(max(round_to(rng.uniform(lo, hi), 1_000), personnel * RATE_USD))
    allowed, excluded_missions = _caveats(rng, state)
    return dict(pledge_id=pledge_id, state=state, capability=cap, units=units,
                personnel_per_unit=personnel, women_per_unit=round(personnel * share),
                readiness=readiness, deploy_days=deploy_days, languages=languages,
                monthly_cost_usd=monthly_cost, allowed_missions=allowed,
                excluded_missions=excluded_missions, must_deploy=False, equipment_gap=gap)


def _size(rng: random.Random, cap: str) -> tuple[int, int]:
    """Units offered and persons per unit: close to the capability's default strength, in
    steps of 5 (battalions anywhere in their strength range)."""
    if cap == "INF_BN":
        low, high = PERSONNEL_RANGE[cap]
        units = rng.choices([1, 2], [92, 8])[0]
        return units, 5 * rng.randint(low // 5, high // 5)
    units = rng.choices([1, 2, 3], [88, 9, 3])[0] if cap not in FIXED_PROVIDERS else 1
    base = DEFAULT_PERSONNEL[cap]
    return units, max(10, round_to(base * rng.uniform(0.9, 1.08), 5 if base >= 50 else 1))


def _languages(rng: random.Random, state: str) -> str:
    """Empty (the state's languages), or a French-speaking cadre, or one language of a
    bilingual state."""
    langs = STATE_LANGUAGES[state]
    draw = rng.random()
    if draw < 0.06 and "fr" not in langs and state in _CADRE_STATES:
        return ";".join([*langs, "fr"])  # a unit with a French-speaking cadre
    if draw < 0.25 and state in _BILINGUAL_STATES:
        # a unit working in only one of the state's international languages
        return rng.choice([lang for lang in langs if lang in ("en", "fr", "nl", "de")])
    return ""


def _caveats(rng: random.Random, state: str) -> tuple[str, str]:
    """(allowed missions, excluded missions): the state's usual caveat, or a rare one."""
    if state in STATE_CAVEATS and rng.random() < 0.85:
        return STATE_CAVEATS[state], ""
    if rng.random() < 0.05:
        open_missions = [m for m in MISSION_IDS if state not in excluded(m)]
        return ";".join(sorted(rng.sample(open_missions, 2), key=MISSION_IDS.index)), ""
    if rng.random() < 0.04:
        return "", rng.choice(["UNMISS", "MINUSCA", "MONUSCO", "UNSOS"])
    return "", ""


def _special_rows(rows: list[Row]) -> None:
    """A formed police unit with mostly women, and three must-deploy battalions."""
    # All-female formed police units have served before.
    for row in rows:
        if row["state"] == "BGD" and row["capability"] == "FPU":
            row["women_per_unit"] = round(row["personnel_per_unit"] * 0.85)
            break
    # A few pledges the contributor will only make if deployed (fillable everywhere).
    for state in ("NPL", "GHA", "IDN"):
        for row in rows:
            if (row["state"] == state and row["capability"] == "INF_BN" and row["units"] == 1
                    and row["readiness"] in ("L2", "L3") and not row["equipment_gap"]
                    and not row["allowed_missions"] and not row["excluded_missions"]
                    and not row["languages"]):
                row["must_deploy"] = True
                break
