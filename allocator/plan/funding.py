"""Exact funding flows for a fixed plan, by an integer max-flow in cents.

Floating-point backends return fractional funding variables; rather than round them (which can
overspend a pledge by a cent), the flows are recomputed exactly: donors -> missions, each
mission drawing just what its plan costs above its budget. Integer capacities give an integer
max-flow, so a plan whose budget rows held has exact integer flows.

The same donors -> missions network answers the explanations' question of how much more money
can still reach one mission with every other mission's draw covered (``reachable_funding``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.graph.python import max_flow


@dataclass
class FundingNetwork:
    """Donors -> missions as an integer max-flow network (see ``funding_network``)."""

    graph: max_flow.SimpleMaxFlow
    source: int
    sink: int
    arcs: dict[int, tuple[int, int]]
    """Arc index -> (funding pledge, mission) for every pledge -> mission arc."""

    def solve(self) -> int | None:
        """The most cents the network carries from donors to missions; None if it fails."""
        if self.graph.solve(self.source, self.sink) != self.graph.OPTIMAL:
            return None
        return self.graph.optimal_flow()

    def flows(self) -> dict[tuple[int, int], int]:
        """(funding, mission) -> cents of the solved flow, for the arcs that carry some."""
        return {key: self.graph.flow(arc) for arc, key in self.arcs.items()
                if self.graph.flow(arc) > 0}


def funding_network(amount_cents: Sequence[int], allowed_missions: Sequence[Sequence[int]],
                    mission_cents: Sequence[int]) -> FundingNetwork:
    """Source -> each funding pledge (its amount) -> each mission it may pay for (its amount)
    -> sink (``mission_cents``, the most that mission may take).

    Arcs that can carry nothing are left out: a pledge of no money has no source arc, and a
    mission that may take nothing has no arcs at all.
    """
    n_fund, n_missions = len(amount_cents), len(mission_cents)
    source, sink = n_fund + n_missions, n_fund + n_missions + 1
    graph = max_flow.SimpleMaxFlow()
    arcs: dict[int, tuple[int, int]] = {}
    for f, amount in enumerate(amount_cents):
        if amount > 0:
            graph.add_arc_with_capacity(source, f, amount)
        for m in allowed_missions[f]:
            if mission_cents[m] > 0:
                arcs[graph.add_arc_with_capacity(f, n_fund + m, amount)] = (f, m)
    for m, cents in enumerate(mission_cents):
        if cents > 0:
            graph.add_arc_with_capacity(n_fund + m, sink, cents)
    return FundingNetwork(graph, source, sink, arcs)


def route_funding(deficit_cents: list[int], amount_cents: list[int],
                  allowed_missions: list[list[int]]) -> dict[tuple[int, int], int] | None:
    """(funding, mission) -> cents covering every mission's deficit, or None if impossible."""
    need = sum(d for d in deficit_cents if d > 0)
    if need == 0:
        return {}
    network = funding_network(amount_cents, allowed_missions, deficit_cents)
    carried = network.solve()
    if carried is None or carried < need:
        return None
    return network.flows()


def reachable_funding(mission: int, drawn_cents: Sequence[int], amount_cents: Sequence[int],
                      allowed_missions: Sequence[Sequence[int]]) -> int:
    """Most cents of funding that can still reach ``mission`` beyond its current draw, with
    every other mission's current draw (``drawn_cents``) still covered; 0 when no pledge may
    pay for it."""
    if not any(mission in allowed for allowed in allowed_missions):
        return 0
    # The mission may take all the money; the others just their current draw. Augmenting from
    # the plan's own flows never lowers another mission's draw, so the max-flow minus all
    # current draws is what the mission can still get.
    caps = [sum(amount_cents) if m == mission else drawn for m, drawn in enumerate(drawn_cents)]
    carried = funding_network(amount_cents, allowed_missions, caps).solve()
    return (carried or 0) - sum(drawn_cents)
