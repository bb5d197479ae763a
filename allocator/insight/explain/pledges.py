"""Why a pledge is unused: one reason row per unused pledge (see the package doc).

A unit or equipment pledge is read against the lines it could serve: none asks for it, rules
keep it off all of them, they are all filled, or a limit of the most important short one stops
one more unit (or item) of it. A funding pledge is read against the ``budget`` reasons of the
short lines in the missions it may pay for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from allocator.insight.explain.explanation import Row, join_ids
from allocator.insight.explain.facts import LIMITS, UNIT_RULES, Facts


def pledge_rows(facts: Facts, unused: Iterable[Row], requirement_rows: list[Row]) -> list[Row]:
    """One reason row per row of the unused-pledges table, given the requirement reasons."""
    budget_rows = [row for row in requirement_rows if row["reason"] == "budget"]
    return [_pledge_row(facts, row, budget_rows) for row in unused]


def _pledge_row(facts: Facts, row: Row, budget_rows: list[Row]) -> Row:
    out = {key: row[key] for key in ("kind", "pledge_id", "state", "offer", "unused")}
    out |= {"rule": "", "requirements": "", "detail": ""}
    if row["kind"] == "funding":
        return out | _funding_reason(facts, facts.f_index[row["pledge_id"]], budget_rows)
    kit = row["kind"] == "equipment"
    x = (facts.q_index if kit else facts.u_index)[row["pledge_id"]]
    if kit:
        lines = facts.lines_for_item.get(facts.sc.equipment_pledges[x].item, [])
    else:
        lines = facts.lines_for_capability.get(facts.sc.unit_pledges[x].capability, [])
    if not lines:
        return out | {"reason": "no_requirement",
                      "detail": f"no line asks for {row['offer']}"
                                + (" or equips units lacking it" if kit else "")}
    rules = {r: facts.rules(x, r, kit) for r in lines}
    usable = [r for r in lines if not rules[r]]
    if not usable:
        return out | _excluded(facts, rules)
    return out | _short_reason(facts, x, kit, usable)


def _excluded(facts: Facts, rules: dict[int, list[str]]) -> Row:
    """``excluded_by_rule``: every line the pledge could serve rules it out."""
    requirements = facts.sc.requirements
    by_rule: dict[str, list[str]] = defaultdict(list)
    for r, broken in rules.items():
        for rule in broken:
            by_rule[rule].append(requirements[r].requirement_id)
    order = [rule for rule in [*UNIT_RULES, "other"] if rule in by_rule]
    return {"reason": "excluded_by_rule", "rule": join_ids(order),
            "requirements": join_ids([requirements[r].requirement_id for r in rules]),
            "detail": "; ".join(f"{rule}: {_some(by_rule[rule])}" for rule in order)}


def _short_reason(facts: Facts, x: int, kit: bool, usable: list[int]) -> Row:
    """``demand_met``, or what stops pledge x going to the lines it may serve that are short."""
    requirements = facts.sc.requirements
    short = sorted((r for r in usable if r in facts.short_set),
                   key=lambda r: (requirements[r].priority, r))
    names = join_ids([requirements[r].requirement_id for r in (short or usable)])
    if not short:
        return {"reason": "demand_met", "requirements": names,
                "detail": f"all {len(usable)} line(s) it may serve are filled"}
    verdicts = {r: (_kit_verdict(facts, x, r) if kit else facts.move(x, r).limits or ["other"])
                for r in short}
    # The most important short line decides; a line where this pledge would matter (a limit
    # holds it back) goes before one where it simply is not the missing piece.
    first = min(short, key=lambda r: (verdicts[r] == ["no_units_to_equip"],
                                      requirements[r].priority, r))
    return {"reason": verdicts[first][0], "rule": join_ids(verdicts[first]),
            "requirements": names,
            "detail": "; ".join(f"{requirements[r].requirement_id} short "
                                f"{requirements[r].units - facts.filled[r]}: "
                                f"{', '.join(verdicts[r])}" for r in short)}


def _kit_verdict(facts: Facts, q: int, r: int) -> list[str]:
    """Why idle equipment q does not go to short line r."""
    if facts.p.requirement_is_equipment[r]:
        return facts.kit_move(q, r) or ["other"]
    item = facts.sc.equipment_pledges[q].item
    lacking = [u for u in facts.line_units.get(r, []) if facts.idle(u, False) > 0
               and item in facts.sc.unit_pledges[u].equipment_gap and facts.fits_ceiling(u, r)]
    if not lacking:
        return ["no_units_to_equip"]
    limits = {lim for u in lacking for lim in facts.move(u, r).limits}
    return [lim for lim in LIMITS if lim in limits] or ["other"]


def _funding_reason(facts: Facts, f: int, budget_rows: list[Row]) -> Row:
    """``budget`` if a line it could pay for is held back by money, else ``not_needed``."""
    sc = facts.sc
    reach = [m for m in range(len(sc.missions)) if m in facts.p.funding_missions[f]]
    names = {sc.missions[m].mission_id for m in reach}
    held = [row for row in budget_rows if row["mission_id"] in names]
    if held:
        return {"reason": "budget", "requirements": join_ids([h["requirement_id"] for h in held]),
                "detail": "too little even with all other money that can reach them: "
                          + "; ".join(f"{h['requirement_id']} needs US${h['extra_usd']:,} "
                                      "more" for h in held)}
    drawing = [sc.missions[m].mission_id for m in reach if facts.drawn[m] > 0]
    where = ", ".join(sorted(names)) if len(reach) <= 5 else f"{len(reach)} missions"
    return {"reason": "not_needed",
            "detail": f"no short line in {where} is held back by money"
                      + (f"; {', '.join(drawing)} already covered by funding"
                         if drawing else "; none of them spends beyond its budget")}


def _some(ids: list[str], most: int = 4) -> str:
    """A few ids and how many more (the full list is in the ``requirements`` column)."""
    if len(ids) <= most:
        return ", ".join(ids)
    return f"{len(ids)} lines ({', '.join(ids[:most])}, ...)"
