"""Capability names matched ignoring case, and written the catalogue's way.

``inf_bn`` in a pledge and ``INF_BN`` in a requirement are one capability: a planner who typed
one in lower case means the same thing, and nothing may be lost over it. Each name is rewritten
to the catalogue's spelling (the scenario's ``capabilities`` table, else the standard
catalogue), or, for a name no catalogue has, to its most frequent spelling in the scenario.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from allocator.scenario.catalogue import STANDARD_CAPABILITIES


def normalise_capabilities(rows: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The rows with every capability name in its canonical spelling (rows failed: None)."""
    spelling = _canonical_spellings(rows)

    def fix(name: str) -> str:
        return spelling.get(name.casefold(), name)

    def edit(row: Any, changes: dict[str, Any]) -> Any:
        changed = {k: v for k, v in changes.items() if v != getattr(row, k)}
        return row.model_copy(update=changed) if changed else row

    out = dict(rows)
    out["capabilities"] = [c and edit(c, {"capability": fix(c.capability),
                                          "substitutes": [fix(s) for s in c.substitutes]})
                           for c in rows["capabilities"]]
    out["requirements"] = [r and edit(r, {"capability": fix(r.capability)})
                           for r in rows["requirements"]]
    out["unit_pledges"] = [u and edit(u, {"capability": fix(u.capability), "equipment_gap": {
        fix(item): qty for item, qty in u.equipment_gap.items()}}) for u in rows["unit_pledges"]]
    out["equipment_pledges"] = [q and edit(q, {"item": fix(q.item)})
                                for q in rows["equipment_pledges"]]
    return out


def _canonical_spellings(rows: dict[str, list[Any]]) -> dict[str, str]:
    """Case-folded name -> the spelling to use."""
    catalogue = [c for c in rows["capabilities"] if c] or list(STANDARD_CAPABILITIES)
    spelling = {c.capability.casefold(): c.capability for c in catalogue}
    used: Counter[str] = Counter()
    for r in rows["requirements"]:
        if r:
            used[r.capability] += 1
    for u in rows["unit_pledges"]:
        if u:
            used[u.capability] += 1
            used.update(u.equipment_gap.keys())
    for q in rows["equipment_pledges"]:
        if q:
            used[q.item] += 1
    for name, _ in used.most_common():  # the most frequent spelling first; ties: first seen
        spelling.setdefault(name.casefold(), name)
    return spelling
