"""Why a requirement line is short, and why a pledge is unused: reasons read off a plan.

No solver runs here. ``explain(result)`` reads the scenario, the compiled compatibility facts
(``allocator.model.problem``) and the verified plan, and asks of every short line the question
the planner asks: *could one more unit go there, with the rest of the plan as it is, and if
not, what stops it?* Because weighted shortfall is the first lexicographic level and is solved
to optimality, a line with idle compatible supply is short only because adding a unit would
break a hard limit of its mission (budget, ceiling, equipment gap, hard state share): every
other row of the model (pledge supply, equipment supply, the line's own fill) has room by
construction, and the soft goals never forbid a unit. So each short line gets at least one of
the reasons below; the fallback ``other`` appears only when that argument does not hold
(shortfall not the first level, a priority weighted 0, or the level not proven optimal).

Requirement reasons (table ``requirements``: one row per short line and reason, ``rank`` 1 is
the reason that truly blocks the line):

- ``no_pledge``: no unit pledge of the capability or of an accepted substitute exists (for an
  equipment-item line: no equipment pledge of the item). Always alone.
- ``excluded_by_rule``: pledges of the capability exist but rules keep them off this line;
  one row per rule, ``rule`` one of ``readiness``, ``deadline``, ``language``, ``caveat``
  (allowed/excluded missions), ``impartiality`` (host or excluded state), ``ceiling`` (one
  unit alone has more personnel than the mission's whole ceiling); for equipment
  ``deadline``, ``caveat``, ``impartiality``. A pledge failing several rules is listed under
  each rule it fails; ``detail`` names those that fail that rule only (relaxing that rule
  alone would admit them), and the rule failed alone by the most pledges ranks first.
- ``used_elsewhere``: units of compatible pledges are deployed on other lines; ``used_by``
  names them (``detail`` gives each with its priority) and ``higher_priority`` those whose
  priority is more important (lower number) than this line's.
- ``too_few_pledges``: every compatible unit pledged is already on this line; the line asks
  for more than was pledged.
- ``budget``: idle compatible supply exists but paying for it would exceed the mission's
  budget plus every dollar of funding that can still reach it. ``extra_usd`` is exact: the
  least cost of filling the shortfall (as far as that idle supply can) with idle compatible
  units that only the budget holds back (unit cost for the period plus transport, plus the
  cheapest idle compatible equipment for their gaps; any equipment already on the line beyond
  its units' needs is free), minus the mission's unspent budget and the funding that can
  still reach it (the largest amount routable to it, by an integer max-flow, with every other
  mission's draw still covered; this includes unused money earmarked for it or unearmarked).
  If no unit is held back by the budget alone, the cost is over the units the budget holds
  back and ``detail`` says that other limits bind too.
- ``ceiling``: the mission's personnel ceiling leaves no room for the smallest idle compatible
  unit; ``detail`` says how many persons short.
- ``equipment``: idle compatible troops-only units exist but no idle compatible equipment
  (nor spare equipment already on the line) covers their gap.
- ``state_share``: only with ``policy.state_share_hard``: idle compatible units come only from
  states at their share limit.
- ``other``: the fallback above; ``detail`` says which premise failed.

Ranking: ``no_pledge`` alone; otherwise the binding limits with idle compatible supply
(``budget``, ``ceiling``, ``equipment``, ``state_share``; the one holding back the most idle
pledges first), then ``used_elsewhere`` or ``too_few_pledges``, then ``excluded_by_rule``.

Pledge reasons (table ``pledges``: one row per row of ``result.unused_pledges``):

- ``no_requirement``: no line asks for its capability (or one it substitutes for), its item,
  or equips units lacking its item.
- ``excluded_by_rule``: such lines exist but each rules it out; ``rule`` lists the rules and
  ``detail`` the lines per rule.
- ``demand_met``: every line it may serve is fully filled.
- ``budget`` / ``ceiling`` / ``equipment`` / ``state_share``: a line it may serve is short,
  and that limit of its mission stops one more unit (or item) of this pledge going there (the
  most important short line decides; ``detail`` gives every short line and its limits).
- ``no_units_to_equip`` (equipment): the unit lines it could equip are short, but no idle unit
  that may serve them lacks its item.
- ``not_needed`` (funding): no short line in a mission it may reach is held back by money.
- ``budget`` (funding): a short line it could pay for needs more than this pledge and all the
  other money that can reach that mission (``extra_usd`` of that line in ``detail``).
- ``other``: as above.

Money is counted in integer cents and reported as ``Decimal`` dollars, so nothing is rounded.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from allocator.model.problem import (
    ProblemData,
    broken_rules,
    compile_problem,
    need_of,
    offer_of,
    substitutes,
)
from allocator.status import SolveStatus

if TYPE_CHECKING:
    from allocator.result.result import AllocationResult

REQUIREMENT_COLUMNS = ["requirement_id", "mission_id", "capability", "priority", "shortfall",
                       "rank", "reason", "rule", "pledges", "used_by", "higher_priority",
                       "detail", "extra_usd"]
PLEDGE_COLUMNS = ["kind", "pledge_id", "state", "offer", "unused", "reason", "rule",
                  "requirements", "detail"]
LIMITS = ("budget", "ceiling", "equipment", "state_share")
"""Hard mission limits that can hold back idle compatible supply, in reporting order."""
UNIT_RULES = ("readiness", "deadline", "language", "caveat", "impartiality", "ceiling")
EQUIPMENT_RULES = ("deadline", "caveat", "impartiality")
_ENUMERATION_CAP = 20_000  # multisets of gap-carrying pledges tried for the exact cheapest fill


def _usd(cents: int) -> Decimal:
    return Decimal(cents) / 100


def _join(ids: list[str]) -> str:
    return ";".join(ids)


@dataclass
class Explanation:
    """Reasons for every short requirement line and every unused pledge (see module doc)."""

    requirements: pd.DataFrame
    pledges: pd.DataFrame

    def first_reasons(self) -> dict[str, str]:
        """requirement_id -> its rank-1 reason."""
        top = self.requirements[self.requirements["rank"] == 1]
        return dict(zip(top.requirement_id, top.reason, strict=True))

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """JSON-ready records; ``extra_usd`` as a number (whole dollars as int)."""
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = []
            for row in frame.to_dict(orient="records"):
                for key, value in row.items():
                    if isinstance(value, Decimal):
                        row[key] = int(value) if value == value.to_integral_value() \
                            else float(value)
                    elif value is None or (isinstance(value, float) and value != value):
                        row[key] = None
                    elif hasattr(value, "item"):  # numpy scalars
                        row[key] = value.item()
                out.append(row)
            return out

        return {"requirements": records(self.requirements), "pledges": records(self.pledges)}

    @classmethod
    def from_dict(cls, doc: dict[str, list[dict[str, Any]]]) -> Explanation:
        """Read back ``to_dict``'s form (a result JSON's ``explanations``), money as Decimal."""
        requirements = pd.DataFrame(doc.get("requirements", []), columns=REQUIREMENT_COLUMNS)
        requirements["extra_usd"] = [None if v is None else Decimal(str(v))
                                     for v in requirements["extra_usd"]]
        return cls(requirements, pd.DataFrame(doc.get("pledges", []), columns=PLEDGE_COLUMNS))


def explain(result: AllocationResult) -> Explanation:
    """Explain a result's short lines and unused pledges; empty tables when it has no plan."""
    if result.plan is None:
        return Explanation(pd.DataFrame(columns=REQUIREMENT_COLUMNS),
                           pd.DataFrame(columns=PLEDGE_COLUMNS))
    facts = _Facts(result)
    rows: list[dict[str, Any]] = []
    for r in facts.short_lines:
        rows.extend(facts.line_reasons[r])
    requirements = pd.DataFrame(rows, columns=REQUIREMENT_COLUMNS)
    pledges = pd.DataFrame([facts.pledge_row(row) for row in
                            result.unused_pledges.to_dict(orient="records")],
                           columns=PLEDGE_COLUMNS)
    return Explanation(requirements, pledges)


@dataclass
class _Move:
    """What stops one more unit of pledge u on line r, with the rest of the plan held."""

    limits: list[str]
    cents: int | None  # the unit and its cheapest gap equipment, if the gap can be covered
    missing: dict[str, tuple[int, int]] = field(default_factory=dict)  # item -> (need, have)


class _Facts:
    """The plan's usage, spare capacity and compatibility, indexed once per explanation."""

    def __init__(self, result: AllocationResult) -> None:
        sc = result.scenario
        self.result = result
        self.sc = sc
        self.p: ProblemData = compile_problem(sc)
        p = self.p
        self.mission_index = {m.mission_id: i for i, m in enumerate(sc.missions)}
        self.u_index = {u.pledge_id: i for i, u in enumerate(sc.unit_pledges)}
        self.q_index = {q.equipment_id: i for i, q in enumerate(sc.equipment_pledges)}
        self.r_index = {r.requirement_id: i for i, r in enumerate(sc.requirements)}
        self.f_index = {f.funding_id: i for i, f in enumerate(sc.funding_pledges)}
        cents = p.money_unit_cents
        self.unit_cents = {(pr.u, pr.r): pr.cost * cents for pr in p.unit_pairs}
        self.kit_cents = {(pr.q, pr.r): pr.cost * cents for pr in p.equipment_pairs}
        self.unit_lines: dict[int, set[int]] = defaultdict(set)  # u -> compatible lines
        self.line_units: dict[int, list[int]] = defaultdict(list)  # r -> compatible pledges
        for pr in p.unit_pairs:
            self.unit_lines[pr.u].add(pr.r)
            self.line_units[pr.r].append(pr.u)
        self.kit_lines: dict[int, set[int]] = defaultdict(set)
        self.line_kit: dict[int, list[int]] = defaultdict(list)
        for pr in p.equipment_pairs:
            self.kit_lines[pr.q].add(pr.r)
            self.line_kit[pr.r].append(pr.q)
        self.fillers = substitutes(sc)

        plan = result.plan
        assert plan is not None
        n_m = len(sc.missions)
        self.used_u = [0] * len(sc.unit_pledges)
        self.used_q = [0] * len(sc.equipment_pledges)
        self.on_u: dict[int, dict[int, int]] = defaultdict(dict)  # u -> {r: units}
        self.on_q: dict[int, dict[int, int]] = defaultdict(dict)  # q -> {r: items}
        self.filled = [0] * len(sc.requirements)
        self.cost = [0] * n_m  # cents
        self.people = [0] * n_m
        self.people_of_state: dict[tuple[int, str], int] = defaultdict(int)
        gap_need: dict[tuple[int, str], int] = defaultdict(int)
        gap_supply: dict[tuple[int, str], int] = defaultdict(int)
        for a in plan.assignments:
            u, r = self.u_index[a.pledge_id], self.r_index[a.requirement_id]
            pledge, m = sc.unit_pledges[u], p.requirement_mission[r]
            self.used_u[u] += a.units
            self.on_u[u][r] = self.on_u[u].get(r, 0) + a.units
            self.filled[r] += a.units
            self.cost[m] += a.units * self.unit_cents[u, r]
            self.people[m] += a.units * pledge.personnel_per_unit
            self.people_of_state[m, pledge.state] += a.units * pledge.personnel_per_unit
            for item, qty in pledge.equipment_gap.items():
                gap_need[r, item] += a.units * qty
        for e in plan.equipment_flows:
            q, r = self.q_index[e.equipment_id], self.r_index[e.requirement_id]
            self.used_q[q] += e.items
            self.on_q[q][r] = self.on_q[q].get(r, 0) + e.items
            self.cost[p.requirement_mission[r]] += e.items * self.kit_cents[q, r]
            item = sc.equipment_pledges[q].item
            if p.requirement_is_equipment[r]:
                self.filled[r] += e.items
            else:
                gap_supply[r, item] += e.items
        # Equipment already on a line beyond what its units need is free for one more unit.
        self.spare_kit = {key: gap_supply[key] - gap_need.get(key, 0) for key in gap_supply}
        self.drawn = [0] * n_m
        self.paid = [0] * len(sc.funding_pledges)
        for flow in plan.funding_flows:
            cents_paid = int(flow.amount_usd * 100)
            self.drawn[self.mission_index[flow.mission_id]] += cents_paid
            self.paid[self.f_index[flow.funding_id]] += cents_paid
        self.short_lines = [r for r, req in enumerate(sc.requirements)
                            if self.filled[r] < req.units]

    # ----- money -------------------------------------------------------------------------
    @cached_property
    def _funding_cents(self) -> list[int]:
        return [int(f.amount_usd * 100) for f in self.sc.funding_pledges]

    def reachable_funding(self, m: int) -> int:
        """Most cents of funding that can still reach mission m, every other draw kept."""
        return self._reachable[m]

    @cached_property
    def _reachable(self) -> list[int]:
        from ortools.graph.python import max_flow

        amounts, n_f, n_m = self._funding_cents, len(self._funding_cents), len(self.sc.missions)
        out = []
        for m in range(n_m):
            reach = [f for f in range(n_f) if m in self.p.funding_missions[f]]
            if not reach:
                out.append(0)
                continue
            # Source -> pledges -> missions -> sink; m's sink arc is uncapped, the others carry
            # just their current draw. Augmenting from the plan's own flows never lowers another
            # mission's draw, so max-flow minus all current draws is what m can still get.
            graph = max_flow.SimpleMaxFlow()
            source, sink = n_f + n_m, n_f + n_m + 1
            for f, amount in enumerate(amounts):
                graph.add_arc_with_capacity(source, f, amount)
                for mi in self.p.funding_missions[f]:
                    graph.add_arc_with_capacity(f, n_f + mi, amount)
            for mi in range(n_m):
                graph.add_arc_with_capacity(n_f + mi, sink,
                                            sum(amounts) if mi == m else self.drawn[mi])
            graph.solve(source, sink)
            out.append(graph.optimal_flow() - sum(self.drawn))
        return out

    def spare_money(self, m: int) -> int:
        """Unspent budget of m plus every cent of funding that can still reach it."""
        return self.p.budget[m] * self.p.money_unit_cents + self.drawn[m] - self.cost[m] \
            + self.reachable_funding(m)

    # ----- one more unit ----------------------------------------------------------------
    def kit_pool(self, r: int, item: str) -> list[tuple[int, int]]:
        """(cents per item, items) that could equip one more unit on r, cheapest first."""
        pool = []
        spare = self.spare_kit.get((r, item), 0)
        if spare > 0:
            pool.append((0, spare))
        for q in self.line_kit.get(r, []):
            idle = self.sc.equipment_pledges[q].quantity - self.used_q[q]
            if self.sc.equipment_pledges[q].item == item and idle > 0:
                pool.append((self.kit_cents[q, r], idle))
        return sorted(pool)

    @staticmethod
    def pool_cost(pool: list[tuple[int, int]], count: int) -> int | None:
        """Cents for the cheapest ``count`` items of a pool; None if it has fewer."""
        total = 0
        for cents, available in pool:
            take = min(count, available)
            total += take * cents
            count -= take
            if count == 0:
                break
        return total if count == 0 else None

    def move(self, u: int, r: int) -> _Move:
        sc, p = self.sc, self.p
        pledge, m = sc.unit_pledges[u], p.requirement_mission[r]
        mission = sc.missions[m]
        limits: list[str] = []
        kit = 0
        missing: dict[str, tuple[int, int]] = {}
        for item, qty in sorted(pledge.equipment_gap.items()):
            pool = self.kit_pool(r, item)
            cents = self.pool_cost(pool, qty)
            if cents is None:
                missing[item] = (qty, sum(n for _, n in pool))
            else:
                kit += cents
        total = None if missing else self.unit_cents[u, r] + kit
        if total is not None and total > self.spare_money(m):
            limits.append("budget")
        if mission.personnel_ceiling is not None and \
                self.people[m] + pledge.personnel_per_unit > mission.personnel_ceiling:
            limits.append("ceiling")
        if missing:
            limits.append("equipment")
        share: Fraction | None = p.max_state_share[m]
        if p.state_share_hard and share is not None:
            mine = self.people_of_state[m, pledge.state] + pledge.personnel_per_unit
            if mine > share * (self.people[m] + pledge.personnel_per_unit):
                limits.append("state_share")
        return _Move(limits, total, missing)

    def kit_move(self, q: int, r: int) -> list[str]:
        """Limits stopping one more item of q on an equipment line r (only money can)."""
        m = self.p.requirement_mission[r]
        return ["budget"] if self.kit_cents[q, r] > self.spare_money(m) else []

    def fits_ceiling(self, u: int, r: int) -> bool:
        ceiling = self.sc.missions[self.p.requirement_mission[r]].personnel_ceiling
        return ceiling is None or self.sc.unit_pledges[u].personnel_per_unit <= ceiling

    # ----- rules ------------------------------------------------------------------------
    def unit_rules(self, u: int, r: int) -> list[str]:
        """Rules keeping pledge u off line r (empty: u may serve r)."""
        if r in self.unit_lines.get(u, ()):
            return [] if self.fits_ceiling(u, r) else ["ceiling"]
        return broken_rules(self._offers[u], self._needs[r]) or ["other"]

    def kit_rules(self, q: int, r: int) -> list[str]:
        if r in self.kit_lines.get(q, ()):
            return []
        eq, req = self.sc.equipment_pledges[q], self.sc.requirements[r]
        need = self._needs[r]
        broken = []
        if req.deadline_days is not None and eq.available_days > req.deadline_days:
            broken.append("deadline")
        if eq.allowed_missions and req.mission_id not in eq.allowed_missions:
            broken.append("caveat")
        if eq.state in need.barred:
            broken.append("impartiality")
        return broken or ["other"]

    @cached_property
    def _offers(self) -> list[Any]:
        return [offer_of(self.sc, u) for u in self.sc.unit_pledges]

    @cached_property
    def _needs(self) -> list[Any]:
        return [need_of(self.sc, r) for r in self.sc.requirements]

    def may_fill(self, capability: str, r: int) -> bool:
        cap = self.sc.requirements[r].capability
        return capability == cap or capability in self.fillers.get(cap, set())

    @cached_property
    def _pledges_of_capability(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for u, pledge in enumerate(self.sc.unit_pledges):
            out[pledge.capability].append(u)
        return out

    @cached_property
    def _kit_of_item(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for q, eq in enumerate(self.sc.equipment_pledges):
            out[eq.item].append(q)
        return out

    def candidates(self, r: int) -> list[int]:
        """Pledges of the line's capability (or a substitute), whatever the rules say."""
        req = self.sc.requirements[r]
        if self.p.requirement_is_equipment[r]:
            return list(self._kit_of_item.get(req.capability, []))
        caps = {req.capability} | self.fillers.get(req.capability, set())
        return sorted(u for c in caps for u in self._pledges_of_capability.get(c, []))

    # ----- requirement rows -------------------------------------------------------------
    def requirement_rows(self, r: int) -> list[dict[str, Any]]:
        sc, p = self.sc, self.p
        req = sc.requirements[r]
        short = req.units - self.filled[r]
        base = {"requirement_id": req.requirement_id, "mission_id": req.mission_id,
                "capability": req.capability, "priority": req.priority, "shortfall": short,
                "rule": "", "pledges": "", "used_by": "", "higher_priority": "", "detail": "",
                "extra_usd": None}
        rows: list[dict[str, Any]] = []
        kit_line = p.requirement_is_equipment[r]
        candidates = self.candidates(r)
        if not candidates:
            what = f"equipment pledge of {req.capability}" if kit_line else \
                f"unit pledge of {req.capability} or an accepted substitute"
            rows.append(base | {"reason": "no_pledge", "detail": f"no {what} exists"})
            return _ranked(rows)
        rules_of = {x: (self.kit_rules(x, r) if kit_line else self.unit_rules(x, r))
                    for x in candidates}
        usable = [x for x in candidates if not rules_of[x]]
        ids = self._ids(kit_line)
        if usable:
            rows.extend(self._limit_rows(r, usable, base, short))
            rows.extend(self._supply_rows(r, usable, base, kit_line))
        order = [*(EQUIPMENT_RULES if kit_line else UNIT_RULES), "other"]
        failing = {rule: [x for x in candidates if rule in rules_of[x]] for rule in order}
        only = {rule: [ids[x] for x in failing[rule] if rules_of[x] == [rule]] for rule in order}
        # The rule that alone keeps the most pledges off goes first: relaxing it admits most.
        for rule in sorted((rule for rule in order if failing[rule]),
                           key=lambda rule: (-len(only[rule]), -len(failing[rule]),
                                             order.index(rule))):
            rows.append(base | {
                "reason": "excluded_by_rule", "rule": rule,
                "pledges": _join([ids[x] for x in failing[rule]]),
                "detail": f"{len(failing[rule])} pledge(s) fail {_RULE_WORDS[rule]}"
                          + (f"; only this rule: {', '.join(only[rule])}" if only[rule] else "")})
        return _ranked(rows)

    def _ids(self, kit: bool) -> list[str]:
        if kit:
            return [q.equipment_id for q in self.sc.equipment_pledges]
        return [u.pledge_id for u in self.sc.unit_pledges]

    def _idle(self, x: int, kit: bool) -> int:
        if kit:
            return self.sc.equipment_pledges[x].quantity - self.used_q[x]
        return self.sc.unit_pledges[x].units - self.used_u[x]

    def _limit_rows(self, r: int, usable: list[int], base: dict[str, Any],
                    short: int) -> list[dict[str, Any]]:
        """Rows for the hard limits holding back idle compatible supply (or ``other``)."""
        kit_line = self.p.requirement_is_equipment[r]
        ids = self._ids(kit_line)
        idle = [x for x in usable if self._idle(x, kit_line) > 0]
        if not idle:
            return []
        moves = {x: (_Move(self.kit_move(x, r), self.kit_cents[x, r]) if kit_line
                     else self.move(x, r)) for x in idle}
        blocked = {lim: [x for x in idle if lim in moves[x].limits] for lim in LIMITS}
        rows = []
        m = self.p.requirement_mission[r]
        mission = self.sc.missions[m]
        for lim in sorted((lim for lim in LIMITS if blocked[lim]),
                          key=lambda lim: (-len(blocked[lim]), LIMITS.index(lim))):
            held = blocked[lim]
            row = base | {"reason": lim, "pledges": _join([ids[x] for x in held])}
            if lim == "budget":
                alone = [x for x in held if moves[x].limits == ["budget"]]
                fill_n, cents, exact = self._cheapest_fill(r, alone or held, short, moves)
                spare = self.spare_money(m)
                row["extra_usd"] = _usd(cents - spare)
                row["detail"] = (
                    f"filling {fill_n} of {short} unit(s) costs US${_usd(cents):,}; "
                    f"{mission.mission_id} has US${_usd(spare):,} left (unspent budget "
                    f"US${_usd(spare - self.reachable_funding(m)):,}, funding that can "
                    f"still reach it US${_usd(self.reachable_funding(m)):,})"
                    + ("" if alone else "; other limits hold these units back too")
                    + ("" if exact else "; cost from a greedy choice (too many mixes to try)"))
            elif lim == "ceiling":
                smallest = min(self.sc.unit_pledges[x].personnel_per_unit for x in held)
                over = self.people[m] + smallest - (mission.personnel_ceiling or 0)
                row["detail"] = (f"{mission.mission_id} deploys {self.people[m]:,} of its "
                                 f"ceiling {mission.personnel_ceiling:,}; the smallest idle "
                                 f"unit ({smallest:,} persons) is {over:,} person(s) over")
            elif lim == "equipment":
                parts = sorted({f"{item} (needs {need}, {have} spare or idle)"
                                for x in held for item, (need, have) in moves[x].missing.items()})
                row["detail"] = "no idle compatible equipment covers the gap: " + \
                    ", ".join(parts)
            else:
                states = sorted({self.sc.unit_pledges[x].state for x in held})
                row["detail"] = (f"{', '.join(states)} at the {self.p.max_state_share[m]} "
                                 f"share limit of {mission.mission_id} (hard)")
            rows.append(row)
        if not rows:
            rows.append(base | {"reason": "other", "pledges": _join([ids[x] for x in idle]),
                                "detail": self._why_not_optimised(r)})
        return rows

    def _supply_rows(self, r: int, usable: list[int], base: dict[str, Any],
                     kit_line: bool) -> list[dict[str, Any]]:
        """``used_elsewhere`` (or ``too_few_pledges``) for the compatible supply."""
        sc = self.sc
        ids = self._ids(kit_line)
        on = self.on_q if kit_line else self.on_u
        req = sc.requirements[r]
        users: dict[int, list[str]] = defaultdict(list)
        for x in usable:
            for other, n in sorted(on.get(x, {}).items()):
                if other != r:
                    users[other].append(f"{ids[x]} x{n}")
        idle = any(self._idle(x, kit_line) > 0 for x in usable)
        if not users:
            if idle:
                return []
            here = sum(on.get(x, {}).get(r, 0) for x in usable)
            return [base | {"reason": "too_few_pledges", "pledges": _join([ids[x] for x in usable]),
                            "detail": f"all {here} compatible unit(s) pledged are on this line"}]
        lines = sorted(users, key=lambda o: (sc.requirements[o].priority, o))
        higher = [sc.requirements[o].requirement_id for o in lines
                  if sc.requirements[o].priority < req.priority]
        used = sorted({x for x in usable if any(o != r for o in on.get(x, {}))})
        return [base | {
            "reason": "used_elsewhere", "pledges": _join([ids[x] for x in used]),
            "used_by": _join([sc.requirements[o].requirement_id for o in lines]),
            "higher_priority": _join(higher),
            "detail": "; ".join(f"{sc.requirements[o].requirement_id} (priority "
                                f"{sc.requirements[o].priority}): {', '.join(users[o])}"
                                for o in lines)}]

    def _cheapest_fill(self, r: int, units: list[int], short: int,
                       moves: dict[int, _Move]) -> tuple[int, int, bool]:
        """(units filled, cents, exact) for the cheapest fill of up to ``short`` units."""
        if self.p.requirement_is_equipment[r]:
            costs = sorted(c for q in units for c in
                           [self.kit_cents[q, r]] * self._idle(q, True))[:short]
            return len(costs), sum(costs), True
        plain = sorted(c for u in units if not self.sc.unit_pledges[u].equipment_gap
                       for c in [self.unit_cents[u, r]] * min(self._idle(u, False), short))
        gapped = [u for u in units if self.sc.unit_pledges[u].equipment_gap]
        ranges = [range(min(self._idle(u, False), short) + 1) for u in gapped]
        best: tuple[int, int] | None = None  # (-filled, cents)
        exact = True
        for tried, counts in enumerate(itertools.product(*ranges)):
            if tried >= _ENUMERATION_CAP:
                exact = False
                break
            n = sum(counts)
            if n > short:
                continue
            cents = self._kit_cost(r, gapped, counts)
            if cents is None:
                continue
            cents += sum(c * self.unit_cents[u, r] for u, c in zip(gapped, counts, strict=True))
            rest = plain[:short - n]
            key = (-(n + len(rest)), cents + sum(rest))
            if best is None or key < best:
                best = key
        if best is None or not exact:
            # Greedy: units in order of their own cost with their cheapest equipment.
            order = sorted(units, key=lambda u: moves[u].cents or 0)
            chosen = [u for u in order for _ in range(self._idle(u, False))][:short]
            counts = tuple(chosen.count(u) for u in gapped)
            kit = self._kit_cost(r, gapped, counts) or 0
            greedy = (-len(chosen), sum(self.unit_cents[u, r] for u in chosen) + kit)
            best = greedy if best is None or greedy < best else best
        return -best[0], best[1], exact

    def _kit_cost(self, r: int, gapped: list[int], counts: tuple[int, ...]) -> int | None:
        need: dict[str, int] = defaultdict(int)
        for u, c in zip(gapped, counts, strict=True):
            for item, qty in self.sc.unit_pledges[u].equipment_gap.items():
                need[item] += c * qty
        total = 0
        for item, n in need.items():
            cents = self.pool_cost(self.kit_pool(r, item), n)
            if cents is None:
                return None
            total += cents
        return total

    def _why_not_optimised(self, r: int) -> str:
        result, policy = self.result, self.sc.policy
        req = self.sc.requirements[r]
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

    # ----- pledge rows ------------------------------------------------------------------
    @cached_property
    def _lines_for_capability(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for r, req in enumerate(self.sc.requirements):
            if self.p.requirement_is_equipment[r]:
                continue
            for cap in {req.capability} | self.fillers.get(req.capability, set()):
                out[cap].append(r)
        return out

    @cached_property
    def _lines_for_item(self) -> dict[str, list[int]]:
        """Item -> lines asking for it, or whose compatible units lack it."""
        out: dict[str, set[int]] = defaultdict(set)
        for r, req in enumerate(self.sc.requirements):
            if self.p.requirement_is_equipment[r]:
                out[req.capability].add(r)
        for pr in self.p.unit_pairs:
            for item in self.sc.unit_pledges[pr.u].equipment_gap:
                out[item].add(pr.r)
        return {item: sorted(lines) for item, lines in out.items()}

    @cached_property
    def line_reasons(self) -> dict[int, list[dict[str, Any]]]:
        """Short line -> its reason rows, ranked."""
        return {r: self.requirement_rows(r) for r in self.short_lines}

    def pledge_row(self, row: dict[str, Any]) -> dict[str, Any]:
        out = {key: row[key] for key in ("kind", "pledge_id", "state", "offer", "unused")}
        out |= {"rule": "", "requirements": "", "detail": ""}
        if row["kind"] == "funding":
            return out | self._funding_reason(self.f_index[row["pledge_id"]])
        kit = row["kind"] == "equipment"
        x = (self.q_index if kit else self.u_index)[row["pledge_id"]]
        sc = self.sc
        if kit:
            lines = self._lines_for_item.get(sc.equipment_pledges[x].item, [])
        else:
            lines = self._lines_for_capability.get(sc.unit_pledges[x].capability, [])
        if not lines:
            return out | {"reason": "no_requirement",
                          "detail": f"no line asks for {row['offer']}"
                                    + (" or equips units lacking it" if kit else "")}
        rules = {r: (self.kit_rules(x, r) if kit else self.unit_rules(x, r)) for r in lines}
        usable = [r for r in lines if not rules[r]]
        if not usable:
            by_rule: dict[str, list[str]] = defaultdict(list)
            for r in lines:
                for rule in rules[r]:
                    by_rule[rule].append(sc.requirements[r].requirement_id)
            order = [rule for rule in [*UNIT_RULES, "other"] if rule in by_rule]
            return out | {"reason": "excluded_by_rule", "rule": _join(order),
                          "requirements": _join([sc.requirements[r].requirement_id
                                                 for r in lines]),
                          "detail": "; ".join(f"{rule}: {_some(by_rule[rule])}"
                                              for rule in order)}
        short = sorted((r for r in usable if r in self.line_reasons),
                       key=lambda r: (sc.requirements[r].priority, r))
        names = _join([sc.requirements[r].requirement_id for r in (short or usable)])
        if not short:
            return out | {"reason": "demand_met", "requirements": names,
                          "detail": f"all {len(usable)} line(s) it may serve are filled"}
        verdicts = {r: (self._kit_verdict(x, r) if kit else self.move(x, r).limits or ["other"])
                    for r in short}
        # The most important short line decides; a line where this pledge would matter (a limit
        # holds it back) goes before one where it simply is not the missing piece.
        first = min(short, key=lambda r: (verdicts[r] == ["no_units_to_equip"],
                                          sc.requirements[r].priority, r))
        return out | {"reason": verdicts[first][0], "rule": _join(verdicts[first]),
                      "requirements": names,
                      "detail": "; ".join(f"{sc.requirements[r].requirement_id} short "
                                          f"{sc.requirements[r].units - self.filled[r]}: "
                                          f"{', '.join(verdicts[r])}" for r in short)}

    def _kit_verdict(self, q: int, r: int) -> list[str]:
        """Why idle equipment q does not go to short line r."""
        if self.p.requirement_is_equipment[r]:
            return self.kit_move(q, r) or ["other"]
        item = self.sc.equipment_pledges[q].item
        lacking = [u for u in self.line_units.get(r, []) if self._idle(u, False) > 0
                   and item in self.sc.unit_pledges[u].equipment_gap and self.fits_ceiling(u, r)]
        if not lacking:
            return ["no_units_to_equip"]
        limits = {lim for u in lacking for lim in self.move(u, r).limits}
        return [lim for lim in LIMITS if lim in limits] or ["other"]

    def _funding_reason(self, f: int) -> dict[str, Any]:
        sc = self.sc
        reach = [m for m in range(len(sc.missions)) if m in self.p.funding_missions[f]]
        names = {sc.missions[m].mission_id for m in reach}
        held = [row for rows in self.line_reasons.values() for row in rows
                if row["reason"] == "budget" and row["mission_id"] in names]
        if held:
            return {"reason": "budget", "requirements": _join([h["requirement_id"] for h in held]),
                    "detail": "too little even with all other money that can reach them: "
                              + "; ".join(f"{h['requirement_id']} needs US${h['extra_usd']:,} "
                                          "more" for h in held)}
        drawing = [sc.missions[m].mission_id for m in reach if self.drawn[m] > 0]
        where = ", ".join(sorted(names)) if len(reach) <= 5 else f"{len(reach)} missions"
        return {"reason": "not_needed",
                "detail": f"no short line in {where} is held back by money"
                          + (f"; {', '.join(drawing)} already covered by funding"
                             if drawing else "; none of them spends beyond its budget")}


_RULE_WORDS = {
    "readiness": "the line's minimum readiness",
    "deadline": "the line's deployment deadline",
    "language": "the line's language",
    "caveat": "their own caveats (allowed or excluded missions)",
    "impartiality": "the mission's impartiality exclusions (host or excluded state)",
    "ceiling": "the mission's personnel ceiling (one unit is larger than the whole ceiling)",
    "other": "a compatibility rule",
}


def _some(ids: list[str], most: int = 4) -> str:
    """A few ids and how many more (the full list is in the ``requirements`` column)."""
    if len(ids) <= most:
        return ", ".join(ids)
    return f"{len(ids)} lines ({', '.join(ids[:most])}, ...)"


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row | {"rank": i} for i, row in enumerate(rows, start=1)]
