"""Turn raw tables into a validated Scenario, collecting every problem before failing.

Two passes: each row against its row model (types, ranges, required cells), then the
cross-references between tables (duplicate ids, unknown missions, states, capabilities).
Nothing is returned unless both passes are clean, so nothing half-loads.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
from pydantic import ValidationError

from allocator.errors import Defect, ScenarioError
from allocator.scenario.catalogue import STANDARD_CAPABILITIES
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import (
    ID_COLUMN,
    REQUIRED_TABLES,
    TABLE_ROWS,
    ObjectiveWeights,
    Policy,
    Row,
    _to_code,
    required_columns,
)


def _records(table: Any) -> list[dict[str, Any]]:
    if table is None:
        return []
    if isinstance(table, pd.DataFrame):
        return table.to_dict(orient="records")
    return [dict(row) if not isinstance(row, Row) else row.model_dump() for row in table]


def _pydantic_problems(
    err: ValidationError, table: str, row: int | None, source: str | None
) -> list[Defect]:
    problems = []
    for item in err.errors():
        loc = [str(p) for p in item["loc"]]
        column = loc[0] if loc else None
        message = item["msg"].removeprefix("Value error, ")
        # A blank cell reaches a required field as None (the before-validators blank it), and
        # pydantic would then complain about the type of None instead of the empty cell.
        if item["type"] == "missing" or (item.get("input") is None and column is not None
                                         and item["type"] != "value_error"):
            message = "required value is missing; fill in this cell"
        elif item["type"] == "extra_forbidden" and table == "policy":
            settings = ObjectiveWeights if len(loc) > 1 else Policy
            message = (f"unknown policy setting {'.'.join(loc)!r}; expected one of: "
                       f"{', '.join(settings.model_fields)}")
        elif item["type"] == "extra_forbidden":
            allowed = ", ".join(TABLE_ROWS[table].model_fields) if table in TABLE_ROWS else ""
            message = f"unknown column; expected one of: {allowed}"
        elif item.get("input") is not None and item["type"] not in {"value_error"}:
            message = f"{message} (got {item['input']!r})"
        problems.append(Defect(table=table, row=row, column=column, message=message,
                                source=source))
    return problems


class _Collector:
    def __init__(self, sources: dict[str, str], row_numbers: dict[str, list[int]]):
        self.sources = sources
        self.row_numbers = row_numbers
        self.problems: list[Defect] = []

    def row_of(self, table: str, index: int) -> int:
        numbers = self.row_numbers.get(table)
        return numbers[index] if numbers and index < len(numbers) else index + 1

    def add(self, table: str, message: str, index: int | None = None,
            column: str | None = None) -> None:
        row = None if index is None else self.row_of(table, index)
        self.problems.append(Defect(table=table, row=row, column=column, message=message,
                                     source=self.sources.get(table)))


def build_scenario(
    tables: dict[str, Any],
    *,
    name: str,
    description: str,
    policy: dict[str, Any] | Policy | None,
    sources: dict[str, str],
    row_numbers: dict[str, list[int]],
) -> Scenario:
    out = _Collector(sources, row_numbers)

    unknown = sorted(set(tables) - set(TABLE_ROWS))
    for table in unknown:
        out.add(table, f"unknown table {table!r}; expected tables: {', '.join(TABLE_ROWS)}")
    for table in REQUIRED_TABLES:
        if table not in tables or tables[table] is None:
            out.add(table, f"required table {table!r} is missing; provide it with columns "
                           f"{', '.join(required_columns(table))}")
        elif not _records(tables[table]) and table != "unit_pledges":
            out.add(table, f"table {table!r} has no rows; add at least one")

    parsed_policy = Policy()
    if isinstance(policy, Policy):
        parsed_policy = policy
    elif policy:
        try:
            parsed_policy = Policy.model_validate(policy)
        except ValidationError as err:
            for p in _pydantic_problems(err, "policy", None, sources.get("policy")):
                out.problems.append(p)

    rows: dict[str, list[Row]] = {}
    for table, model in TABLE_ROWS.items():
        parsed = []
        for index, record in enumerate(_records(tables.get(table))):
            try:
                parsed.append(model.model_validate(record))
            except ValidationError as err:
                out.problems.extend(_pydantic_problems(
                    err, table, out.row_of(table, index), sources.get(table)))
                parsed.append(None)  # keep indexes aligned with row numbers
        rows[table] = parsed

    _check_references(rows, parsed_policy, out, tables)
    if out.problems:
        raise ScenarioError(out.problems)
    return Scenario(name=name, description=description, policy=parsed_policy,
                    **{table: list(items) for table, items in rows.items()})


def _declared_ids(tables: dict[str, Any], table: str) -> set[str] | None:
    """Ids a table declares, rows that failed validation included; None if it declares none.

    A mission whose budget is "lots" is still a mission, and a missing table or id column is
    reported already: flagging every reference to them as unknown would bury the real problem.
    """
    if tables.get(table) is None:
        return None
    column = ID_COLUMN[table]
    records = _records(tables[table])
    if records and not any(column in record for record in records):
        return None
    ids = (_to_code(record.get(column)) for record in records)
    return {str(value) for value in ids if value is not None}


def _check_references(
    rows: dict[str, list[Any]], policy: Policy, out: _Collector, tables: dict[str, Any]
) -> None:
    for table, id_column in ID_COLUMN.items():
        seen = Counter(getattr(r, id_column) for r in rows[table] if r is not None)
        for index, r in enumerate(rows[table]):
            if r is not None and seen[getattr(r, id_column)] > 1:
                out.add(table, f"duplicate {id_column} {getattr(r, id_column)!r}; "
                               "each id must appear once", index, id_column)

    states = _declared_ids(tables, "member_states")
    missions = _declared_ids(tables, "missions")
    pledges = _declared_ids(tables, "unit_pledges")

    def state_ok(table: str, index: int, column: str, code: str) -> None:
        if states is not None and code not in states:
            out.add(table, f"unknown state {code!r}; add it to member_states or fix the code",
                    index, column)

    def mission_ok(table: str, index: int, column: str, mission_id: str) -> None:
        if missions is not None and mission_id not in missions:
            out.add(table, f"unknown mission {mission_id!r}; expected one of "
                           f"{', '.join(sorted(missions)) or '(no missions)'}", index, column)

    for i, m in enumerate(rows["missions"]):
        if m is None:
            continue
        for code in m.excluded_states:
            state_ok("missions", i, "excluded_states", code)
    for i, r in enumerate(rows["requirements"]):
        if r is None:
            continue
        mission_ok("requirements", i, "mission_id", r.mission_id)
        if r.priority not in policy.priority_weights:
            out.add("requirements", f"priority {r.priority} has no weight; use one of "
                    f"{sorted(policy.priority_weights)} or add it to policy.priority_weights",
                    i, "priority")
    for i, u in enumerate(rows["unit_pledges"]):
        if u is None:
            continue
        state_ok("unit_pledges", i, "state", u.state)
        for column in ("allowed_missions", "excluded_missions"):
            for mission_id in getattr(u, column):
                mission_ok("unit_pledges", i, column, mission_id)
    for i, q in enumerate(rows["equipment_pledges"]):
        if q is None:
            continue
        state_ok("equipment_pledges", i, "state", q.state)
        for mission_id in q.allowed_missions:
            mission_ok("equipment_pledges", i, "allowed_missions", mission_id)
    for i, f in enumerate(rows["funding_pledges"]):
        if f is None:
            continue
        for mission_id in f.earmarked_missions:
            mission_ok("funding_pledges", i, "earmarked_missions", mission_id)
    for table in ("transport_costs", "preferences"):
        for i, t in enumerate(rows[table]):
            if t is None:
                continue
            mission_ok(table, i, "mission_id", t.mission_id)
            if t.state is not None:
                state_ok(table, i, "state", t.state)
            if t.pledge_id is not None and pledges is not None and t.pledge_id not in pledges:
                out.add(table, f"unknown pledge {t.pledge_id!r}; it must be a pledge_id of "
                               "unit_pledges", i, "pledge_id")
        seen_keys = Counter((t.state, t.pledge_id, t.mission_id) for t in rows[table] if t)
        for i, t in enumerate(rows[table]):
            if t is not None and seen_keys[(t.state, t.pledge_id, t.mission_id)] > 1:
                what = "transport cost" if table == "transport_costs" else "preference"
                out.add(table, f"duplicate {what} for the same "
                        f"{'state' if t.state else 'pledge'} and mission", i)
    if any(rows["preferences"]) and "preference" not in policy.objective:
        out.add("preferences", "preferences are given but policy.objective does not list "
                "'preference'; add it where it ranks (e.g. [shortfall, soft_goals, "
                "preference, cost]) or drop the table")

    _check_capabilities(rows, out)


def _check_capabilities(rows: dict[str, list[Any]], out: _Collector) -> None:
    catalogue = [c for c in rows["capabilities"] if c] or list(STANDARD_CAPABILITIES)
    unit_caps = {c.capability for c in catalogue if c.kind == "unit"}
    equipment_items = {c.capability for c in catalogue if c.kind == "equipment"}
    unit_caps |= {u.capability for u in rows["unit_pledges"] if u}
    equipment_items |= {q.item for q in rows["equipment_pledges"] if q}
    for u in rows["unit_pledges"]:
        if u is not None:
            equipment_items |= set(u.equipment_gap)
    for i, u in enumerate(rows["unit_pledges"]):
        if u is not None and u.capability in equipment_items:
            out.add("unit_pledges", f"capability {u.capability!r} is an equipment item; "
                    "offer it in equipment_pledges instead", i, "capability")
    known = unit_caps | equipment_items
    where = "the capabilities table" if rows["capabilities"] else "the standard catalogue"
    for i, r in enumerate(rows["requirements"]):
        if r is not None and r.capability not in known:
            out.add("requirements", f"unknown capability {r.capability!r}: not in {where} "
                    "and not offered by any pledge; fix the spelling or add it to "
                    "capabilities", i, "capability")
    for i, c in enumerate(rows["capabilities"]):
        if c is None:
            continue
        for sub in c.substitutes:
            if sub not in known:
                out.add("capabilities", f"substitute {sub!r} is not a known capability",
                        i, "substitutes")
