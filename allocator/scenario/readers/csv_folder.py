"""The CSV form: one ``<table>.csv`` per table and an optional ``scenario.yaml``.

The files come from a folder or from a zip (``allocator.scenario.readers.zip_archive``);
``README*`` files, hidden files and files that are not ``.csv`` travel with the data unread.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path

from allocator.errors import ScenarioError, did_you_mean, shown
from allocator.scenario.readers.found import META_KEYS, SCENARIO_FILES, Found, decode
from allocator.scenario.readers.grid import add_grid
from allocator.scenario.readers.meta import read_meta
from allocator.scenario.readers.parsing import check_size, limits, parse_yaml
from allocator.scenario.schema import TABLE_ROWS
from allocator.scenario.schema.columns import header_name


def read_folder(path: Path) -> Found:
    """Read a folder of CSV files."""
    files = {p.name: _sized(p) for p in path.iterdir() if p.is_file()}
    return read_csv_files(files, prefix="")


def _sized(path: Path) -> Callable[[], bytes]:
    """A file's reader that refuses, before reading, a file above the size limit."""

    def read() -> bytes:
        check_size(path.stat().st_size, path.name)
        return path.read_bytes()

    return read


def read_csv_files(files: Mapping[str, Callable[[], bytes]], prefix: str) -> Found:
    """Read the files of the CSV form, named ``prefix`` + file name in problems."""
    found = Found()
    files_expected = [f"{t}.csv" for t in TABLE_ROWS]
    expected = ", ".join(files_expected)
    for name, read in sorted(files.items()):
        lower = name.strip().lower()
        source = prefix + name
        if lower in SCENARIO_FILES:
            _read_scenario_yaml(found, read(), source)
        elif lower.startswith(("readme", ".")) or not lower.endswith(".csv"):
            continue  # notes, hidden files and other formats may travel with the data
        elif (stem := header_name(name.strip()[:-4])) in TABLE_ROWS:
            if found.claim(stem, source):
                _read_csv(found, stem, read(), source)
        else:
            found.problem(stem,
                          f"unknown table file {shown(name)}{did_you_mean(name, files_expected)}; "
                          f"expected {expected}", source)
    return found


def _read_csv(found: Found, table: str, data: bytes, source: str) -> None:
    text = decode(found, table, data, source)
    if text is None:
        found.unreadable.add(table)
        return
    delimiter = sniff_delimiter(text, table)
    # The csv module refuses cells over 128 KiB; the file is already within the size limit,
    # so a huge cell is read and then reported at its row and column, with its value cut.
    previous = csv.field_size_limit(max(limits().max_file_bytes, 131_072))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as err:
        found.unreadable.add(table)
        found.problem(table, f"not a readable CSV file ({err})", source)
        return
    finally:
        csv.field_size_limit(previous)
    add_grid(found, table, source, enumerate(rows, start=1), "file")


DELIMITERS = (",", ";", "\t")
"""Separators a CSV file may use: Excel writes ``;`` where the decimal mark is a comma."""


def sniff_delimiter(text: str, table: str) -> str:
    """The separator of a CSV file of ``table``: the one that splits its header into the most
    columns the table knows (then the most columns at all); ``,`` when nothing tells.

    The header is the only line whose contents are known in advance, so it decides; a
    general sniffer guesses from the data, where a list cell ``COD;RWA`` would mislead it.
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    known = set(TABLE_ROWS[table].model_fields)

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return sum(header_name(c) in known for c in cells), len(cells)

    return max(DELIMITERS, key=score)  # max keeps the first of equals: "," wins ties


def _read_scenario_yaml(found: Found, data: bytes, source: str) -> None:
    text = decode(found, "scenario", data, source)
    try:
        meta = parse_yaml(text, source) if text else None
    except ScenarioError as err:  # reported beside the tables' problems, not instead of them
        found.problems.extend(err.problems)
        return
    if meta is None:
        return
    if not isinstance(meta, dict):
        found.problem("scenario", f"expected a mapping with keys {', '.join(META_KEYS)}", source)
        return
    for key in meta:
        if key not in META_KEYS:
            hint = did_you_mean(str(key), META_KEYS)
            found.problem("scenario", f"unknown key {shown(key)}{hint}; "
                          f"expected {', '.join(META_KEYS)}",
                          source, column=str(key))
    read_meta(found, meta, source)
