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

One module per form (``csv_folder``, ``zip_archive``, ``workbook``, ``document``), on what
they share: ``found`` (what a reader found and its file problems), ``grid`` (headers and
cells) and ``meta`` (name, description and policy).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from allocator.errors import Defect, ScenarioError
from allocator.scenario.readers.csv_folder import read_folder
from allocator.scenario.readers.document import read_document
from allocator.scenario.readers.found import (
    ACCEPTED_FORMS,
    META_KEYS,
    SCENARIO_FILES,
    SCENARIO_SHEET,
    Found,
    fail,
)
from allocator.scenario.readers.grid import Rows
from allocator.scenario.readers.parsing import DEFAULT_LIMITS, ReadLimits, reading_with
from allocator.scenario.readers.workbook import read_workbook
from allocator.scenario.readers.zip_archive import read_zip
from allocator.scenario.scenario import Scenario

__all__ = [
    "ACCEPTED_FORMS",
    "DEFAULT_LIMITS",
    "META_KEYS",
    "SCENARIO_FILES",
    "SCENARIO_SHEET",
    "ReadLimits",
    "Rows",
    "read_scenario",
]


def read_scenario(path: str | os.PathLike[str], *, limits: ReadLimits | None = None
                  ) -> Scenario:
    """Load and validate a scenario; raise ``ScenarioError`` listing every problem found.

    ``limits`` bounds the size of files, the nesting of documents and the digits of numbers
    (``ReadLimits``; ``DEFAULT_LIMITS`` when not given).
    """
    path = Path(path)
    # Without a name in the metadata, the folder or file names the scenario ("kivu_2025").
    default_name = path.resolve().name if path.is_dir() else path.stem
    with reading_with(limits):
        return _validate(_read_any(path), default_name=default_name or "scenario")


_READERS: dict[str, Callable[[Path], Found]] = {
    ".zip": read_zip,
    ".xlsx": read_workbook,
    ".json": read_document,
    ".yaml": read_document,
    ".yml": read_document,
}


def _read_any(path: Path) -> Found:
    if path.is_dir():
        return read_folder(path)
    if not path.exists():
        fail(f"no such file or folder; expected {ACCEPTED_FORMS}", path.name)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        fail(f"cannot read {path.suffix or 'extension-less'} files; expected {ACCEPTED_FORMS}",
             path.name)
    return reader(path)


def _validate(found: Found, default_name: str) -> Scenario:
    tables = {t: rows for t, rows in found.tables.items() if t not in found.unreadable}
    try:
        scenario = Scenario.from_tables(
            tables,
            name=found.meta.get("name") or default_name,
            description=found.meta.get("description") or "",
            policy=found.meta.get("policy") or None,
            sources=found.sources,
            row_numbers=found.row_numbers,
            reported=found.missing_columns,
        )
    except ScenarioError as err:
        later = [p for p in err.problems if not _echoes(p, found)]
        # ``later`` ends with err's count of the problems it did not list, if any.
        raise ScenarioError(found.problems + later, unlisted=found.unlisted) from None
    if found.problems:
        raise ScenarioError(found.problems, unlisted=found.unlisted)
    # What the files hold outside the contract comes first, then what the rows say.
    scenario._warnings = found.warnings + scenario.warnings
    return scenario


def _echoes(problem: Defect, found: Found) -> bool:
    """Whether a validation problem only repeats a file problem that is already reported."""
    # "required table is missing": its file is there but unreadable. (A cell of a column
    # missing from its header is not reported at all: ``reported`` above.)
    return problem.table in found.unreadable and problem.row is None
