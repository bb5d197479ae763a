"""The workbook form: an ``.xlsx`` with one sheet per table and an optional ``scenario`` sheet.

Sheet names are matched ignoring case and surrounding spaces. The ``scenario`` sheet has
columns ``key`` and ``value``: keys ``name``, ``description``, ``period_months`` and
``policy.<field>``; a value written as ``{...}`` or ``[...]`` is read as YAML.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from openpyxl.utils.exceptions import InvalidFileException

from allocator.errors import did_you_mean, shown
from allocator.scenario.readers.found import META_KEYS, SCENARIO_SHEET, Found, fail, yaml_message
from allocator.scenario.readers.grid import Rows, add_grid, cell_text
from allocator.scenario.readers.meta import read_meta
from allocator.scenario.schema import TABLE_ROWS
from allocator.scenario.schema.columns import header_name


def read_workbook(path: Path) -> Found:
    """Read an ``.xlsx`` workbook; its sheets are named ``<file>[<sheet>]`` in problems."""
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as err:
        fail(f"not a readable .xlsx workbook ({err}); save it from Excel as .xlsx", path.name)
    found = Found()
    for sheet in workbook.worksheets:
        source = f"{path.name}[{sheet.title}]"
        rows = list(enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1))
        name = header_name(sheet.title)
        if name == SCENARIO_SHEET:
            _read_scenario_sheet(found, rows, source)
        elif name in TABLE_ROWS:
            if found.claim(name, source):
                add_grid(found, name, source, rows, "sheet")
        elif any(cell_text(c).strip() for _, cells in rows for c in cells):
            # An empty leftover "Sheet1" is harmless; one holding data is probably misnamed.
            hint = did_you_mean(name, [*TABLE_ROWS, SCENARIO_SHEET])
            found.problem(sheet.title, f"sheet {shown(sheet.title)} is not a known table{hint}; "
                          f"expected sheets named {', '.join(TABLE_ROWS)} (and optionally "
                          f"{SCENARIO_SHEET})", source)
    found.name_missing_tables(path.name)
    return found


def _read_scenario_sheet(found: Found, rows: Rows, source: str) -> None:
    filled = [(n, cells) for n, cells in rows if any(cell_text(c).strip() for c in cells)]
    if not filled:
        return
    (header_row, header), data = filled[0], filled[1:]
    if [cell_text(c).strip().lower() for c in header[:2]] != ["key", "value"]:
        found.problem("scenario", "expected a header row with columns key, value", source,
                      header_row)
        return
    meta: dict[str, Any] = {}
    policy: dict[str, Any] = {}
    for n, cells in data:
        key = cell_text(cells[0]).strip().lower()
        value = _sheet_value(found, source, n, cells[1] if len(cells) > 1 else None)
        if key.startswith("policy.") and value is not None:
            policy[key.removeprefix("policy.")] = value
        elif key in META_KEYS and key != "policy":
            meta[key] = value
        elif not key.startswith("policy."):
            hint = did_you_mean(key, [k for k in META_KEYS if k != "policy"])
            found.problem("scenario", f"unknown key {shown(key)}{hint}; expected name, "
                                      "description, period_months or policy.<setting>",
                          source, n, "key")
    read_meta(found, {**meta, "policy": policy}, source)


def _sheet_value(found: Found, source: str, row: int, value: Any) -> Any:
    """A scenario-sheet value; ``{...}`` and ``[...]`` are read as YAML (dicts and lists)."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if value[0] in "{[":
            try:
                return yaml.safe_load(value)
            except yaml.YAMLError as err:
                found.problem("scenario", yaml_message(err), source, row, "value")
                return None
    return value
