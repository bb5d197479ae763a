"""The document form: a ``.json``, ``.yaml`` or ``.yml`` file with one key per table.

Each table is a list of row objects (column: value); the other keys are ``name``,
``description``, ``period_months`` and ``policy``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from allocator.errors import ScenarioError, did_you_mean, shown
from allocator.scenario.readers.found import META_KEYS, Found, decode, fail
from allocator.scenario.readers.grid import check_columns
from allocator.scenario.readers.meta import read_meta
from allocator.scenario.readers.parsing import check_size, parse_json, parse_yaml
from allocator.scenario.schema import TABLE_ROWS
from allocator.scenario.schema.columns import header_name


def read_document(path: Path) -> Found:
    """Read a JSON or YAML document; problems name the file and the item number of a row."""
    found = Found()
    source = path.name
    check_size(path.stat().st_size, source)
    text = decode(found, "scenario", path.read_bytes(), source)
    if text is None:
        raise ScenarioError(found.problems)
    if not text.strip():
        fail(f"file is empty; expected a document with keys {', '.join(TABLE_ROWS)}", source)
    document = _parse_document(text, path.suffix.lower(), source)
    if not isinstance(document, dict):
        fail(f"expected a mapping with keys {', '.join(TABLE_ROWS)}, "
             f"{', '.join(META_KEYS)}", source)
    for key, value in document.items():
        name = header_name(key)
        if name in TABLE_ROWS:
            if found.claim(name, source):
                _add_records(found, name, source, value)
        elif name not in META_KEYS:
            hint = did_you_mean(name, [*TABLE_ROWS, *META_KEYS])
            found.problem("scenario", f"unknown key {shown(key)}{hint}; expected tables "
                          f"{', '.join(TABLE_ROWS)} or {', '.join(META_KEYS)}", source,
                          column=str(key))
    read_meta(found, {str(k).strip().lower(): v for k, v in document.items()}, source)
    found.name_missing_tables(source)
    return found


def _parse_document(text: str, suffix: str, source: str) -> Any:
    return parse_json(text, source) if suffix == ".json" else parse_yaml(text, source)


def _add_records(found: Found, table: str, source: str, items: Any) -> None:
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
        record = {header_name(k): v for k, v in item.items()}
        for key in record:
            first_seen.setdefault(key, n)
        records.append(record)
        numbers.append(n)
    columns = TABLE_ROWS[table].model_fields
    if records:
        check_columns(found, table, source, first_seen, None)
    found.tables[table] = [{k: v for k, v in r.items() if k in columns} for r in records]
    found.row_numbers[table] = numbers
