"""Deterministic mutators for fuzzing the scenario readers: a base scenario in, a damaged file out.

A base scenario (one of ``BASES``) is loaded once into a ``Grid``: every table as a header and
rows of cells, plus the metadata (name, description, policy). A ``Mutation`` changes one thing
in it (a cell, a header, a row, the policy, the structure of a document) or in the bytes of
the file written from it (its encoding, its zip or workbook container), and ``write`` puts the
result in one of the five containers the readers accept: a CSV folder with ``scenario.yaml``,
a ``.zip`` of that folder, an ``.xlsx`` workbook, a ``.json`` or a ``.yaml`` document.

Everything is driven by a ``random.Random`` the caller seeds, so case ``i`` of seed ``s`` is
the same file on every machine (``make_case``). Each mutation records where it struck
(container, table, row, column) as the row number a planner sees: the spreadsheet row in a CSV
file or sheet (header = 1), the 1-based item number in a JSON/YAML table, so that a rejection
of a single-cell mutation can be checked for naming that very cell.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from pathlib import Path
from random import Random
from typing import Any

import openpyxl
import yaml
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CONTAINERS = ("folder", "zip", "xlsx", "json", "yaml")
"""The five forms a mutated scenario is written in."""

SUFFIX = {"folder": "", "zip": ".zip", "xlsx": ".xlsx", "json": ".json", "yaml": ".yaml"}

BASES: dict[str, str] = {
    "small": "datasets/families/small",
    "small_document": "datasets/families/small",
    "medium": "datasets/families/medium",
    "un_2025": "datasets/un_2025",
    "un_2025_xlsx": "examples/un_2025.xlsx",
}
"""Base scenarios by name, as paths relative to the repository root. ``small_document`` is the
small family as ``Scenario.to_document()`` gives it (typed values, the tests' document form)."""

SMALL_BASES = ("small", "small_document")
"""The bases that solve in well under a second: for property tests and most fuzz cases."""

BASE_WEIGHTS = {"small": 50, "small_document": 26, "medium": 8, "un_2025": 8,
                "un_2025_xlsx": 8}
"""How often each base is drawn: the large ones take seconds to solve, so they are rarer."""

KINDS = ("cell", "header", "row", "encoding", "container", "structure", "policy")
"""The families of mutation; ``applicable_kinds`` says which fit a container."""

PRIMARY_KEYS = {"member_states": "code", "missions": "mission_id",
                "requirements": "requirement_id", "unit_pledges": "pledge_id",
                "equipment_pledges": "equipment_id", "funding_pledges": "funding_id",
                "capabilities": "capability"}
"""Each table's id column: a changed id is legitimately reported where it is referenced."""

POLICY_SETTINGS = ("period_months", "reimbursement_rate_usd", "priority_weights", "objective",
                   "objective_mode", "objective_weights", "time_limit_s", "min_readiness",
                   "women_target", "max_state_share", "state_share_hard",
                   "deploy_days_by_readiness")


class Raw(str):
    """Text written verbatim into a JSON or YAML document: a 5,000-digit number, a structure
    nested thousands of levels deep (which neither ``json`` nor ``yaml`` can serialise)."""


def header_name(text: object) -> str:
    """The contract's spelling of a header (``" Budget USD "`` is ``budget_usd``): the readers'
    rule, restated so that the fuzzer does not depend on the code it tests."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


# ----- the scenario as tables of cells ---------------------------------------------------------
@dataclass
class Table:
    """One table: its header and its rows of cells (text from CSV, typed from documents)."""

    header: list[str]
    rows: list[list[Any]]


@dataclass
class Grid:
    """A scenario as tables of cells plus its metadata, the thing mutations change."""

    tables: dict[str, Table]
    meta: dict[str, Any]
    """``name``, ``description`` and ``policy`` (a dict, possibly empty)."""


def _load_csv_folder(path: Path) -> Grid:
    tables: dict[str, Table] = {}
    for file in sorted(path.glob("*.csv")):
        rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
        header, data = (rows[0], rows[1:]) if rows else ([], [])
        tables[file.stem] = Table(header=header, rows=[r for r in data if any(r)])
    meta_file = path / "scenario.yaml"
    meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    meta = dict(meta or {})
    meta.setdefault("policy", {})
    meta.pop("period_months", None)  # the policy holds it too
    return Grid(tables=tables, meta=meta)


def _load_workbook(path: Path) -> Grid:
    workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
    tables: dict[str, Table] = {}
    meta: dict[str, Any] = {"policy": {}}
    for sheet in workbook.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        rows = [r for r in rows if any(c is not None and str(c).strip() for c in r)]
        if not rows:
            continue
        if header_name(sheet.title) == "scenario":
            for key, value, *_ in rows[1:]:
                key = str(key).strip().lower()
                if isinstance(value, str) and value.strip()[:1] in ("{", "["):
                    value = yaml.safe_load(value)
                if key.startswith("policy."):
                    meta["policy"][key.removeprefix("policy.")] = value
                elif key == "period_months":
                    meta["policy"]["period_months"] = value
                else:
                    meta[key] = value
            continue
        header = ["" if c is None else str(c) for c in rows[0]]
        tables[header_name(sheet.title)] = Table(
            header=header, rows=[r + [None] * (len(header) - len(r)) for r in rows[1:]])
    workbook.close()
    return Grid(tables=tables, meta=meta)


def _load_document(path: Path) -> Grid:
    # The tests' small_document: the scenario as the library itself turns it into a document.
    from allocator.scenario.readers import read_scenario

    document = read_scenario(path).to_document()
    tables: dict[str, Table] = {}
    meta: dict[str, Any] = {"policy": {}}
    for key, value in document.items():
        if isinstance(value, list):
            header: list[str] = []
            for item in value:
                header.extend(k for k in item if k not in header)
            tables[key] = Table(header=header,
                                rows=[[item.get(k) for k in header] for item in value])
        elif key == "policy":
            meta["policy"] = dict(value or {})
        elif key == "period_months":
            meta["policy"]["period_months"] = value
        else:
            meta[key] = value
    return Grid(tables=tables, meta=meta)


_BASE_CACHE: dict[tuple[str, str], Grid] = {}


def load_base(name: str, root: str | Path = ".") -> Grid:
    """The base scenario ``name`` (one of ``BASES``) as a fresh Grid; ``root`` is the repo root."""
    key = (name, str(root))
    if key not in _BASE_CACHE:
        path = Path(root) / BASES[name]
        if name.endswith("_document"):
            _BASE_CACHE[key] = _load_document(path)
        elif path.suffix == ".xlsx":
            _BASE_CACHE[key] = _load_workbook(path)
        else:
            _BASE_CACHE[key] = _load_csv_folder(path)
    cached = _BASE_CACHE[key]
    # Rows are lists of immutable cells (or of lists and dicts no mutation changes in place),
    # so copying the lists is enough, and far faster than a deep copy of un_2025.
    return Grid(tables={t: Table(header=list(tab.header), rows=[list(r) for r in tab.rows])
                        for t, tab in cached.tables.items()},
                meta=copy.deepcopy(cached.meta))


# ----- what was done ---------------------------------------------------------------------------
@dataclass
class Mutation:
    """What a case changed, and where, in the numbers a planner would see.

    ``row`` is the spreadsheet row (CSV file or sheet, header = 1) or the 1-based item number
    (JSON/YAML), ``column`` the contract's column name; both None when the mutation is not
    confined to one cell. ``single_cell`` marks a mutation of exactly one cell of a table,
    whose rejection must name that row and column.
    """

    base: str
    container: str
    kind: str
    action: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    single_cell: bool = False
    detail: str = ""

    def describe(self) -> str:
        """One line: ``small/json cell: unit_pledges row 3 column 'units' = 2**70``."""
        where = " ".join(p for p in (
            self.table or "",
            f"row {self.row}" if self.row is not None else "",
            f"column {self.column!r}" if self.column else "") if p)
        value = f" = {self.value}" if self.value is not None else ""
        detail = f" ({self.detail})" if self.detail else ""
        return (f"{self.base}/{self.container} {self.kind}.{self.action}: {where}{value}"
                f"{detail}").replace(": (", ": (").strip()

    def to_dict(self) -> dict[str, Any]:
        """The mutation as JSON for a report."""
        return asdict(self)


@dataclass
class Written:
    """A grid ready to write, plus the byte-level damage to do once it is written."""

    grid: Grid
    damage: Callable[[Path], None] | None = None
    raw_policy: dict[str, Raw] = field(default_factory=dict)
    """Policy settings to write verbatim (deep nesting, 5,000-digit numbers)."""
    document_override: Any = None
    """For documents: a whole replacement (a list, a string) of the document's top level."""


# ----- strange values --------------------------------------------------------------------------
def _deep(rng: Random, kind: str | None = None) -> Raw:
    depth = rng.choice((1_500, 3_000, 10_000, 50_000))
    kind = kind or rng.choice(("list", "dict"))
    if kind == "list":
        return Raw("[" * depth + "1" + "]" * depth)
    return Raw('{"a": ' * depth + "1" + "}" * depth)


STRANGE_VALUES: list[tuple[Any, str]] = [
    ("", "empty"),
    (None, "null"),
    ("text", "'text'"),
    ("  ", "blank spaces"),
    (Raw("9" * 5000), "a 5,000-digit number"),
    ("9" * 5000, "a 5,000-digit string"),
    (2**62, "2**62"),
    (2**70, "2**70"),
    (-(2**63), "-2**63"),
    (1e30, "1e30"),
    (1e300, "1e300"),
    (1e-300, "1e-300"),
    (math.inf, "inf"),
    (-math.inf, "-inf"),
    (math.nan, "nan"),
    ("1e309", "'1e309'"),
    ("Infinity", "'Infinity'"),
    (-1, "-1"),
    (-12345.5, "-12345.5"),
    (0, "0"),
    (0.5, "0.5"),
    ("1,5", "'1,5'"),
    ("150%", "'150%'"),
    ("$-1,000.001", "'$-1,000.001'"),
    ("ÜñíçødÉ ✓ 漢字 🛰", "unicode text"),
    ("\u202egnp\u200b", "bidi/zero-width text"),
    ("x" * 100_000, "a 100,000-char string"),
    ("a\x00b\x01c\x07\x1b[31m", "control characters"),
    ("line\nbreak\r\nthere", "line breaks"),
    ("A:1;B:x;;:", "a malformed list"),
    ("true", "'true'"),
    (True, "true (boolean)"),
]
"""Strange cell values, each with a short description for reports."""


def strange_value(rng: Random) -> tuple[Any, str]:
    """A strange cell value (one of ``STRANGE_VALUES``) and how to describe it briefly."""
    return rng.choice(STRANGE_VALUES)


def strange_typed(rng: Random, container: str) -> tuple[Any, str]:
    """A strange value, including values of the container's own types (lists in documents,
    dates and times in workbooks)."""
    if container in ("json", "yaml") and rng.random() < 0.25:
        return rng.choice([
            ([1, 2], "a list"),
            ({"a": 1}, "a mapping"),
            ([], "an empty list"),
            (_deep(rng), "a structure nested thousands of levels deep"),
            ([[["x"]]], "nested lists"),
        ])
    if container == "xlsx" and rng.random() < 0.2:
        return rng.choice([
            (datetime(2025, 1, 31, 12, 0), "a date"),
            (time(13, 45), "a time"),
            (True, "TRUE (boolean)"),
            ("=1/0", "a formula without a cached value"),
            (_deep(rng, "list"), "'[[[...]]]' text thousands of levels deep"),
        ])
    return strange_value(rng)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} chars)"


# ----- mutations of the grid -------------------------------------------------------------------
def _tables_with_rows(grid: Grid) -> list[str]:
    return sorted(t for t, tab in grid.tables.items() if tab.rows and tab.header)


def _row_number(container: str, index: int) -> int:
    return index + 1 if container in ("json", "yaml") else index + 2


def mutate_cell(rng: Random, grid: Grid, m: Mutation) -> None:
    """Replace one cell of a table by a strange value."""
    table = rng.choice(_tables_with_rows(grid))
    tab = grid.tables[table]
    index = rng.randrange(len(tab.rows))
    col = rng.randrange(len(tab.header))
    value, described = strange_typed(rng, m.container)
    set_cell(grid, m, table, index, col, value, described)


def set_cell(grid: Grid, m: Mutation, table: str, index: int, col: int, value: Any,
             described: str) -> None:
    """Put ``value`` in row ``index`` (0-based data row), column ``col`` of ``table``."""
    tab = grid.tables[table]
    row = tab.rows[index]
    row.extend([None] * (len(tab.header) - len(row)))
    row[col] = value
    m.action, m.table, m.column = "replace", table, header_name(tab.header[col])
    m.row, m.value, m.single_cell = _row_number(m.container, index), described, True


def _variant(rng: Random, name: str) -> tuple[str, str]:
    options = [
        (name.upper().replace("_", " "), "in capitals with spaces"),
        (name[:-1] if len(name) > 3 else name + "x", "one letter short"),
        (name + "_2", "with a suffix"),
        ("", "empty"),
        ("ÜñíçødÉ", "unicode"),
        ("h" * 100_000, "100,000 characters"),
        ("col\x00\x07", "control characters"),
        (" " + name + " ", "padded with spaces"),
        ("9" * 5000, "5,000 digits"),
    ]
    return rng.choice(options)


def mutate_header(rng: Random, grid: Grid, m: Mutation) -> None:
    """Rename, drop or duplicate a column."""
    table = rng.choice(sorted(t for t, tab in grid.tables.items() if tab.header))
    tab = grid.tables[table]
    col = rng.randrange(len(tab.header))
    action = rng.choice(("rename", "drop", "duplicate"))
    new, described = _variant(rng, tab.header[col]) if action == "rename" else ("", "")
    other = action == "duplicate" and rng.random() < 0.5
    change_header(grid, m, table, col, action, new, described,
                  other_values=(lambda: strange_value(rng)[0]) if other else None)


def change_header(grid: Grid, m: Mutation, table: str, col: int, action: str,
                  new: str = "", described: str = "",
                  other_values: Callable[[], Any] | None = None) -> None:
    """``rename`` column ``col`` of ``table`` to ``new``, ``drop`` it, or ``duplicate`` it
    (with the same values, or with values from ``other_values``)."""
    tab = grid.tables[table]
    name = tab.header[col]
    m.table, m.column, m.action = table, header_name(name), action
    if action == "rename":
        tab.header[col] = new
        m.value = described
    elif action == "drop":
        del tab.header[col]
        for row in tab.rows:
            if col < len(row):
                del row[col]
    else:
        spelled = name if m.container not in ("json", "yaml") else name.upper().replace("_", " ")
        tab.header.append(spelled)
        for row in tab.rows:
            row.extend([None] * (len(tab.header) - 1 - len(row)))
            row.append(other_values() if other_values else row[col])
        m.value = "with other values" if other_values else "with the same values"


ROW_ACTIONS = ("drop", "duplicate", "truncate", "overlong", "many")


def mutate_row(rng: Random, grid: Grid, m: Mutation) -> None:
    """Drop, duplicate or truncate a row, or add an overlong one or many copies."""
    table = rng.choice(_tables_with_rows(grid))
    tab = grid.tables[table]
    index = rng.randrange(len(tab.rows))
    action = rng.choice(ROW_ACTIONS)
    amount = 0
    if action == "truncate":
        amount = rng.randrange(max(1, len(tab.header)))
    elif action == "many":
        amount = rng.choice((100, 2_000, 20_000))
    change_row(grid, m, table, index, action, amount)


def change_row(grid: Grid, m: Mutation, table: str, index: int, action: str,
               amount: int = 0) -> None:
    """Apply one of ``ROW_ACTIONS`` to row ``index`` of ``table``: for ``truncate`` keep
    ``amount`` cells, for ``many`` append ``amount`` copies."""
    tab = grid.tables[table]
    m.table, m.action, m.row = table, action, _row_number(m.container, index)
    if action == "drop":
        del tab.rows[index]
    elif action == "duplicate":
        tab.rows.insert(index + 1, list(tab.rows[index]))
    elif action == "truncate":
        tab.rows[index] = tab.rows[index][:amount]
        m.value = f"first {amount} cells kept"
    elif action == "overlong":
        tab.rows[index] = [*list(tab.rows[index]), "extra", 1, None, "more"]
        m.value = "4 cells beyond the header"
    else:
        tab.rows.extend(list(tab.rows[index]) for _ in range(amount))
        m.value = f"{amount} copies"


def _policy_value(rng: Random, setting: str) -> tuple[Any, str]:
    specific: dict[str, list[tuple[Any, str]]] = {
        "period_months": [(2**70, "2**70"), (2**62, "2**62"), (0, "0"), (1e30, "1e30"),
                          (Raw("9" * 5000), "5,000 digits"), (0.5, "0.5")],
        "reimbursement_rate_usd": [(1e30, "1e30"), (Raw("9" * 5000), "5,000 digits"),
                                   (2**70, "2**70"), (0.001, "0.001"), (-1448, "-1448")],
        "priority_weights": [({1: {2: {3: 4}}}, "nested"), ({1: 2**70}, "{1: 2**70}"),
                             ({0: 1, 9: 2}, "priorities 0 and 9"), ({1: math.inf}, "{1: inf}"),
                             ({"a": 1}, "{'a': 1}"), ([16, 8], "a list"),
                             ({1: 1e-300}, "{1: 1e-300}"), ({1: -5}, "{1: -5}")],
        "objective": [(["shortfall", "shortfall"], "a level twice"), (["nope"], "unknown"),
                      ([], "empty"), ("shortfall", "a string"), ([["cost"]], "nested")],
        "objective_mode": [("weighted", "weighted"), ("WEIGHTED", "capitals"), (1, "1")],
        "objective_weights": [({"shortfall": 1e300}, "shortfall 1e300"),
                              ({"cost": 2**70}, "cost 2**70"), ({"cost": -1}, "cost -1"),
                              ({"shortfall": math.nan}, "nan"), ({"bogus": 1}, "unknown key")],
        "time_limit_s": [(math.inf, "inf"), (1e30, "1e30"), (-1, "-1"), (0, "0")],
        "min_readiness": [(math.inf, "inf"), ("L9", "'L9'"), ("l1", "'l1'"), (1, "1")],
        "women_target": [(1e-300, "1e-300"), (1.5, "1.5"), (math.nan, "nan"), ("15%", "'15%'"),
                         (-0.1, "-0.1")],
        "max_state_share": [(1e-300, "1e-300"), (0, "0"), (2, "2"), (math.inf, "inf")],
        "state_share_hard": [("maybe", "'maybe'"), (2, "2"), (None, "null")],
        "deploy_days_by_readiness": [({"L1": 1e30}, "L1 1e30"), ({"L1": 2**70}, "L1 2**70"),
                                     ({"L9": 1}, "unknown level"), ({"L1": -5}, "L1 -5"),
                                     ("fast", "a string")],
    }
    if rng.random() < 0.3:
        return strange_value(rng)
    return rng.choice(specific[setting])


def mutate_policy(rng: Random, written: Written, m: Mutation) -> None:
    """Set one policy setting to an extreme or ill-typed value, or an unknown setting."""
    if rng.random() < 0.1:
        setting = rng.choice(("period_month", "ÜñíçødÉ", "x" * 5000))
        value, described = 1, "1"
        m.action = "unknown_setting"
    else:
        setting = rng.choice(POLICY_SETTINGS)
        value, described = _policy_value(rng, setting)
        m.action = "set"
        if setting == "priority_weights" and rng.random() < 0.2:
            value, described = _deep(rng, "dict"), "nested thousands of levels deep"
    set_policy(written, m, setting, value, described)


def set_policy(written: Written, m: Mutation, setting: str, value: Any, described: str) -> None:
    """Set policy ``setting`` to ``value`` (a ``Raw`` one is written verbatim)."""
    policy = written.grid.meta.setdefault("policy", {})
    if not isinstance(policy, dict):
        policy = written.grid.meta["policy"] = {}
    m.action = m.action or "set"
    m.table, m.column, m.value = "policy", setting[:60], described
    if isinstance(value, Raw):
        written.raw_policy[setting] = value
        policy[setting] = None
    else:
        policy[setting] = value


def mutate_structure(rng: Random, written: Written, m: Mutation) -> None:
    """Change the shape of a document (or of scenario.yaml, or of the workbook's scenario
    sheet): wrong types where tables, rows or settings go, deep nesting, a huge document."""
    grid = written.grid
    if m.container in ("json", "yaml"):
        action = rng.choice(("table_type", "row_type", "top_type", "deep_cell", "deep_policy",
                             "deep_top", "policy_type", "huge_cell", "many_rows", "alias_bomb"
                             if m.container == "yaml" else "huge_cell"))
    else:
        action = rng.choice(("deep_policy", "policy_type", "top_type", "huge_cell"))
    m.action = action
    if action == "table_type":
        table = rng.choice(sorted(grid.tables))
        value, described = rng.choice([("missions", "a string"), (5, "a number"),
                                       ({"a": 1}, "a mapping"), ([[1, 2]], "a list of lists"),
                                       (_deep(rng, "list"), "nested thousands deep")])
        m.table, m.value = table, described
        written.document_override = ("table", table, value)
    elif action == "row_type":
        table = rng.choice(_tables_with_rows(grid))
        index = rng.randrange(len(grid.tables[table].rows))
        value, described = rng.choice([("row", "a string"), (7, "a number"),
                                       ([1, 2, 3], "a list"), (None, "null")])
        m.table, m.row, m.value = table, _row_number(m.container, index), described
        written.document_override = ("row", table, index, value)
    elif action == "top_type":
        value, described = rng.choice([([1, 2], "a list"), ("scenario", "a string"),
                                       (None, "null"), (_deep(rng, "list"), "deep list")])
        m.value = described
        written.document_override = ("top", value)
    elif action == "deep_cell":
        table = rng.choice(_tables_with_rows(grid))
        tab = grid.tables[table]
        index, col = rng.randrange(len(tab.rows)), rng.randrange(len(tab.header))
        tab.rows[index][col] = _deep(rng)
        m.table, m.row, m.column = table, _row_number(m.container, index), header_name(
            tab.header[col])
        m.value, m.single_cell = "nested thousands of levels deep", True
    elif action in ("deep_policy", "policy_type"):
        setting = rng.choice(("priority_weights", "objective", "deploy_days_by_readiness",
                              "objective_weights", "period_months"))
        if action == "deep_policy":
            written.raw_policy[setting] = _deep(rng)
            m.value = "nested thousands of levels deep"
        else:
            value, described = rng.choice([([[1]], "nested lists"), ({"a": {"b": []}}, "map"),
                                           ("text", "a string"), ([None], "[null]")])
            grid.meta.setdefault("policy", {})[setting] = value
            m.value = described
        grid.meta.setdefault("policy", {})
        m.table, m.column = "policy", setting
        if m.container == "xlsx" or action == "policy_type":
            pass
        if action == "deep_policy" and rng.random() < 0.3:
            # The policy itself, not one setting, is the deep structure.
            written.raw_policy = {"": _deep(rng)}
            m.column, m.value = None, "the policy nested thousands of levels deep"
    elif action == "huge_cell":
        table = rng.choice(_tables_with_rows(grid))
        tab = grid.tables[table]
        index, col = rng.randrange(len(tab.rows)), rng.randrange(len(tab.header))
        size = rng.choice((1_000_000, 3_000_000))
        tab.rows[index][col] = rng.choice(("x", "1;", "A:1;")) * (size // 4)
        m.table, m.row = table, _row_number(m.container, index)
        m.column, m.value = header_name(tab.header[col]), f"a cell of about {size:,} chars"
        m.single_cell = True
    elif action == "many_rows":
        table = rng.choice(_tables_with_rows(grid))
        tab = grid.tables[table]
        copies = rng.choice((10_000, 50_000))
        tab.rows.extend(list(tab.rows[i % len(tab.rows)]) for i in range(copies))
        m.table, m.value = table, f"{copies:,} more rows"
    else:  # alias_bomb: YAML aliases that expand to a billion items if walked
        written.document_override = ("alias_bomb",)
        m.value = "9 levels of 10 aliases"


# ----- writing the containers ------------------------------------------------------------------
def grid_cell(value: Any) -> str:
    """A cell as text in a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return ";".join(f"{k}:{v}" for k, v in value.items())
    if isinstance(value, list):
        return ";".join(grid_cell(v) for v in value)
    return str(value)


def _excel_cell(value: Any) -> Any:
    if isinstance(value, (Raw, list | dict)):
        value = grid_cell(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        value = float(value)  # Excel holds numbers as doubles
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)  # openpyxl cannot write a NaN or inf number
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("?", value)  # refused by the xlsx format itself
    return value


class _Placeholders:
    """Raw text in a dumped document: placeholders first, replaced in the dumped text."""

    def __init__(self) -> None:
        self.raw: dict[str, str] = {}

    def __call__(self, value: Any) -> Any:
        if isinstance(value, Raw):
            key = f"RAWFUZZPLACEHOLDER{len(self.raw)}X"
            self.raw[key] = str(value)
            return key
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value

    def fill(self, text: str, quote: str) -> str:
        for key, raw in self.raw.items():
            text = text.replace(f"{quote}{key}{quote}", raw).replace(key, raw)
        return text


def _document(written: Written, m: Mutation) -> Any:
    grid = written.grid
    document: dict[str, Any] = {}
    for key in ("name", "description"):
        if grid.meta.get(key) is not None:
            document[key] = grid.meta[key]
    policy = dict(grid.meta.get("policy") or {})
    for setting, raw in written.raw_policy.items():
        if setting:
            policy[setting] = raw
    document["policy"] = written.raw_policy.get("", policy)
    for table, tab in grid.tables.items():
        items = []
        for row in tab.rows:
            item: dict[str, Any] = {}
            for name, cell in zip(tab.header, row, strict=False):
                item.setdefault(name, cell)
            items.append(item)
        document[table] = items
    override = written.document_override
    if override is not None:
        if override[0] == "table":
            document[override[1]] = override[2]
        elif override[0] == "row":
            document[override[1]][override[2]] = override[3]
        elif override[0] == "top":
            return override[1]
    return document


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("name: bomb")
    lines.append("member_states: [{code: SEN, name: *a9}]")
    return "\n".join(lines) + "\n"


def _dump_json(value: Any) -> str:
    holder = _Placeholders()
    text = json.dumps(holder(value), ensure_ascii=False, indent=1)
    return holder.fill(text, '"')


def _dump_yaml(value: Any) -> str:
    holder = _Placeholders()
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's is ten times faster
    text = yaml.dump(holder(value), Dumper=dumper, allow_unicode=True, sort_keys=False,
                     width=10**9)
    return holder.fill(text, "'")


def write_document(written: Written, m: Mutation, path: Path) -> None:
    """Write the grid as a JSON or YAML document."""
    if written.document_override == ("alias_bomb",):
        path.write_text(_alias_bomb(), encoding="utf-8")
        return
    document = _document(written, m)
    text = _dump_json(document) if m.container == "json" else _dump_yaml(document)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")


def _meta_yaml(written: Written) -> str:
    meta = {k: v for k, v in written.grid.meta.items() if k in ("name", "description")}
    policy = dict(written.grid.meta.get("policy") or {})
    for setting, raw in written.raw_policy.items():
        if setting:
            policy[setting] = raw
    meta["policy"] = written.raw_policy.get("", policy)
    override = written.document_override
    if override is not None and override[0] == "top":
        return _dump_yaml(override[1])
    return _dump_yaml(meta)


def write_folder(written: Written, path: Path) -> None:
    """Write the grid as a folder of CSV files plus scenario.yaml."""
    path.mkdir(parents=True, exist_ok=True)
    for table, tab in written.grid.tables.items():
        if not tab.header:
            continue  # an empty document table has no file, as a planner would leave it out
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([grid_cell(h) for h in tab.header])
        writer.writerows([grid_cell(c) for c in row] for row in tab.rows)
        (path / f"{table}.csv").write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
    (path / "scenario.yaml").write_bytes(_meta_yaml(written).encode("utf-8", "surrogatepass"))


def _zip_write(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    # A fixed date, not the clock's: the same case is the same bytes on every run.
    archive.writestr(zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)


def write_zip(written: Written, path: Path, folder: str) -> None:
    """Write the CSV folder form into a zip, its files inside ``folder`` (may be empty)."""
    staging = path.with_suffix(".d")
    write_folder(written, staging)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(staging.iterdir()):
            _zip_write(archive, f"{folder}{file.name}", file.read_bytes())
    for file in staging.iterdir():
        file.unlink()
    staging.rmdir()


def write_workbook(written: Written, path: Path) -> None:
    """Write the grid as an .xlsx workbook with a scenario sheet of key/value rows."""
    workbook = openpyxl.Workbook(write_only=True)
    for table, tab in written.grid.tables.items():
        if not tab.header:
            continue
        sheet = workbook.create_sheet(table)
        sheet.append([_excel_cell(h) for h in tab.header])
        for row in tab.rows:
            sheet.append([_excel_cell(c) for c in row])
    sheet = workbook.create_sheet("scenario")
    sheet.append(["key", "value"])
    for key in ("name", "description"):
        if written.grid.meta.get(key) is not None:
            sheet.append([key, _excel_cell(written.grid.meta[key])])
    policy = dict(written.grid.meta.get("policy") or {})
    for setting, raw in written.raw_policy.items():
        policy[setting or "priority_weights"] = raw
    for setting, value in policy.items():
        if isinstance(value, dict | list):
            value = yaml.safe_dump(value, default_flow_style=True, width=10**9).strip()
        sheet.append([f"policy.{setting}", _excel_cell(value)])
    workbook.save(path)


# ----- byte-level damage -----------------------------------------------------------------------
def _reencode(rng: Random, data: bytes) -> tuple[bytes, str]:
    text = data.decode("utf-8", "surrogatepass")
    action = rng.choice(("latin-1", "utf-16-le", "utf-16-be", "random_bytes", "insert_bytes",
                         "cut_mid_character", "utf-8-bom"))
    if action == "latin-1":
        if text.isascii():
            text = text.replace(",", ",Côte ", 1)
        return text.encode("latin-1", "replace"), "latin-1"
    if action in ("utf-16-le", "utf-16-be"):
        return text.encode(action, "surrogatepass"), f"{action} without a byte-order mark"
    if action == "random_bytes":
        return bytes(rng.randrange(256) for _ in range(rng.choice((16, 300, 5000)))), action
    if action == "insert_bytes":
        at = rng.randrange(len(data) + 1)
        junk = bytes(rng.randrange(128, 256) for _ in range(rng.randint(1, 8)))
        return data[:at] + junk + data[at:], f"{len(junk)} bytes above 0x7f at byte {at}"
    if action == "cut_mid_character":
        encoded = (text + "é").encode("utf-8")
        return encoded[:-1], "cut in the middle of a character"
    return b"\xef\xbb\xbf" + data, "with a UTF-8 byte-order mark"


def _zip_damage(rng: Random, path: Path, m: Mutation, xlsx: bool) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    info = rng.choice(infos)
    choices = ["truncate", "flip_compressed", "encrypted_flag", "method_99", "empty_file",
               "bad_central_directory"]
    if xlsx:
        choices += ["xml_part"] * 4
    action = rng.choice(choices)
    m.action, m.detail = action, info.filename
    offset = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[offset + 26: offset + 30])
    start = offset + 30 + name_len + extra_len
    central = data.rfind(b"PK\x01\x02")
    # Central directory entry of this member: search by name after the local headers.
    entry = data.find(b"PK\x01\x02", 0)
    while entry != -1:
        n = struct.unpack("<H", data[entry + 28: entry + 30])[0]
        if data[entry + 46: entry + 46 + n] == info.filename.encode():
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    if action == "truncate":
        cut = rng.randrange(1, len(data))
        del data[cut:]
        m.detail = f"cut at byte {cut} of {len(data) + (len(data) - cut)}"
    elif action == "flip_compressed":
        size = max(1, info.compress_size)
        for _ in range(rng.randint(1, 6)):
            at = start + rng.randrange(size)
            data[at] ^= 1 << rng.randrange(8)
        m.detail = f"bits flipped in {info.filename}"
    elif action == "encrypted_flag":
        data[offset + 6] |= 1
        if entry != -1:
            data[entry + 8] |= 1
    elif action == "method_99":
        data[offset + 8: offset + 10] = struct.pack("<H", 99)
        if entry != -1:
            data[entry + 10: entry + 12] = struct.pack("<H", 99)
    elif action == "empty_file":
        data = bytearray()
    elif action == "bad_central_directory":
        if central != -1:
            at = central + rng.randrange(4, 46)
            data[at] ^= 0xFF
    else:
        _xml_part(rng, path, m)
        return
    path.write_bytes(bytes(data))


def _xml_part(rng: Random, path: Path, m: Mutation) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    parts = [n for n in members if n.endswith((".xml", ".rels"))]
    preferred = [n for n in parts if "styles" in n or "sheet" in n or "workbook" in n]
    part = rng.choice(preferred or parts)
    body = members[part]
    how = rng.choice(("truncated", "garbage", "wrong_root", "removed", "entity", "not_utf8"))
    if how == "truncated":
        members[part] = body[: rng.randrange(1, max(2, len(body)))]
    elif how == "garbage":
        members[part] = b"<?xml version='1.0'?><<<not xml" + bytes(range(1, 9))
    elif how == "wrong_root":
        members[part] = b"<?xml version='1.0'?><nonsense xmlns='urn:x'><a/></nonsense>"
    elif how == "removed":
        del members[part]
    elif how == "entity":
        members[part] = (b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e 'xxxxxxxxxx'>"
                         b"<!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'>]><a>&f;</a>")
    else:
        members[part] = body.replace(b"utf-8", b"utf-8", 1) + b"\xff\xfe\x00"
    m.detail = f"{part} {how.replace('_', ' ')}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            _zip_write(archive, name, content)


def _file_damage(rng: Random, target: Path, m: Mutation) -> None:
    """Damage of a folder's file or a document: empty, NUL bytes, truncated, a folder."""
    action = rng.choice(("empty", "nul_bytes", "truncated"))
    m.action = action
    data = target.read_bytes()
    if action == "empty":
        target.write_bytes(b"")
    elif action == "nul_bytes":
        target.write_bytes(b"\x00" * rng.choice((1, 100, 10_000)))
    else:
        target.write_bytes(data[: rng.randrange(max(1, len(data)))])


# ----- cases -----------------------------------------------------------------------------------
def applicable_kinds(container: str) -> tuple[str, ...]:
    """The mutation kinds that make sense for ``container`` (every one does, in some form)."""
    if container == "xlsx":
        return ("cell", "header", "row", "container", "structure", "policy")
    return KINDS


KIND_WEIGHTS = {"cell": 30, "header": 10, "row": 10, "encoding": 10, "container": 12,
                "structure": 12, "policy": 16}
"""How often each kind is drawn where it applies: cells most, as the cell checks are many."""


@dataclass
class Case:
    """One generated input: the file (or folder) and what was done to it."""

    index: int
    path: Path
    mutation: Mutation


def make_case(seed: int, index: int, workdir: str | Path, root: str | Path = ".",
              *, bases: tuple[str, ...] | None = None, containers: tuple[str, ...] = CONTAINERS,
              kinds: tuple[str, ...] | None = None) -> Case:
    """Generate case ``index`` of ``seed`` under ``workdir`` (always the same file for the
    same arguments); ``bases``, ``containers`` and ``kinds`` narrow what is drawn."""
    rng = Random(f"fuzz:{seed}:{index}")
    names = bases or tuple(BASE_WEIGHTS)
    base = rng.choices(names, weights=[BASE_WEIGHTS[b] for b in names])[0]
    container = rng.choice(containers)
    allowed = [k for k in applicable_kinds(container) if kinds is None or k in kinds]
    kind = rng.choices(allowed, weights=[KIND_WEIGHTS[k] for k in allowed])[0]
    return build_case(rng, index, base, container, kind, workdir, root)


def build_case(rng: Random, index: int, base: str, container: str, kind: str,
               workdir: str | Path, root: str | Path = ".") -> Case:
    """Apply a mutation of ``kind`` to ``base`` and write it as ``container`` under
    ``workdir``; the choices inside the kind come from ``rng``."""
    m = Mutation(base=base, container=container, kind=kind, action="")
    written = Written(grid=load_base(base, root))
    if kind == "cell":
        mutate_cell(rng, written.grid, m)
    elif kind == "header":
        mutate_header(rng, written.grid, m)
    elif kind == "row":
        mutate_row(rng, written.grid, m)
    elif kind == "policy":
        mutate_policy(rng, written, m)
    elif kind == "structure":
        mutate_structure(rng, written, m)
    Path(workdir).mkdir(parents=True, exist_ok=True)
    stem = f"case{index:06d}-{base}"
    path = Path(workdir) / f"{stem}{SUFFIX[container]}"
    write(rng, written, m, path)
    damage(rng, path, m)
    return Case(index=index, path=path, mutation=m)


def write(rng: Random, written: Written, m: Mutation, path: Path) -> None:
    """Write ``written`` as ``m.container`` at ``path`` (a zip's folder drawn from ``rng``)."""
    if m.container == "folder":
        write_folder(written, path)
    elif m.container == "zip":
        write_zip(written, path, rng.choice(("", "scenario/", "a/b/scenario/")))
    elif m.container == "xlsx":
        write_workbook(written, path)
    else:
        write_document(written, m, path)


def damage(rng: Random, path: Path, m: Mutation) -> None:
    """The byte-level mutation of ``m.kind`` (``encoding`` or ``container``) on a written input."""
    if m.kind == "encoding":
        _encoding(rng, path, m)
    elif m.kind == "container":
        _container(rng, path, m)


def _encoding(rng: Random, path: Path, m: Mutation) -> None:
    if m.container in ("json", "yaml"):
        data, described = _reencode(rng, path.read_bytes())
        path.write_bytes(data)
        m.table, m.action, m.value = None, "document", described
        return
    if m.container == "folder":
        target = rng.choice(sorted(path.iterdir()))
        data, described = _reencode(rng, target.read_bytes())
        target.write_bytes(data)
    else:  # zip: re-encode one member
        with zipfile.ZipFile(path) as archive:
            members = {i.filename: archive.read(i.filename) for i in archive.infolist()}
        name = rng.choice(sorted(members))
        members[name], described = _reencode(rng, members[name])
        target = Path(name)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, content in members.items():
                _zip_write(archive, member, content)
    m.action, m.value = "file", described
    m.table = target.stem if target.suffix == ".csv" else "scenario"
    m.detail = target.name


def _container(rng: Random, path: Path, m: Mutation) -> None:
    if m.container in ("zip", "xlsx"):
        _zip_damage(rng, path, m, xlsx=m.container == "xlsx")
    elif m.container == "folder":
        target = rng.choice(sorted(path.iterdir()))
        _file_damage(rng, target, m)
        m.detail = target.name
    else:
        _file_damage(rng, path, m)
