"""Exact funding flows for a fixed plan, by an integer max-flow in cents.

Floating-point backends return fractional funding variables; rather than round them (which can
overspend a pledge by a cent), the flows are recomputed exactly: donors -> missions, each
mission drawing just what its plan costs above its budget. Integer capacities give an integer
max-flow, so a plan whose budget rows held has exact integer flows.
"""

from __future__ import annotations

from ortools.graph.python import max_flow


def route_funding(deficit_cents: list[int], amount_cents: list[int],
                  allowed_missions: list[list[int]]) -> dict[tuple[int, int], int] | None:
    """(funding, mission) -> cents covering every mission's deficit, or None if impossible."""
    need = sum(d for d in deficit_cents if d > 0)
    if need == 0:
        return {}
    n_fund, n_missions = len(amount_cents), len(deficit_cents)
    source, sink = n_fund + n_missions, n_fund + n_missions + 1
    flow = max_flow.SimpleMaxFlow()
    arcs: dict[int, tuple[int, int]] = {}
    for f, amount in enumerate(amount_cents):
        if amount > 0:
            flow.add_arc_with_capacity(source, f, amount)
        for m in allowed_missions[f]:
            if deficit_cents[m] > 0:
                arcs[flow.add_arc_with_capacity(f, n_fund + m, amount)] = (f, m)
    for m, deficit in enumerate(deficit_cents):
        if deficit > 0:
            flow.add_arc_with_capacity(n_fund + m, sink, deficit)
    if flow.solve(source, sink) != flow.OPTIMAL or flow.optimal_flow() < need:
        return None
    return {key: flow.flow(arc) for arc, key in arcs.items() if flow.flow(arc) > 0}
