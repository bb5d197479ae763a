"""Cells and headers, shared by every form: a header row naming columns, then data rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from allocator.errors import shown
from allocator.scenario.readers.found import Found
from allocator.scenario.schema import TABLE_ROWS, all_columns, required_columns
from allocator.scenario.schema.columns import (
    header_name,
    ignored_message,
    outside_contract,
    typo_message,
)

Rows = Iterable[tuple[int, Sequence[Any]]]
"""Numbered rows of cells as a spreadsheet shows them: (row number, cells)."""


def cell_text(value: Any) -> str:
    """A cell as the text a CSV would hold, so every form reaches the row models alike."""
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel shows 15 significant digits; a formula's 0.30000000000000004 means 0.3.
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value)


def _columns_hint(table: str) -> str:
    return f"{', '.join(all_columns(table))} (required: {', '.join(required_columns(table))})"


def _at(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def add_grid(found: Found, table: str, source: str, rows: Rows, what: str) -> None:
    """Turn a header row and data rows (a CSV file or a sheet) into the records of a table."""
    filled = [(n, [cell_text(c) for c in cells]) for n, cells in rows]
    filled = [(n, cells) for n, cells in filled if any(c.strip() for c in cells)]
    if not filled:
        found.unreadable.add(table)
        found.problem(table, f"{what} is empty; expected a header row with columns "
                             f"{_columns_hint(table)}", source)
        return
    (header_row, header), data = filled[0], filled[1:]
    keep = _check_header(found, table, source, header_row, header, data)
    names = [header_name(_at(header, i)) for i in keep]
    found.tables[table] = [{name: _at(cells, i) for name, i in zip(names, keep, strict=True)}
                           for _, cells in data]
    found.row_numbers[table] = [n for n, _ in data]


def _check_header(found: Found, table: str, source: str, header_row: int,
                  header: list[str], data: list[tuple[int, list[str]]]) -> list[int]:
    """Report header problems once, not once per row; return the indexes of contract columns."""
    width = max([len(header), *(len(cells) for _, cells in data)])
    columns = TABLE_ROWS[table].model_fields
    keep: list[int] = []
    seen: dict[str, int] = {}
    for i in range(width):
        name = header_name(_at(header, i))
        if not name:
            if any(_at(cells, i).strip() for _, cells in data):
                found.problem(table, f"column {i + 1} has values but no header; name it or "
                                     "delete it", source, header_row)
        elif name in seen:
            found.problem(table, f"column {shown(name)} appears twice; keep one", source,
                          header_row, name)
        else:
            seen[name] = header_row
            if name in columns:
                keep.append(i)
    check_columns(found, table, source, seen, header_row)
    return keep


def check_columns(found: Found, table: str, source: str, seen: dict[str, int],
                  header_row: int | None) -> None:
    """Report the columns of ``table`` outside the contract and the required ones missing.

    ``seen`` maps each column name used to the row that first uses it (the header row of a
    sheet, or the first item of a JSON/YAML table). A column outside the contract is ignored
    with a warning, unless it is a likely typo of a column the table lacks: then an error
    (``allocator.scenario.schema.columns``).
    """
    misspelt: set[str] = set()
    for name, meant in outside_contract(table, seen):
        row = seen[name]
        if meant is None:
            found.warn(table, ignored_message(table, name), source, row, name)
        else:
            found.problem(table, typo_message(table, name, meant), source, row, name)
            found.missing_columns.add((table, meant))
            misspelt.add(meant)
    check_required(found, table, source, header_row, set(seen) | misspelt)


def check_required(found: Found, table: str, source: str, row: int | None,
                   present: set[str]) -> None:
    """Report each required column of ``table`` missing from ``present``, once per table."""
    required = required_columns(table)
    for column in required:
        if column not in present:
            found.missing_columns.add((table, column))
            found.problem(table, f"required column {shown(column)} is missing; {table} needs "
                                 f"columns {', '.join(required)}", source, row, column)
