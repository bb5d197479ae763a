"""Why a short requirement line is short: its reason rows, ranked (see the package doc).

Ranking: ``no_pledge`` alone; otherwise the binding limits with idle compatible supply (the
one holding back the most idle pledges first), then ``used_elsewhere`` or ``too_few_pledges``,
then ``excluded_by_rule`` (the rule failed alone by the most pledges first).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal

from allocator.insight.explain.explanation import Row, join_ids
from allocator.insight.explain.facts import EQUIPMENT_RULES, LIMITS, UNIT_RULES, Facts, Move
from allocator.status import SolveStatus

ENUMERATION_CAP = 20_000
"""Multisets of gap-carrying pledges tried for the exact cheapest fill; past it, greedy."""

RULE_WORDS = {
    "readiness": "the line's minimum readiness",
    "deadline": "the line's deployment deadline",
    "language": "the line's language",
    "caveat": "their own caveats (allowed or excluded missions)",
    "impartiality": "the mission's impartiality exclusions (host or excluded state)",
    "ceiling": "the mission's personnel ceiling (one unit is larger than the whole ceiling)",
    "other": "a compatibility rule",
}
"""What each rule asks, as the ``excluded_by_rule`` detail says it."""

def _usd(cents: int) -> Decimal:
    return Decimal(cents) / 100


def requirement_rows(facts: Facts, r: int) -> list[Row]:
    """Short line r -> its reason rows, ranked (``rank`` 1 is the reason that blocks it)."""
    req = facts.sc.requirements[r]
    short = req.units - facts.filled[r]
    base = {"requirement_id": req.requirement_id, "mission_id": req.mission_id,
            "capability": req.capability, "priority": req.priority, "shortfall": short,
            "rule": "", "pledges": "", "used_by": "", "higher_priority": "", "detail": "",
            "extra_usd": None}
    rows: list[Row] = []
    kit_line = facts.p.requirement_is_equipment[r]
    candidates = facts.candidates(r)
    if not candidates:
        what = f"equipment pledge of {req.capability}" if kit_line else \
            f"unit pledge of {req.capability} or an accepted substitute"
        rows.append(base | {"reason": "no_pledge", "detail": f"no {what} exists"})
        return _ranked(rows)
    rules_of = {x: facts.rules(x, r, kit_line) for x in candidates}
    usable = [x for x in candidates if not rules_of[x]]
    if usable:
        rows.extend(_limit_rows(facts, r, usable, base, short))
        rows.extend(_supply_rows(facts, r, usable, base, kit_line))
    rows.extend(_rule_rows(facts, rules_of, base, kit_line))
    return _ranked(rows)


def _ranked(rows: list[Row]) -> list[Row]:
    return [row | {"rank": i} for i, row in enumerate(rows, start=1)]


def _rule_rows(facts: Facts, rules_of: dict[int, list[str]], base: Row,
               kit_line: bool) -> list[Row]:
    """``excluded_by_rule``, one row per rule some candidate fails."""
    ids = facts.ids(kit_line)
    order = [*(EQUIPMENT_RULES if kit_line else UNIT_RULES), "other"]
    failing = {rule: [x for x in rules_of if rule in rules_of[x]] for rule in order}
    only = {rule: [ids[x] for x in failing[rule] if rules_of[x] == [rule]] for rule in order}
    # The rule that alone keeps the most pledges off goes first: relaxing it admits most.
    return [base | {
        "reason": "excluded_by_rule", "rule": rule,
        "pledges": join_ids([ids[x] for x in failing[rule]]),
        "detail": f"{len(failing[rule])} pledge(s) fail {RULE_WORDS[rule]}"
                  + (f"; only this rule: {', '.join(only[rule])}" if only[rule] else "")}
        for rule in sorted((rule for rule in order if failing[rule]),
                           key=lambda rule: (-len(only[rule]), -len(failing[rule]),
                                             order.index(rule)))]


def _limit_rows(facts: Facts, r: int, usable: list[int], base: Row, short: int) -> list[Row]:
    """Rows for the hard limits holding back idle compatible supply (or ``other``)."""
    kit_line = facts.p.requirement_is_equipment[r]
    ids = facts.ids(kit_line)
    idle = [x for x in usable if facts.idle(x, kit_line) > 0]
    if not idle:
        return []
    moves = {x: (Move(facts.kit_move(x, r), facts.kit_cents[x, r]) if kit_line
                 else facts.move(x, r)) for x in idle}
    blocked = {lim: [x for x in idle if lim in moves[x].limits] for lim in LIMITS}
    rows = []
    for lim in sorted((lim for lim in LIMITS if blocked[lim]),
                      key=lambda lim: (-len(blocked[lim]), LIMITS.index(lim))):
        held = blocked[lim]
        rows.append(base | {"reason": lim, "pledges": join_ids([ids[x] for x in held])}
                    | _limit_detail(facts, lim, r, held, moves, short))
    if not rows:
        rows.append(base | {"reason": "other", "pledges": join_ids([ids[x] for x in idle]),
                            "detail": _why_not_optimised(facts, r)})
    return rows


def _limit_detail(facts: Facts, lim: str, r: int, held: list[int], moves: dict[int, Move],
                  short: int) -> Row:
    """``detail`` (and for the budget ``extra_usd``) of limit ``lim`` holding back ``held``."""
    if lim == "budget":
        return _budget_detail(facts, r, held, moves, short)
    m = facts.p.requirement_mission[r]
    mission = facts.sc.missions[m]
    if lim == "ceiling":
        smallest = min(facts.sc.unit_pledges[x].personnel_per_unit for x in held)
        over = facts.people[m] + smallest - (mission.personnel_ceiling or 0)
        return {"detail": f"{mission.mission_id} deploys {facts.people[m]:,} of its "
                          f"ceiling {mission.personnel_ceiling:,}; the smallest idle "
                          f"unit ({smallest:,} persons) is {over:,} person(s) over"}
    if lim == "equipment":
        parts = sorted({f"{item} (needs {need}, {have} spare or idle)"
                        for x in held for item, (need, have) in moves[x].missing.items()})
        return {"detail": "no idle compatible equipment covers the gap: " + ", ".join(parts)}
    states = sorted({facts.sc.unit_pledges[x].state for x in held})
    return {"detail": f"{', '.join(states)} at the {facts.p.max_state_share[m]} "
                      f"share limit of {mission.mission_id} (hard)"}


def _budget_detail(facts: Facts, r: int, held: list[int], moves: dict[int, Move],
                   short: int) -> Row:
    """The exact extra money the budget needs, over the units it alone holds back if any."""
    m = facts.p.requirement_mission[r]
    alone = [x for x in held if moves[x].limits == ["budget"]]
    fill_n, cents, exact = _cheapest_fill(facts, r, alone or held, short, moves)
    spare = facts.spare_money(m)
    reachable = facts.reachable_funding(m)
    return {"extra_usd": _usd(cents - spare), "detail": (
        f"filling {fill_n} of {short} unit(s) costs US${_usd(cents):,}; "
        f"{facts.sc.missions[m].mission_id} has US${_usd(spare):,} left (unspent budget "
        f"US${_usd(spare - reachable):,}, funding that can still reach it "
        f"US${_usd(reachable):,})"
        + ("" if alone else "; other limits hold these units back too")
        + ("" if exact else "; cost from a greedy choice (too many mixes to try)"))}


def _supply_rows(facts: Facts, r: int, usable: list[int], base: Row,
                 kit_line: bool) -> list[Row]:
    """``used_elsewhere`` (or ``too_few_pledges``) for the compatible supply."""
    sc = facts.sc
    ids = facts.ids(kit_line)
    on = facts.on_q if kit_line else facts.on_u
    req = sc.requirements[r]
    users: dict[int, list[str]] = defaultdict(list)
    for x in usable:
        for other, n in sorted(on.get(x, {}).items()):
            if other != r:
                users[other].append(f"{ids[x]} x{n}")
    idle = any(facts.idle(x, kit_line) > 0 for x in usable)
    if not users:
        if idle:
            return []
        here = sum(on.get(x, {}).get(r, 0) for x in usable)
        return [base | {"reason": "too_few_pledges", "pledges": join_ids([ids[x] for x in usable]),
                        "detail": f"all {here} compatible unit(s) pledged are on this line"}]
    lines = sorted(users, key=lambda o: (sc.requirements[o].priority, o))
    higher = [sc.requirements[o].requirement_id for o in lines
              if sc.requirements[o].priority < req.priority]
    used = sorted({x for x in usable if any(o != r for o in on.get(x, {}))})
    return [base | {
        "reason": "used_elsewhere", "pledges": join_ids([ids[x] for x in used]),
        "used_by": join_ids([sc.requirements[o].requirement_id for o in lines]),
        "higher_priority": join_ids(higher),
        "detail": "; ".join(f"{sc.requirements[o].requirement_id} (priority "
                            f"{sc.requirements[o].priority}): {', '.join(users[o])}"
                            for o in lines)}]


def _cheapest_fill(facts: Facts, r: int, units: list[int], short: int,
                   moves: dict[int, Move]) -> tuple[int, int, bool]:
    """(units filled, cents, exact) for the cheapest fill of up to ``short`` units."""
    if facts.p.requirement_is_equipment[r]:
        costs = sorted(c for q in units for c in
                       [facts.kit_cents[q, r]] * facts.idle(q, True))[:short]
        return len(costs), sum(costs), True
    plain = sorted(c for u in units if not facts.sc.unit_pledges[u].equipment_gap
                   for c in [facts.unit_cents[u, r]] * min(facts.idle(u, False), short))
    gapped = [u for u in units if facts.sc.unit_pledges[u].equipment_gap]
    ranges = [range(min(facts.idle(u, False), short) + 1) for u in gapped]
    best: tuple[int, int] | None = None  # (-filled, cents)
    exact = True
    for tried, counts in enumerate(itertools.product(*ranges)):
        if tried >= ENUMERATION_CAP:
            exact = False
            break
        n = sum(counts)
        if n > short:
            continue
        cents = _kit_cost(facts, r, gapped, counts)
        if cents is None:
            continue
        cents += sum(c * facts.unit_cents[u, r] for u, c in zip(gapped, counts, strict=True))
        rest = plain[:short - n]
        key = (-(n + len(rest)), cents + sum(rest))
        if best is None or key < best:
            best = key
    if best is None or not exact:
        greedy = _greedy_fill(facts, r, units, gapped, short, moves)
        best = greedy if best is None or greedy < best else best
    return -best[0], best[1], exact


def _greedy_fill(facts: Facts, r: int, units: list[int], gapped: list[int], short: int,
                 moves: dict[int, Move]) -> tuple[int, int]:
    """(-filled, cents): units in order of their own cost with their cheapest equipment."""
    order = sorted(units, key=lambda u: moves[u].cents or 0)
    chosen = [u for u in order for _ in range(facts.idle(u, False))][:short]
    counts = tuple(chosen.count(u) for u in gapped)
    kit = _kit_cost(facts, r, gapped, counts) or 0
    return -len(chosen), sum(facts.unit_cents[u, r] for u in chosen) + kit


def _kit_cost(facts: Facts, r: int, gapped: list[int], counts: tuple[int, ...]) -> int | None:
    """Cents of the cheapest equipment for ``counts`` units of each gapped pledge on r."""
    need: dict[str, int] = defaultdict(int)
    for u, c in zip(gapped, counts, strict=True):
        for item, qty in facts.sc.unit_pledges[u].equipment_gap.items():
            need[item] += c * qty
    total = 0
    for item, n in need.items():
        cents = facts.pool_cost(facts.kit_pool(r, item), n)
        if cents is None:
            return None
        total += cents
    return total


def _why_not_optimised(facts: Facts, r: int) -> str:
    """Which premise of "idle supply means a binding limit" failed, for ``other``."""
    result, policy = facts.result, facts.sc.policy
    req = facts.sc.requirements[r]
    if policy.priority_weights.get(req.priority, 0) == 0:
        return f"priority {req.priority} has shortfall weight 0"
    if result.objective_mode != "lexicographic" or policy.objective[0] != "shortfall":
        return ("shortfall is not the first objective level (objective "
                f"{result.objective_mode} {policy.objective}): other levels traded it off")
    if result.status is not SolveStatus.OPTIMAL and (
            not result.levels or result.levels[0].status is not SolveStatus.OPTIMAL):
        return "the shortfall level was not proven optimal (time limit): a better plan may " \
               "fill it"
    return "idle compatible supply fits every hard limit; the plan is not shortfall-optimal"
