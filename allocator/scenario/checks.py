"""Check raw tables against the data contract, collecting every problem before failing.

Two passes: each row against its row model (types, ranges, required cells), then the
cross-references between tables (``allocator.scenario.references``). ``check_tables`` returns
the parsed policy and rows only when both passes are clean, so nothing half-loads; building
the ``Scenario`` from them is the scenario's own job (``Scenario.from_tables``).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from allocator.errors import Defect, ScenarioError
from allocator.scenario.collector import Collector, records
from allocator.scenario.references import check_references
from allocator.scenario.schema import (
    REQUIRED_TABLES,
    TABLE_ROWS,
    ObjectiveWeights,
    Policy,
    Row,
    required_columns,
)


def pydantic_problems(
    err: ValidationError, table: str, row: int | None, source: str | None
) -> list[Defect]:
    """A row model's validation error as located defects, worded for whoever fills the cells."""
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


def check_tables(
    tables: dict[str, Any],
    *,
    policy: dict[str, Any] | Policy | None,
    sources: dict[str, str],
    row_numbers: dict[str, list[int]],
) -> tuple[Policy, dict[str, list[Row]]]:
    """The parsed policy and rows of every table, or ScenarioError listing every problem."""
    out = Collector(sources, row_numbers)
    _check_presence(tables, out)
    parsed_policy = _parse_policy(policy, out)
    rows = _parse_rows(tables, out)
    check_references(rows, parsed_policy, out, tables)
    if out.problems:
        raise ScenarioError(out.problems)
    return parsed_policy, rows


def _check_presence(tables: dict[str, Any], out: Collector) -> None:
    unknown = sorted(set(tables) - set(TABLE_ROWS))
    for table in unknown:
        out.add(table, f"unknown table {table!r}; expected tables: {', '.join(TABLE_ROWS)}")
    for table in REQUIRED_TABLES:
        if table not in tables or tables[table] is None:
            out.add(table, f"required table {table!r} is missing; provide it with columns "
                           f"{', '.join(required_columns(table))}")
        elif not records(tables[table]) and table != "unit_pledges":
            out.add(table, f"table {table!r} has no rows; add at least one")


def _parse_policy(policy: dict[str, Any] | Policy | None, out: Collector) -> Policy:
    if isinstance(policy, Policy):
        return policy
    if policy:
        try:
            return Policy.model_validate(policy)
        except ValidationError as err:
            out.problems.extend(pydantic_problems(err, "policy", None, out.sources.get("policy")))
    return Policy()


def _parse_rows(tables: dict[str, Any], out: Collector) -> dict[str, list[Any]]:
    """Every table's rows, None in place of a row that failed, so indexes match row numbers."""
    rows: dict[str, list[Any]] = {}
    for table, model in TABLE_ROWS.items():
        parsed = []
        for index, record in enumerate(records(tables.get(table))):
            try:
                parsed.append(model.model_validate(record))
            except ValidationError as err:
                out.problems.extend(pydantic_problems(
                    err, table, out.row_of(table, index), out.sources.get(table)))
                parsed.append(None)  # keep indexes aligned with row numbers
        rows[table] = parsed
    return rows
