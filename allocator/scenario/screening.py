"""Warnings: what a valid scenario holds that can never count, said before any solve.

None of these blocks loading (the scenario is valid and may be what the planner meant), but
each is usually a slip: a pledged capability that no catalogue lists and no line asks for
(``L2_HOPS``), a mission without requirement lines, a line whose capability nobody offers.
Rules that only a solve can weigh (language, readiness, deadlines, budgets) are explained
after it (``allocator.insight.explain``); these are the facts of the tables alone.
"""

from __future__ import annotations

from allocator.errors import shown
from allocator.scenario.catalogue import STANDARD_CAPABILITIES
from allocator.scenario.collector import Collector
from allocator.scenario.references import present as _present


def screen(rows: dict[str, list], out: Collector) -> None:
    """Add a warning to ``out`` for every slip ``rows`` show (the rows all passed validation)."""
    catalogue = rows["capabilities"] or list(STANDARD_CAPABILITIES)
    catalogued = {c.capability for c in catalogue}
    fillers = {c.capability: {c.capability, *c.substitutes} for c in catalogue}
    asked = {r.capability for r in rows["requirements"]}
    accepted = set().union(*(fillers.get(cap, {cap}) for cap in asked))
    gaps = {item for u in rows["unit_pledges"] for item in u.equipment_gap}
    known = sorted(catalogued | asked)
    for i, u in _present(rows["unit_pledges"]):
        if u.capability not in catalogued and u.capability not in accepted:
            out.warn("unit_pledges", f"capability {shown(u.capability)} is in no catalogue and no "
                     f"requirement asks for it, so this pledge can never deploy"
                     f"{out.did_you_mean(u.capability, known, cutoff=0.6)}", i, "capability")
    for i, q in _present(rows["equipment_pledges"]):
        if q.item not in catalogued and q.item not in accepted and q.item not in gaps:
            out.warn("equipment_pledges", f"item {shown(q.item)} is in no catalogue, no "
                     "requirement asks for it and no unit pledge lacks it, so it can never be sent"
                     f"{out.did_you_mean(q.item, known, cutoff=0.6)}", i, "item")
    with_lines = {r.mission_id for r in rows["requirements"]}
    for i, m in _present(rows["missions"]):
        if m.mission_id not in with_lines:
            out.warn("missions", f"mission {shown(m.mission_id)} has no requirement lines, so "
                     "nothing will be deployed to it; add its lines to requirements",
                     i, "mission_id")
    offered = ({u.capability for u in rows["unit_pledges"]}
               | {q.item for q in rows["equipment_pledges"]})
    for i, r in _present(rows["requirements"]):
        can_fill = fillers.get(r.capability, {r.capability})
        if not can_fill & offered:
            names = " or ".join(sorted(can_fill))
            out.warn("requirements", f"no pledge offers {names}, so this line will be short "
                     f"by all {r.units} unit(s)", i, "capability")
