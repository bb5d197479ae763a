"""What a reader found, before validation, and how it reports file-level problems.

Every form's reader fills one ``Found``: the raw rows of each table, where each came from,
the scenario's metadata and the problems of the files themselves.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml

from allocator.errors import MAX_PROBLEMS, Defect, ScenarioError, shown
from allocator.scenario.schema import TABLE_ROWS

META_KEYS = ("name", "description", "period_months", "policy")
"""The keys of a scenario's metadata, beside its tables."""

SCENARIO_FILES = ("scenario.yaml", "scenario.yml")
"""Names of the metadata file in a CSV folder or zip (the first is the one written)."""

SCENARIO_SHEET = "scenario"
"""Name of the metadata sheet of a workbook."""

ACCEPTED_FORMS = (
    "a folder of CSV files (one <table>.csv per table, plus an optional scenario.yaml), "
    "a .zip of such a folder, an .xlsx workbook with one sheet per table, "
    "or a .json/.yaml/.yml document with one key per table"
)
"""The forms ``read_scenario`` accepts, as the error for any other form names them."""


@dataclass
class Found:
    """Raw rows of every table a reader found, before validation, and its file problems."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    row_numbers: dict[str, list[int]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    problems: list[Defect] = field(default_factory=list)
    warnings: list[Defect] = field(default_factory=list)
    """What the files hold that is not used (columns outside the contract), never blocking."""
    unreadable: set[str] = field(default_factory=set)
    """Tables whose file exists but could not be read; validation must not call them missing."""
    missing_columns: set[tuple[str, str]] = field(default_factory=set)
    """(table, column) already reported from the header, so not again for every row."""
    unlisted: int = 0
    """File problems beyond ``MAX_PROBLEMS``: counted, not kept (a million bad rows)."""

    def problem(self, table: str, message: str, source: str | None,
                row: int | None = None, column: str | None = None) -> None:
        """Record a file problem of ``table`` in ``source`` (counted only past ``MAX_PROBLEMS``)."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.unlisted += 1
            return
        self.problems.append(Defect(table=table, message=message, row=row, column=column,
                                     source=source))

    def warn(self, table: str, message: str, source: str | None,
             row: int | None = None, column: str | None = None) -> None:
        """Record a warning about ``table`` in ``source``: noted, never blocking."""
        self.warnings.append(Defect(table=table, message=message, row=row, column=column,
                                     source=source))

    def claim(self, table: str, source: str) -> bool:
        """Register the file of a table; False (and a problem) if another file already has it."""
        if table in self.sources:
            self.problem(table, f"table {shown(table)} is given twice, also in "
                                f"{self.sources[table]}; keep one", source)
            return False
        self.sources[table] = source
        return True

    def name_missing_tables(self, source: str) -> None:
        """Let 'required table is missing' name the one file that should have held the table."""
        for table in TABLE_ROWS:
            self.sources.setdefault(table, source)


def fail(message: str, source: str) -> NoReturn:
    """Stop reading: the file as a whole is unusable (not found, wrong form, unparseable)."""
    raise ScenarioError([Defect(table="scenario", message=message, source=source)])


def yaml_message(err: yaml.YAMLError) -> str:
    """A YAML parse error as one line, with its line and column when YAML knows them."""
    mark = getattr(err, "problem_mark", None)
    what = getattr(err, "problem", None) or str(err)
    if mark is None:
        return f"malformed YAML: {what}"
    return f"malformed YAML at line {mark.line + 1}, column {mark.column + 1}: {what}"


def decode(found: Found, table: str, data: bytes, source: str) -> str | None:
    """The text of a UTF-8 file (a BOM is allowed), or None after reporting the bad byte.

    A file that starts with a UTF-16 byte-order mark (Excel's "Unicode Text") is read as
    UTF-16: the mark says which encoding it is, so nothing is guessed.
    """
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                break  # reported below as not UTF-8, with the way to save it
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        position = err.start + len(data) - len(body)  # count the BOM: positions are the file's
        line = data[:position].count(b"\n") + 1
        found.problem(table, f"file is not UTF-8 text (byte 0x{data[position]:02x} on line "
                             f"{line}, position {position}); save it as UTF-8: in Excel, File "
                             "> Save As > 'CSV UTF-8 (Comma delimited)'; in LibreOffice, "
                             "Save As > Text CSV with character set 'Unicode (UTF-8)'", source)
        return None
