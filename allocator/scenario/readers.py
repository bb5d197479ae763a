"""Load a scenario from any of its forms (DESIGN §3) through one entry point, ``read_scenario``.

Accepted forms:

- a folder with one ``<table>.csv`` per table and an optional ``scenario.yaml`` holding
  ``name``, ``description``, ``period_months`` (shortcut for ``policy.period_months``) and
  ``policy``; ``README*`` and files that are not ``.csv`` are ignored;
- a ``.zip`` of such a folder, its files at the root or inside one top-level folder;
- an ``.xlsx`` workbook with one sheet per table (sheet names are matched ignoring case and
  surrounding spaces) and an optional sheet ``scenario`` with columns ``key`` and ``value``:
  keys ``name``, ``description``, ``period_months`` and ``policy.<field>``; a value written
  as ``{...}`` or ``[...]`` is read as YAML, e.g. ``policy.priority_weights`` = ``{1: 16, 2: 8}``;
- a ``.json``, ``.yaml`` or ``.yml`` document with one key per table (a list of row objects)
  plus ``name``, ``description``, ``period_months`` and ``policy``.

Every file is read first and its file-level problems (unreadable file, empty file, missing or
unknown columns, unknown tables) are collected; then all rows are validated together. One
``ScenarioError`` lists everything found, and no partial scenario is ever returned.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import openpyxl
import yaml
from openpyxl.utils.exceptions import InvalidFileException

from allocator.errors import Defect, ScenarioError
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import TABLE_ROWS, all_columns, required_columns

META_KEYS = ("name", "description", "period_months", "policy")
SCENARIO_FILES = ("scenario.yaml", "scenario.yml")
SCENARIO_SHEET = "scenario"
ACCEPTED_FORMS = (
    "a folder of CSV files (one <table>.csv per table, plus an optional scenario.yaml), "
    "a .zip of such a folder, an .xlsx workbook with one sheet per table, "
    "or a .json/.yaml/.yml document with one key per table"
)

Rows = Iterable[tuple[int, Sequence[Any]]]
"""Numbered rows of cells as a spreadsheet shows them: (row number, cells)."""


def read_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario; raise ``ScenarioError`` listing every problem found."""
    path = Path(path)
    # Without a name in the metadata, the folder or file names the scenario ("kivu_2025").
    default_name = path.resolve().name if path.is_dir() else path.stem
    return _validate(_read_any(path), default_name=default_name or "scenario")


@dataclass
class _Found:
    """Raw rows of every table a reader found, before validation, and its file problems."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    row_numbers: dict[str, list[int]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    problems: list[Defect] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)
    """Tables whose file exists but could not be read; validation must not call them missing."""
    missing_columns: set[tuple[str, str]] = field(default_factory=set)
    """(table, column) already reported from the header, so not again for every row."""

    def problem(self, table: str, message: str, source: str | None,
                row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Defect(table=table, message=message, row=row, column=column,
                                     source=source))

    def claim(self, table: str, source: str) -> bool:
        """Register the file of a table; False (and a problem) if another file already has it."""
        if table in self.sources:
            self.problem(table, f"table {table!r} is given twice, also in "
                                f"{self.sources[table]}; keep one", source)
            return False
        self.sources[table] = source
        return True


def _fail(message: str, source: str) -> NoReturn:
    raise ScenarioError([Defect(table="scenario", message=message, source=source)])


def _read_any(path: Path) -> _Found:
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        _fail(f"no such file or folder; expected {ACCEPTED_FORMS}", path.name)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        _fail(f"cannot read {path.suffix or 'extension-less'} files; expected {ACCEPTED_FORMS}",
              path.name)
    return reader(path)


def _validate(found: _Found, default_name: str) -> Scenario:
    tables = {t: rows for t, rows in found.tables.items() if t not in found.unreadable}
    try:
        scenario = Scenario.from_tables(
            tables,
            name=found.meta.get("name") or default_name,
            description=found.meta.get("description") or "",
            policy=found.meta.get("policy") or None,
            sources=found.sources,
            row_numbers=found.row_numbers,
        )
    except ScenarioError as err:
        later = [p for p in err.problems if not _echoes(p, found)]
        raise ScenarioError(found.problems + later) from None
    if found.problems:
        raise ScenarioError(found.problems)
    return scenario


def _echoes(problem: Defect, found: _Found) -> bool:
    """Whether a validation problem only repeats a file problem that is already reported."""
    if problem.table in found.unreadable and problem.row is None:
        return True  # "required table is missing": its file is there but unreadable
    return problem.row is not None and (problem.table, problem.column) in found.missing_columns


# ----- cells and headers, shared by every form ---------------------------------------------
def _columns_hint(table: str) -> str:
    return f"{', '.join(all_columns(table))} (required: {', '.join(required_columns(table))})"


def _cell_text(value: Any) -> str:
    """A cell as the text a CSV would hold, so every form reaches the row models alike."""
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel shows 15 significant digits; a formula's 0.30000000000000004 means 0.3.
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value)


def _at(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _add_grid(found: _Found, table: str, source: str, rows: Rows, what: str) -> None:
    """Turn a header row and data rows (a CSV file or a sheet) into the records of a table."""
    filled = [(n, [_cell_text(c) for c in cells]) for n, cells in rows]
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


def _check_header(found: _Found, table: str, source: str, header_row: int,
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
            found.problem(table, _unknown_column(table, name), source, header_row, name)
        else:
            keep.append(i)
        seen.add(name)
    _check_required(found, table, source, header_row, seen)
    return keep


def _unknown_column(table: str, name: str) -> str:
    columns = all_columns(table)
    close = difflib.get_close_matches(name, columns, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown column {name!r}; {hint}expected columns: {', '.join(columns)}"


def _check_required(found: _Found, table: str, source: str, row: int | None,
                    present: set[str]) -> None:
    required = required_columns(table)
    for column in required:
        if column not in present:
            found.missing_columns.add((table, column))
            found.problem(table, f"required column {column!r} is missing; {table} needs "
                                 f"columns {', '.join(required)}", source, row, column)


# ----- scenario metadata -------------------------------------------------------------------
def _read_meta(found: _Found, meta: Mapping[str, Any], source: str) -> None:
    """Keep name, description and policy, folding the top-level period_months into policy."""
    policy = meta.get("policy")
    if policy is None:
        policy = {}
    elif not isinstance(policy, dict):
        found.problem("policy", "policy must be a mapping of setting: value", source)
        policy = {}
    policy = dict(policy)
    period = meta.get("period_months")
    if period is not None:
        if policy.get("period_months", period) != period:
            found.problem("policy", "period_months is given twice with different values "
                                    "(top level and policy); keep one", source,
                          column="period_months")
        policy["period_months"] = period
    found.meta = {
        "name": "" if meta.get("name") is None else str(meta["name"]),
        "description": "" if meta.get("description") is None else str(meta["description"]),
        "policy": policy,
    }
    found.sources["policy"] = source


def _yaml_message(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    what = getattr(err, "problem", None) or str(err)
    if mark is None:
        return f"malformed YAML: {what}"
    return f"malformed YAML at line {mark.line + 1}, column {mark.column + 1}: {what}"


def _decode(found: _Found, table: str, data: bytes, source: str) -> str | None:
    """The text of a UTF-8 file (a BOM is allowed), or None after reporting the bad byte."""
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        position = err.start + len(data) - len(body)  # count the BOM: positions are the file's
        line = data[:position].count(b"\n") + 1
        found.problem(table, f"file is not UTF-8 text (byte 0x{data[position]:02x} at position "
                             f"{position}, line {line}); save it as UTF-8", source)
        return None


# ----- CSV folder and zip ------------------------------------------------------------------
def _read_folder(path: Path) -> _Found:
    files = {p.name: p.read_bytes for p in path.iterdir() if p.is_file()}
    return _read_csv_files(files, prefix="")


def _read_zip(path: Path) -> _Found:
    try:
        with zipfile.ZipFile(path) as archive:
            members = _zip_members(archive.namelist())
            return _read_csv_files(
                {name: (lambda m=member: archive.read(m)) for name, member in members.items()},
                prefix=f"{path.name}/",
            )
    except (zipfile.BadZipFile, OSError) as err:
        _fail(f"not a readable zip file ({err}); expected {ACCEPTED_FORMS}", path.name)


def _zip_members(names: list[str]) -> dict[str, str]:
    """File name -> member of the files at the zip root, or else inside its one top folder."""
    files = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX/")]
    at_root = [n for n in files if "/" not in n]
    if any(n.lower().endswith(".csv") for n in at_root):
        return {n: n for n in at_root}
    folders = {n.split("/", 1)[0] for n in files if "/" in n}
    if len(folders) != 1:
        return {n: n for n in at_root}
    return {n.split("/", 1)[1]: n for n in files if n.count("/") == 1}


def _read_csv_files(files: Mapping[str, Callable[[], bytes]], prefix: str) -> _Found:
    found = _Found()
    expected = ", ".join(f"{t}.csv" for t in TABLE_ROWS)
    for name, read in sorted(files.items()):
        lower = name.strip().lower()
        source = prefix + name
        if lower in SCENARIO_FILES:
            _read_scenario_yaml(found, read(), source)
        elif lower.startswith(("readme", ".")) or not lower.endswith(".csv"):
            continue  # notes, hidden files and other formats may travel with the data
        elif lower.removesuffix(".csv") in TABLE_ROWS:
            table = lower.removesuffix(".csv")
            if found.claim(table, source):
                _read_csv(found, table, read(), source)
        else:
            found.problem(lower.removesuffix(".csv"),
                          f"unknown table file {name!r}; expected {expected}", source)
    return found


def _read_csv(found: _Found, table: str, data: bytes, source: str) -> None:
    text = _decode(found, table, data, source)
    if text is None:
        found.unreadable.add(table)
        return
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        found.unreadable.add(table)
        found.problem(table, f"not a readable CSV file ({err})", source)
        return
    _add_grid(found, table, source, enumerate(rows, start=1), "file")


def _read_scenario_yaml(found: _Found, data: bytes, source: str) -> None:
    text = _decode(found, "scenario", data, source)
    try:
        meta = yaml.safe_load(text) if text else None
    except yaml.YAMLError as err:
        found.problem("scenario", _yaml_message(err), source)
        return
    if meta is None:
        return
    if not isinstance(meta, dict):
        found.problem("scenario", f"expected a mapping with keys {', '.join(META_KEYS)}", source)
        return
    for key in meta:
        if key not in META_KEYS:
            found.problem("scenario", f"unknown key {key!r}; expected {', '.join(META_KEYS)}",
                          source, column=str(key))
    _read_meta(found, meta, source)


# ----- Excel workbook ----------------------------------------------------------------------
def _read_workbook(path: Path) -> _Found:
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as err:
        _fail(f"not a readable .xlsx workbook ({err}); save it from Excel as .xlsx", path.name)
    found = _Found()
    for sheet in workbook.worksheets:
        source = f"{path.name}[{sheet.title}]"
        rows = list(enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1))
        name = sheet.title.strip().lower()
        if name == SCENARIO_SHEET:
            _read_scenario_sheet(found, rows, source)
        elif name in TABLE_ROWS:
            if found.claim(name, source):
                _add_grid(found, name, source, rows, "sheet")
        elif any(_cell_text(c).strip() for _, cells in rows for c in cells):
            # An empty leftover "Sheet1" is harmless; one holding data is probably misnamed.
            found.problem(sheet.title, f"sheet {sheet.title!r} is not a known table; expected "
                          f"sheets named {', '.join(TABLE_ROWS)} (and optionally "
                          f"{SCENARIO_SHEET})", source)
    _name_missing_tables(found, path.name)
    return found


def _name_missing_tables(found: _Found, source: str) -> None:
    """Let 'required table is missing' name the one file that should have held the table."""
    for table in TABLE_ROWS:
        found.sources.setdefault(table, source)


def _read_scenario_sheet(found: _Found, rows: Rows, source: str) -> None:
    filled = [(n, cells) for n, cells in rows if any(_cell_text(c).strip() for c in cells)]
    if not filled:
        return
    (header_row, header), data = filled[0], filled[1:]
    if [_cell_text(c).strip().lower() for c in header[:2]] != ["key", "value"]:
        found.problem("scenario", "expected a header row with columns key, value", source,
                      header_row)
        return
    meta: dict[str, Any] = {}
    policy: dict[str, Any] = {}
    for n, cells in data:
        key = _cell_text(cells[0]).strip().lower()
        value = _sheet_value(found, source, n, cells[1] if len(cells) > 1 else None)
        if key.startswith("policy.") and value is not None:
            policy[key.removeprefix("policy.")] = value
        elif key in META_KEYS and key != "policy":
            meta[key] = value
        elif not key.startswith("policy."):
            found.problem("scenario", f"unknown key {key!r}; expected name, description, "
                                      "period_months or policy.<setting>", source, n, "key")
    _read_meta(found, {**meta, "policy": policy}, source)


def _sheet_value(found: _Found, source: str, row: int, value: Any) -> Any:
    """A scenario-sheet value; ``{...}`` and ``[...]`` are read as YAML (dicts and lists)."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if value[0] in "{[":
            try:
                return yaml.safe_load(value)
            except yaml.YAMLError as err:
                found.problem("scenario", _yaml_message(err), source, row, "value")
                return None
    return value


# ----- JSON / YAML document ----------------------------------------------------------------
def _read_document(path: Path) -> _Found:
    found = _Found()
    source = path.name
    text = _decode(found, "scenario", path.read_bytes(), source)
    if text is None:
        raise ScenarioError(found.problems)
    if not text.strip():
        _fail(f"file is empty; expected a document with keys {', '.join(TABLE_ROWS)}", source)
    document = _parse_document(text, path.suffix.lower(), source)
    if not isinstance(document, dict):
        _fail(f"expected a mapping with keys {', '.join(TABLE_ROWS)}, "
              f"{', '.join(META_KEYS)}", source)
    for key, value in document.items():
        name = str(key).strip().lower()
        if name in TABLE_ROWS:
            if found.claim(name, source):
                _add_records(found, name, source, value)
        elif name not in META_KEYS:
            found.problem("scenario", f"unknown key {key!r}; expected tables "
                          f"{', '.join(TABLE_ROWS)} or {', '.join(META_KEYS)}", source,
                          column=str(key))
    _read_meta(found, {str(k).strip().lower(): v for k, v in document.items()}, source)
    _name_missing_tables(found, source)
    return found


def _parse_document(text: str, suffix: str, source: str) -> Any:
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            _fail(f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}", source)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        _fail(_yaml_message(err), source)


def _add_records(found: _Found, table: str, source: str, items: Any) -> None:
    """Rows of a document table; its 'header' is every key used by any of its rows."""
    if items is None:
        items = []  # `transport_costs:` with nothing under it is an empty table
    if not isinstance(items, list):
        found.unreadable.add(table)
        found.problem(table, "expected a list of rows (one object of column: value per row)",
                      source)
        return
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    first_seen: dict[str, int] = {}
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            found.problem(table, "expected an object of column: value", source, n)
            continue
        record = {str(k).strip().lower(): v for k, v in item.items()}
        for key in record:
            first_seen.setdefault(key, n)
        records.append(record)
        numbers.append(n)
    columns = TABLE_ROWS[table].model_fields
    for key, n in first_seen.items():
        if key not in columns:
            found.problem(table, _unknown_column(table, key), source, n, key)
    if records:
        _check_required(found, table, source, None, set(first_seen))
    found.tables[table] = [{k: v for k, v in r.items() if k in columns} for r in records]
    found.row_numbers[table] = numbers


_READERS: dict[str, Callable[[Path], _Found]] = {
    ".zip": _read_zip,
    ".xlsx": _read_workbook,
    ".json": _read_document,
    ".yaml": _read_document,
    ".yml": _read_document,
}
