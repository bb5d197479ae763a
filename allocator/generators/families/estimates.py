"""What filling each mission's lines would cost and take: the basis of budgets and ceilings.

Contention between missions is ignored; each line is filled from the compatible pledges of
its theatre, with the cheapest or smallest (low), or the dearest or largest (high), and the
forced part (mandatory lines and must-deploy pledges) is counted at its dearest and largest.
"""

from __future__ import annotations

from dataclasses import dataclass

from allocator.generators.families.draft import Draft, Mission, Row
from allocator.generators.families.tables import LEASE_USD, SUBSTITUTES
from allocator.generators.reference import (
    EQUIPMENT_ITEMS,
    PERIOD_MONTHS,
    RATE_USD,
    READINESS,
    STATE_LANGUAGES,
)

_LEASE = {item: rate * PERIOD_MONTHS for item, rate in LEASE_USD.items()}


@dataclass
class Estimate:
    """US$ and personnel of filling one mission's lines (see ``estimates``)."""

    low_cost: int = 0
    low_people: int = 0
    high_cost: int = 0
    high_people: int = 0
    forced_cost: int = 0
    forced_people: int = 0


def unit_cost(draft: Draft, pledge: Row, mission_id: str) -> int:
    """US$ per unit for the period, transport included, as the model charges it."""
    monthly = pledge["monthly_cost_usd"]
    if monthly is None:
        monthly = pledge["personnel_per_unit"] * RATE_USD + pledge["equipment_monthly_cost_usd"]
    move = draft.transport_of.get((pledge["pledge_id"], mission_id),
                                  draft.transport_of.get((pledge["state"], mission_id), 0))
    return PERIOD_MONTHS * monthly + move


def fits(pledge: Row, line: Row, mission: Mission) -> bool:
    """The compatibility rules of DESIGN §4, for the generator's own estimates."""
    subs = SUBSTITUTES[line["capability"]]
    floor = READINESS.index(line["min_readiness"] or "L2")
    langs = pledge["languages"] or STATE_LANGUAGES[pledge["state"]]
    return ((pledge["capability"] == line["capability"] or pledge["capability"] in subs)
            and READINESS.index(pledge["readiness"]) >= floor
            and (line["deadline_days"] is None
                 or pledge["deploy_days"] <= line["deadline_days"])
            and (line["language"] is None or line["language"] in langs)
            and pledge["state"] not in mission.barred
            and (not pledge["allowed_missions"]
                 or mission.mission_id in pledge["allowed_missions"])
            and mission.mission_id not in pledge["excluded_missions"])


def estimates(draft: Draft) -> dict[str, Estimate]:
    """Per mission, what filling its lines would cost and take, line by line."""
    by_key: dict[tuple[int, str], list[Row]] = {}
    for pledge in draft.pledges:
        by_key.setdefault((draft.theatre_of(pledge), pledge["capability"]), []).append(pledge)
    est = {m.mission_id: Estimate() for m in draft.missions}
    for line in draft.lines:
        mission = draft.mission(line["mission_id"])
        if line["capability"] in EQUIPMENT_ITEMS:
            _add_item_line(draft, est[mission.mission_id], line)
        else:
            _add_unit_line(draft, est[mission.mission_id], line, mission, by_key)
    for pledge in draft.pledges:
        if pledge["must_deploy"]:
            e = est[pledge["allowed_missions"][0]]
            e.forced_cost += pledge["units"] * unit_cost(draft, pledge,
                                                         pledge["allowed_missions"][0])
            e.forced_people += pledge["units"] * pledge["personnel_per_unit"]
    return est


def _add_item_line(draft: Draft, e: Estimate, line: Row) -> None:
    """An equipment line at 60% (low) and 115% (high) of the standard lease."""
    spend = line["units"] * _LEASE[line["capability"]]
    e.low_cost += int(spend * 0.6)
    e.high_cost += int(spend * 1.15)
    if line["mandatory"]:
        dearest_lot = max(q["monthly_cost_usd"] for q in draft.dedicated[id(line)])
        e.forced_cost += line["units"] * dearest_lot * PERIOD_MONTHS


def _add_unit_line(draft: Draft, e: Estimate, line: Row, mission: Mission,
                   by_key: dict[tuple[int, str], list[Row]]) -> None:
    """A unit line filled from its theatre's compatible pledges (must-deploy ones aside)."""
    cap = line["capability"]
    options = []
    for c in (cap, *SUBSTITUTES[cap]):
        for pledge in by_key.get((mission.theatre, c), []):
            if pledge["must_deploy"] or not fits(pledge, line, mission):
                continue
            kit = sum(q * _LEASE[i] * 0.6 for i, q in pledge["equipment_gap"].items())
            options.append((unit_cost(draft, pledge, mission.mission_id) + int(kit),
                            pledge["pledge_id"], pledge))
    if not options:
        return
    options.sort(key=lambda o: (o[0], o[1]))
    e.high_cost += line["units"] * options[-1][0]
    e.high_people += line["units"] * max(o[2]["personnel_per_unit"] for o in options)
    if line["mandatory"]:
        # Its dedicated supply always fills it: the dearest and largest of those units.
        own = draft.dedicated[id(line)]
        costs = sorted((unit_cost(draft, p, mission.mission_id) for p in own
                        for _ in range(p["units"])), reverse=True)
        sizes = sorted((p["personnel_per_unit"] for p in own for _ in range(p["units"])),
                       reverse=True)
        e.forced_cost += sum(costs[:line["units"]])
        e.forced_people += sum(sizes[:line["units"]])
    e.low_cost += _fill(line["units"], [(o[0], o[2]) for o in options])
    by_size = sorted((o[2] for o in options),
                     key=lambda p: (p["personnel_per_unit"], p["pledge_id"]))
    e.low_people += _fill(line["units"], [(p["personnel_per_unit"], p) for p in by_size])


def _fill(units: int, ranked: list[tuple[int, Row]]) -> int:
    """Total of ``units`` units taken in the given order: each pledge gives what it offers."""
    total = 0
    left = units
    for value, pledge in ranked:
        take = min(left, pledge["units"])
        total += take * value
        left -= take
        if not left:
            break
    return total

