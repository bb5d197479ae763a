"""The facts an explanation reads off a plan, indexed once: usage, spare capacity,
compatibility and money.

``Facts`` numbers everything as the compiled problem does (``allocator.model.problem``): ``u``
a unit pledge, ``q`` an equipment pledge, ``f`` a funding pledge, ``r`` a requirement line,
``m`` a mission, and ``x`` a unit or an equipment pledge, by the kind of line. Money is in
integer cents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from allocator.model.compatibility import Need, Offer, broken_rules, need_of, offer_of, substitutes
from allocator.model.problem import ProblemData, compile_problem
from allocator.plan.funding import reachable_funding

if TYPE_CHECKING:
    from allocator.insight.explain.solved import SolvedPlan
    from allocator.plan.plan import Plan

LIMITS = ("budget", "ceiling", "equipment", "state_share")
"""Hard mission limits that can hold back idle compatible supply, in reporting order."""
UNIT_RULES = ("readiness", "deadline", "language", "caveat", "impartiality", "ceiling")
"""Rules that can keep a unit pledge off a line, in reporting order."""
EQUIPMENT_RULES = ("deadline", "caveat", "impartiality")
"""Rules that can keep an equipment pledge off a line, in reporting order."""

_T = TypeVar("_T")


@dataclass
class Move:
    """What stops one more unit of pledge u on line r, with the rest of the plan held."""

    limits: list[str]
    cents: int | None  # the unit and its cheapest gap equipment, if the gap can be covered
    missing: dict[str, tuple[int, int]] = field(default_factory=dict)  # item -> (need, have)


def _both_ways(pairs: Iterable[tuple[int, int]]) -> tuple[dict[int, set[int]],
                                                          dict[int, list[int]]]:
    """(pledge, line) pairs as pledge -> its lines and line -> its pledges (in pair order)."""
    lines_of: dict[int, set[int]] = defaultdict(set)
    pledges_of: dict[int, list[int]] = defaultdict(list)
    for x, r in pairs:
        lines_of[x].add(r)
        pledges_of[r].append(x)
    return lines_of, pledges_of


def _grouped(items: Iterable[_T], key: Callable[[_T], str]) -> dict[str, list[int]]:
    """key -> positions of the items with that key, in order."""
    out: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        out[key(item)].append(i)
    return out


class Facts:
    """The plan's usage, spare capacity, compatibility and money, indexed once per explanation."""

    def __init__(self, result: SolvedPlan) -> None:
        plan = result.plan
        assert plan is not None
        self.result = result
        self.sc = result.scenario
        self.p: ProblemData = compile_problem(self.sc)
        self._index()
        gap_need = self._read_assignments(plan)
        gap_supply = self._read_equipment_flows(plan)
        # Equipment already on a line beyond what its units need is free for one more unit.
        self.spare_kit = {key: gap_supply[key] - gap_need.get(key, 0) for key in gap_supply}
        self._read_funding_flows(plan)
        self.short_lines = [r for r, req in enumerate(self.sc.requirements)
                            if self.filled[r] < req.units]
        self.short_set = frozenset(self.short_lines)

    # ----- indices ------------------------------------------------------------------------
    def _index(self) -> None:
        sc, p = self.sc, self.p
        self.mission_index = {m.mission_id: i for i, m in enumerate(sc.missions)}
        self.u_index = {u.pledge_id: i for i, u in enumerate(sc.unit_pledges)}
        self.q_index = {q.equipment_id: i for i, q in enumerate(sc.equipment_pledges)}
        self.r_index = {r.requirement_id: i for i, r in enumerate(sc.requirements)}
        self.f_index = {f.funding_id: i for i, f in enumerate(sc.funding_pledges)}
        cents = p.money_unit_cents
        self.unit_cents = {(pr.u, pr.r): pr.cost * cents for pr in p.unit_pairs}
        self.kit_cents = {(pr.q, pr.r): pr.cost * cents for pr in p.equipment_pairs}
        # u -> compatible lines, r -> compatible pledges; the same for equipment.
        self.unit_lines, self.line_units = _both_ways((pr.u, pr.r) for pr in p.unit_pairs)
        self.kit_lines, self.line_kit = _both_ways((pr.q, pr.r) for pr in p.equipment_pairs)
        self.fillers = substitutes(sc)

    def ids(self, kit: bool) -> list[str]:
        """The ids of the equipment pledges (``kit``) or of the unit pledges, by index."""
        if kit:
            return [q.equipment_id for q in self.sc.equipment_pledges]
        return [u.pledge_id for u in self.sc.unit_pledges]

    # ----- usage --------------------------------------------------------------------------
    def _read_assignments(self, plan: Plan) -> dict[tuple[int, str], int]:
        """Units on each line, people and cost of each mission; returns the items the units'
        equipment gaps need, per (line, item)."""
        sc, p = self.sc, self.p
        n_m = len(sc.missions)
        self.used_u = [0] * len(sc.unit_pledges)
        self.on_u: dict[int, dict[int, int]] = defaultdict(dict)  # u -> {r: units}
        self.filled = [0] * len(sc.requirements)
        self.cost = [0] * n_m  # cents
        self.people = [0] * n_m
        self.people_of_state: dict[tuple[int, str], int] = defaultdict(int)
        gap_need: dict[tuple[int, str], int] = defaultdict(int)
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
        return gap_need

    def _read_equipment_flows(self, plan: Plan) -> dict[tuple[int, str], int]:
        """Items on each line and their cost; returns the items sent to units' gaps, per
        (line, item)."""
        sc, p = self.sc, self.p
        self.used_q = [0] * len(sc.equipment_pledges)
        self.on_q: dict[int, dict[int, int]] = defaultdict(dict)  # q -> {r: items}
        gap_supply: dict[tuple[int, str], int] = defaultdict(int)
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
        return gap_supply

    def _read_funding_flows(self, plan: Plan) -> None:
        self.drawn = [0] * len(self.sc.missions)
        self.paid = [0] * len(self.sc.funding_pledges)
        for flow in plan.funding_flows:
            cents_paid = int(flow.amount_usd * 100)
            self.drawn[self.mission_index[flow.mission_id]] += cents_paid
            self.paid[self.f_index[flow.funding_id]] += cents_paid

    def idle(self, x: int, kit: bool) -> int:
        """Units (or, for ``kit``, items) of pledge x the plan does not use."""
        if kit:
            return self.sc.equipment_pledges[x].quantity - self.used_q[x]
        return self.sc.unit_pledges[x].units - self.used_u[x]

    # ----- money --------------------------------------------------------------------------
    @cached_property
    def _funding_cents(self) -> list[int]:
        return [int(f.amount_usd * 100) for f in self.sc.funding_pledges]

    def reachable_funding(self, m: int) -> int:
        """Most cents of funding that can still reach mission m, every other draw kept."""
        return self._reachable[m]

    @cached_property
    def _reachable(self) -> list[int]:
        return [reachable_funding(m, self.drawn, self._funding_cents, self.p.funding_missions)
                for m in range(len(self.sc.missions))]

    def spare_money(self, m: int) -> int:
        """Unspent budget of m plus every cent of funding that can still reach it."""
        return self.p.budget[m] * self.p.money_unit_cents + self.drawn[m] - self.cost[m] \
            + self.reachable_funding(m)

    # ----- one more unit ------------------------------------------------------------------
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

    def move(self, u: int, r: int) -> Move:
        """The hard limits stopping one more unit of pledge u on line r, and what it costs."""
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
        return Move(limits, total, missing)

    def kit_move(self, q: int, r: int) -> list[str]:
        """Limits stopping one more item of q on an equipment line r (only money can)."""
        m = self.p.requirement_mission[r]
        return ["budget"] if self.kit_cents[q, r] > self.spare_money(m) else []

    def fits_ceiling(self, u: int, r: int) -> bool:
        """Whether one unit of u fits r's mission ceiling at all (an empty mission)."""
        ceiling = self.sc.missions[self.p.requirement_mission[r]].personnel_ceiling
        return ceiling is None or self.sc.unit_pledges[u].personnel_per_unit <= ceiling

    # ----- compatibility ------------------------------------------------------------------
    def unit_rules(self, u: int, r: int) -> list[str]:
        """Rules keeping pledge u off line r (empty: u may serve r)."""
        if r in self.unit_lines.get(u, ()):
            return [] if self.fits_ceiling(u, r) else ["ceiling"]
        return broken_rules(self._offers[u], self._needs[r]) or ["other"]

    def kit_rules(self, q: int, r: int) -> list[str]:
        """Rules keeping equipment pledge q off line r (empty: q may serve r)."""
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

    def rules(self, x: int, r: int, kit: bool) -> list[str]:
        """``kit_rules`` for an equipment pledge (``kit``), else ``unit_rules``."""
        return self.kit_rules(x, r) if kit else self.unit_rules(x, r)

    @cached_property
    def _offers(self) -> list[Offer]:
        return [offer_of(self.sc, u) for u in self.sc.unit_pledges]

    @cached_property
    def _needs(self) -> list[Need]:
        return [need_of(self.sc, r) for r in self.sc.requirements]

    @cached_property
    def _pledges_of_capability(self) -> dict[str, list[int]]:
        return _grouped(self.sc.unit_pledges, lambda pledge: pledge.capability)

    @cached_property
    def _kit_of_item(self) -> dict[str, list[int]]:
        return _grouped(self.sc.equipment_pledges, lambda eq: eq.item)

    def candidates(self, r: int) -> list[int]:
        """Pledges of the line's capability (or a substitute), whatever the rules say."""
        req = self.sc.requirements[r]
        if self.p.requirement_is_equipment[r]:
            return list(self._kit_of_item.get(req.capability, []))
        caps = {req.capability} | self.fillers.get(req.capability, set())
        return sorted(u for c in caps for u in self._pledges_of_capability.get(c, []))

    @cached_property
    def lines_for_capability(self) -> dict[str, list[int]]:
        """Capability -> unit lines it may fill (its own, or one it substitutes for)."""
        out: dict[str, list[int]] = defaultdict(list)
        for r, req in enumerate(self.sc.requirements):
            if self.p.requirement_is_equipment[r]:
                continue
            for cap in {req.capability} | self.fillers.get(req.capability, set()):
                out[cap].append(r)
        return out

    @cached_property
    def lines_for_item(self) -> dict[str, list[int]]:
        """Item -> lines asking for it, or whose compatible units lack it."""
        out: dict[str, set[int]] = defaultdict(set)
        for r, req in enumerate(self.sc.requirements):
            if self.p.requirement_is_equipment[r]:
                out[req.capability].add(r)
        for pr in self.p.unit_pairs:
            for item in self.sc.unit_pledges[pr.u].equipment_gap:
                out[item].add(pr.r)
        return {item: sorted(lines) for item, lines in out.items()}
