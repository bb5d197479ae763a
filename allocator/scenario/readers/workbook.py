"""The workbook form: an ``.xlsx`` with one sheet per table and an optional ``scenario`` sheet.

Sheet names are matched ignoring case and surrounding spaces. The ``scenario`` sheet has
columns ``key`` and ``value``: keys ``name``, ``description``, ``period_months`` and
``policy.<field>``; a value written as ``{...}`` or ``[...]`` is read as YAML.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from allocator.errors import ScenarioError, did_you_mean, shown
from allocator.scenario.readers.found import META_KEYS, SCENARIO_SHEET, Found, fail
from allocator.scenario.readers.grid import Rows, add_grid, cell_text
from allocator.scenario.readers.meta import read_meta
from allocator.scenario.readers.parsing import check_size, parse_yaml
from allocator.scenario.readers.zip_archive import REZIP, ZIP_DAMAGE, damaged_zip_message
from allocator.scenario.schema import TABLE_ROWS
from allocator.scenario.schema.columns import header_name


def read_workbook(path: Path) -> Found:
    """Read an ``.xlsx`` workbook; its sheets are named ``<file>[<sheet>]`` in problems."""
    found = Found()
    for title, rows in _sheets(path):
        source = f"{path.name}[{title}]"
        name = header_name(title)
        if name == SCENARIO_SHEET:
            _read_scenario_sheet(found, rows, source)
        elif name in TABLE_ROWS:
            if found.claim(name, source):
                add_grid(found, name, source, rows, "sheet")
        elif any(cell_text(c).strip() for _, cells in rows for c in cells):
            # An empty leftover "Sheet1" is harmless; one holding data is probably misnamed.
            hint = did_you_mean(name, [*TABLE_ROWS, SCENARIO_SHEET])
            found.problem(title, f"sheet {shown(title)} is not a known table{hint}; "
                          f"expected sheets named {', '.join(TABLE_ROWS)} (and optionally "
                          f"{SCENARIO_SHEET})", source)
    found.name_missing_tables(path.name)
    return found


XML_DAMAGE = (ParseError, InvalidFileException, SyntaxError, UnicodeError)
"""What openpyxl raises for a damaged XML part (lxml's errors are SyntaxErrors too)."""

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
"""The first bytes of an OLE file: an old .xls, or an .xlsx saved with a password."""


def _sheets(path: Path) -> list[tuple[str, Rows]]:
    """Every sheet's title and numbered rows of values, or one message for a workbook that
    cannot be read (encrypted, old format, damaged, or unpacking beyond the size limit)."""
    check_size(path.stat().st_size, path.name)
    with path.open("rb") as handle:
        if handle.read(8) == _OLE_MAGIC:
            fail("the workbook is password-protected or in the old .xls format; in Excel, "
                 "remove the password (File > Info > Protect Workbook > Encrypt with "
                 "Password, then clear it) and save it as an .xlsx workbook", path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            # An .xlsx is a zip: its parts unpacked must stay within the limit too.
            check_size(sum(i.file_size for i in archive.infolist()), path.name,
                       "workbook once unpacked")
        workbook = openpyxl.load_workbook(path, data_only=True)
        return [(sheet.title, list(enumerate(sheet.iter_rows(min_row=1, values_only=True),
                                             start=1)))
                for sheet in workbook.worksheets]
    except ScenarioError:
        raise
    except (*ZIP_DAMAGE, *XML_DAMAGE, KeyError, TypeError, AttributeError, IndexError) as err:
        # openpyxl passes on whatever its zip and XML layers raise for a damaged part, and
        # fails on damaged styles with TypeError or AttributeError while building them.
        fail(damaged_zip_message(err, "workbook").replace(
            REZIP, "open it in Excel or LibreOffice and save it again as .xlsx (File > Save "
            "As > Excel Workbook)"), path.name)


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
                return parse_yaml(value, source)
            except ScenarioError as err:
                for problem in err.problems:
                    found.problem("scenario", problem.message, source, row, "value")
                return None
    return value
