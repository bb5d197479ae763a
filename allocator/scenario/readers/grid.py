"""Cells and headers, shared by every form: a header row naming columns, then data rows."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from allocator.scenario.readers.found import Found
from allocator.scenario.schema import TABLE_ROWS, all_columns, required_columns

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
    names = [_at(header, i).strip().lower() for i in keep]
    found.tables[table] = [{name: _at(cells, i) for name, i in zip(names, keep, strict=True)}
                           for _, cells in data]
    found.row_numbers[table] = [n for n, _ in data]


def _check_header(found: Found, table: str, source: str, header_row: int,
                  header: list[str], data: list[tuple[int, list[str]]]) -> list[int]:
    """Report header problems once, not once per row; return the indexes of usable columns."""
    width = max([len(header), *(len(cells) for _, cells in data)])
    keep: list[int] = []
    seen: set[str] = set()
    for i in range(width):
        name = _at(header, i).strip().lower()
        if not name:
            if any(_at(cells, i).strip() for _, cells in data):
                found.problem(table, f"column {i + 1} has values but no header; name it or "
                                     "delete it", source, header_row)
        elif name in seen:
            found.problem(table, f"column {name!r} appears twice; keep one", source,
                          header_row, name)
        elif name not in TABLE_ROWS[table].model_fields:
            found.problem(table, unknown_column(table, name), source, header_row, name)
        else:
            keep.append(i)
        seen.add(name)
    check_required(found, table, source, header_row, seen)
    return keep


def unknown_column(table: str, name: str) -> str:
    """The message for a column ``table`` does not have, suggesting the closest one."""
    columns = all_columns(table)
    close = difflib.get_close_matches(name, columns, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown column {name!r}; {hint}expected columns: {', '.join(columns)}"


def check_required(found: Found, table: str, source: str, row: int | None,
                   present: set[str]) -> None:
    """Report each required column of ``table`` missing from ``present``, once per table."""
    required = required_columns(table)
    for column in required:
        if column not in present:
            found.missing_columns.add((table, column))
            found.problem(table, f"required column {column!r} is missing; {table} needs "
                                 f"columns {', '.join(required)}", source, row, column)
