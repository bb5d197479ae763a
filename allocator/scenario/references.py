"""The second validation pass: what the rows of one table say about the rows of another.

Duplicate ids, then references to member states, missions and pledges, table by table, then
capabilities. Rows that failed the first pass are None here and are skipped; the ids they
declare still count as declared (see ``declared_ids``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from allocator.errors import shown
from allocator.scenario.catalogue import STANDARD_CAPABILITIES
from allocator.scenario.collector import Collector, records
from allocator.scenario.schema import ID_COLUMN, Policy
from allocator.scenario.schema.cells import to_code


def check_references(
    rows: dict[str, list[Any]], policy: Policy, out: Collector, tables: dict[str, Any]
) -> None:
    """Report every broken cross-reference between the parsed ``rows`` of the tables."""
    check_duplicate_ids(rows, out)
    known = KnownIds(out, states=declared_ids(tables, "member_states"),
                     missions=declared_ids(tables, "missions"),
                     pledges=declared_ids(tables, "unit_pledges"))
    _check_missions(rows["missions"], known)
    _check_requirements(rows["requirements"], policy, known, out)
    _check_unit_pledges(rows["unit_pledges"], known)
    _check_equipment_pledges(rows["equipment_pledges"], known)
    _check_funding_pledges(rows["funding_pledges"], known)
    for table in ("transport_costs", "preferences"):
        _check_keyed_rows(table, rows[table], known, out)
    if any(rows["preferences"]) and "preference" not in policy.objective:
        out.add("preferences", "preferences are given but policy.objective does not list "
                "'preference'; add it where it ranks (e.g. [shortfall, soft_goals, "
                "preference, cost]) or drop the table")
    check_capabilities(rows, out)


def check_duplicate_ids(rows: dict[str, list[Any]], out: Collector) -> None:
    """Report every row whose id another row of its table has too."""
    for table, id_column in ID_COLUMN.items():
        seen = Counter(getattr(r, id_column) for r in rows[table] if r is not None)
        for index, r in present(rows[table]):
            if seen[getattr(r, id_column)] > 1:
                out.add(table, f"duplicate {id_column} {shown(getattr(r, id_column))}; "
                               "each id must appear once", index, id_column)


def declared_ids(tables: dict[str, Any], table: str) -> set[str] | None:
    """Ids a table declares, rows that failed validation included; None if it declares none.

    A mission whose budget is "lots" is still a mission, and a missing table or id column is
    reported already: flagging every reference to them as unknown would bury the real problem.
    """
    if tables.get(table) is None:
        return None
    column = ID_COLUMN[table]
    table_records = records(tables[table])
    if table_records and not any(column in record for record in table_records):
        return None
    ids = (to_code(record.get(column)) for record in table_records)
    # State codes are upper-cased by their rows (``sen`` is ``SEN``); references then match.
    fold = str.upper if table == "member_states" else str
    return {fold(value) for value in ids if isinstance(value, str)}


class KnownIds:
    """The declared states, missions and pledges, and the reports of references to others.

    A set that is None (its table or id column is missing) accepts every reference.
    """

    def __init__(self, out: Collector, *, states: set[str] | None,
                 missions: set[str] | None, pledges: set[str] | None):
        self.out = out
        self.states = states
        self.missions = missions
        self.pledges = pledges

    def state(self, table: str, index: int, column: str, code: str) -> None:
        """Report ``code`` unless it is a declared member state."""
        if self.states is not None and code not in self.states:
            hint = self.out.did_you_mean(code, self.states)
            self.out.add(table, f"unknown state {shown(code)}{hint}; add it to member_states or "
                                "fix the code", index, column)

    def mission(self, table: str, index: int, column: str, mission_id: str) -> None:
        """Report ``mission_id`` unless it is a declared mission."""
        if self.missions is not None and mission_id not in self.missions:
            listed = ", ".join(sorted(self.missions)) or "(no missions)"
            hint = self.out.did_you_mean(mission_id, self.missions) or f"; expected one of {listed}"
            self.out.add(table, f"unknown mission {shown(mission_id)}{hint}", index, column)

    def pledge(self, table: str, index: int, column: str, pledge_id: str) -> None:
        """Report ``pledge_id`` unless it is a declared unit pledge."""
        if self.pledges is not None and pledge_id not in self.pledges:
            self.out.add(table, f"unknown pledge {shown(pledge_id)}"
                                f"{self.out.did_you_mean(pledge_id, self.pledges)}; it must be a "
                                "pledge_id of unit_pledges", index, column)


def present(rows: list[Any]) -> Iterator[tuple[int, Any]]:
    """(index, row) of the rows that passed the first pass; the others are None."""
    return ((i, row) for i, row in enumerate(rows) if row is not None)


def _check_missions(missions: list[Any], known: KnownIds) -> None:
    for i, m in present(missions):
        for code in m.excluded_states:
            known.state("missions", i, "excluded_states", code)


def _check_requirements(requirements: list[Any], policy: Policy, known: KnownIds,
                        out: Collector) -> None:
    for i, r in present(requirements):
        known.mission("requirements", i, "mission_id", r.mission_id)
        if r.priority not in policy.priority_weights:
            out.add("requirements", f"priority {r.priority} has no weight; use one of "
                    f"{sorted(policy.priority_weights)} or add it to policy.priority_weights",
                    i, "priority")


def _check_unit_pledges(pledges: list[Any], known: KnownIds) -> None:
    for i, u in present(pledges):
        known.state("unit_pledges", i, "state", u.state)
        for column in ("allowed_missions", "excluded_missions"):
            for mission_id in getattr(u, column):
                known.mission("unit_pledges", i, column, mission_id)


def _check_equipment_pledges(pledges: list[Any], known: KnownIds) -> None:
    for i, q in present(pledges):
        known.state("equipment_pledges", i, "state", q.state)
        for mission_id in q.allowed_missions:
            known.mission("equipment_pledges", i, "allowed_missions", mission_id)


def _check_funding_pledges(pledges: list[Any], known: KnownIds) -> None:
    for i, f in present(pledges):
        for mission_id in f.earmarked_missions:
            known.mission("funding_pledges", i, "earmarked_missions", mission_id)


def _check_keyed_rows(table: str, keyed: list[Any], known: KnownIds, out: Collector) -> None:
    """Rows keyed by a state or a pledge, and a mission: transport costs and preferences."""
    for i, t in present(keyed):
        known.mission(table, i, "mission_id", t.mission_id)
        if t.state is not None:
            known.state(table, i, "state", t.state)
        if t.pledge_id is not None:
            known.pledge(table, i, "pledge_id", t.pledge_id)
    seen_keys = Counter((t.state, t.pledge_id, t.mission_id) for t in keyed if t)
    for i, t in present(keyed):
        if seen_keys[(t.state, t.pledge_id, t.mission_id)] > 1:
            what = "transport cost" if table == "transport_costs" else "preference"
            key = "state" if t.state else "pledge_id"
            out.add(table, f"duplicate {what} for the same {key.removesuffix('_id')} "
                    f"{shown(t.state or t.pledge_id)} and mission {shown(t.mission_id)}; keep "
                    "one row", i, key)


def check_capabilities(rows: dict[str, list[Any]], out: Collector) -> None:
    """Report capabilities no catalogue knows and unit pledges offering equipment items."""
    catalogue = [c for c in rows["capabilities"] if c] or list(STANDARD_CAPABILITIES)
    unit_caps = {c.capability for c in catalogue if c.kind == "unit"}
    equipment_items = {c.capability for c in catalogue if c.kind == "equipment"}
    unit_caps |= {u.capability for u in rows["unit_pledges"] if u}
    equipment_items |= {q.item for q in rows["equipment_pledges"] if q}
    for u in rows["unit_pledges"]:
        if u is not None:
            equipment_items |= set(u.equipment_gap)
    for i, u in present(rows["unit_pledges"]):
        if u.capability in equipment_items:
            out.add("unit_pledges", f"capability {shown(u.capability)} is an equipment item; "
                    "offer it in equipment_pledges instead", i, "capability")
    known = unit_caps | equipment_items
    where = "the capabilities table" if rows["capabilities"] else "the standard catalogue"
    for i, r in present(rows["requirements"]):
        if r.capability not in known:
            out.add("requirements", f"unknown capability {shown(r.capability)}: not in {where} "
                    "and not offered by any pledge"
                    f"{out.did_you_mean(r.capability, known, cutoff=0.6)}; fix the spelling or add "
                    "it to capabilities", i, "capability")
    for i, c in present(rows["capabilities"]):
        for sub in c.substitutes:
            if sub not in known:
                out.add("capabilities", f"substitute {shown(sub)} is not a known capability"
                        f"{out.did_you_mean(sub, known, cutoff=0.6)}", i, "substitutes")
