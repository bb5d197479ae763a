"""Check raw tables against the data contract, collecting every problem before failing.

Two passes: each row against its row model (types, ranges, required cells), then the
cross-references between tables (``allocator.scenario.references``). ``check_tables`` returns
the parsed policy and rows only when both passes are clean, so nothing half-loads; building
the ``Scenario`` from them is the scenario's own job (``Scenario.from_tables``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import ValidationError

from allocator.errors import Defect, ScenarioError, did_you_mean, shown
from allocator.scenario.collector import Collector, records
from allocator.scenario.normalise import normalise_capabilities
from allocator.scenario.references import check_references
from allocator.scenario.schema import (
    REQUIRED_TABLES,
    TABLE_ROWS,
    ObjectiveWeights,
    Policy,
    Row,
    required_columns,
)
from allocator.scenario.schema.bounds import MAX_CELL_CHARS
from allocator.scenario.schema.columns import (
    header_name,
    ignored_message,
    outside_contract,
    typo_message,
)
from allocator.scenario.screening import screen


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
            message = (f"unknown policy setting {shown('.'.join(loc))}"
                       f"{did_you_mean(loc[-1], settings.model_fields)}; expected one of: "
                       f"{', '.join(settings.model_fields)}")
        elif item["type"] == "extra_forbidden":
            allowed = ", ".join(TABLE_ROWS[table].model_fields) if table in TABLE_ROWS else ""
            message = f"unknown column; expected one of: {allowed}"
        elif item.get("input") is not None and item["type"] not in {"value_error"}:
            message = f"{message} (got {shown(item['input'])})"
        problems.append(Defect(table=table, row=row, column=column, message=message,
                                source=source))
    return problems


def check_tables(
    tables: dict[str, Any],
    *,
    policy: dict[str, Any] | Policy | None,
    sources: dict[str, str],
    row_numbers: dict[str, list[int]],
    reported: Collection[tuple[str, str]] = (),
) -> tuple[Policy, dict[str, list[Row]], list[Defect]]:
    """The parsed policy, the rows of every table and the warnings, or ScenarioError listing
    every problem (``reported``: see ``Scenario.from_tables``)."""
    out = Collector(sources, row_numbers, reported=reported)
    _check_presence(tables, out)
    parsed_policy = _parse_policy(policy, out)
    rows = normalise_capabilities(_parse_rows(tables, out))
    check_references(rows, parsed_policy, out, tables)
    if out.failed:
        raise ScenarioError(out.problems, unlisted=out.unlisted)
    screen(rows, out)
    return parsed_policy, rows, out.warnings


def _check_presence(tables: dict[str, Any], out: Collector) -> None:
    unknown = sorted(set(tables) - set(TABLE_ROWS))
    for table in unknown:
        out.add(table, f"unknown table {shown(table)}; expected tables: {', '.join(TABLE_ROWS)}")
    for table in REQUIRED_TABLES:
        if table not in tables or tables[table] is None:
            out.add(table, f"required table {shown(table)} is missing; provide it with columns "
                           f"{', '.join(required_columns(table))}")
        elif not records(tables[table]) and table != "unit_pledges":
            out.add(table, f"table {shown(table)} has no rows; add at least one")


def _parse_policy(policy: dict[str, Any] | Policy | None, out: Collector) -> Policy:
    if isinstance(policy, Policy):
        return policy
    if policy:
        try:
            return Policy.model_validate(policy)
        except ValidationError as err:
            out.extend(pydantic_problems(err, "policy", None, out.sources.get("policy")))
    return Policy()


def _contract_columns(table: str, rows: list[dict[str, Any]],
                      out: Collector) -> list[dict[str, Any]]:
    """The rows with their column names in the contract's spelling and only the contract's
    columns; the others are reported once per table (``allocator.scenario.schema.columns``).

    The readers have done this already for files; this serves DataFrames and dicts.
    """
    columns = TABLE_ROWS[table].model_fields
    named = [{header_name(k): v for k, v in row.items()} for row in rows]
    used = {k: i for i, row in reversed(list(enumerate(named))) for k in row}
    for name, meant in outside_contract(table, used):
        if meant is None:
            out.warn(table, ignored_message(table, name), used[name], name)
        else:
            out.add(table, typo_message(table, name, meant), used[name], name)
    return [{k: v for k, v in row.items() if k in columns} for row in named]


def _parse_rows(tables: dict[str, Any], out: Collector) -> dict[str, list[Any]]:
    """Every table's rows, None in place of a row that failed, so indexes match row numbers."""
    rows: dict[str, list[Any]] = {}
    for table, model in TABLE_ROWS.items():
        parsed = []
        for index, record in enumerate(_contract_columns(table, records(tables.get(table)), out)):
            if _oversized_cells(table, index, record, out):
                parsed.append(None)
                continue
            try:
                parsed.append(model.model_validate(record))
            except ValidationError as err:
                out.extend(pydantic_problems(
                    err, table, out.row_of(table, index), out.sources.get(table)))
                parsed.append(None)  # keep indexes aligned with row numbers
        rows[table] = parsed
    return rows


def _oversized_cells(table: str, index: int, record: dict[str, Any], out: Collector) -> bool:
    """Report each cell of the row longer than ``MAX_CELL_CHARS``; True when there is one.

    Checked before the row model, so no coercer, list split or reference check ever walks a
    megabyte cell (a 3-million-character list cell took minutes to report item by item).
    """
    oversized = False
    for column, value in record.items():
        size = _cell_chars(value)
        if size > MAX_CELL_CHARS:
            oversized = True
            out.add(table, f"a cell of {size:,} characters; a cell holds at most "
                           f"{MAX_CELL_CHARS:,} (Excel's own limit): check for a slipped or "
                           "repeated paste", index, column)
    return oversized


def _cell_chars(value: Any) -> int:
    """The characters of a cell as a CSV would hold it: a list as ``a;b``, a mapping as
    ``k:v;k:v``, so a scenario that loaded measures the same when validated again."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple | set):
        return sum(len(str(item)) + 1 for item in value) - 1 if value else 0
    if isinstance(value, dict):
        return sum(len(str(k)) + len(str(v)) + 2 for k, v in value.items()) - 1 if value else 0
    return 0
