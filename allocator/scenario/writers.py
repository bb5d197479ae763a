"""Write a scenario in any form ``read_scenario`` accepts, so that reading it back gives it again.

The form follows the path: ``.xlsx``, ``.json``, ``.yaml``/``.yml`` and ``.zip`` name a file;
any other path is a folder of CSV files plus ``scenario.yaml``. List cells are joined with
``;``, equipment gaps written ``ITEM:qty;ITEM:qty`` and missing values left blank.

Output is staged next to the target and renamed into place only when complete, so a failure
never leaves a half-written scenario. The parent folder must exist.

What is written can be shared like any file the user makes: files get ``0o666 & ~umask`` and
folders ``0o777 & ~umask`` (``open`` and ``mkdir`` give exactly that), never the private
``0o600``/``0o700`` of ``tempfile.mkstemp``/``mkdtemp``, which is why staging uses a plain
hidden sibling name rather than ``tempfile``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from allocator.scenario.readers import SCENARIO_FILES, SCENARIO_SHEET
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import TABLE_ROWS, all_columns


def write_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> Path:
    """Write ``scenario`` in the form ``path`` names, replacing what is there; return the path."""
    path = Path(path)
    writer = _WRITERS.get(path.suffix.lower())
    if writer is None:
        _write_folder_atomically(scenario, path)
    else:
        with _staged(path) as staging:
            writer(scenario, staging)
            os.replace(staging, path)
    return path


# ----- cells -------------------------------------------------------------------------------
def _rows(scenario: Scenario, table: str) -> list[dict[str, Any]]:
    return [row.model_dump(mode="json") for row in getattr(scenario, table)]


def _joined(value: list[Any] | dict[str, Any]) -> str:
    if isinstance(value, dict):
        return ";".join(f"{item}:{qty}" for item, qty in value.items())
    return ";".join(str(item) for item in value)


def _text(value: Any) -> str:
    """A cell as CSV text; the readers parse exactly this back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return _joined(value)
    return str(value)


def _excel_value(value: Any) -> Any:
    """A cell for Excel: numbers and flags stay typed so planners can sum and filter them."""
    if isinstance(value, list | dict):
        return _joined(value)
    return value


def _policy(scenario: Scenario) -> dict[str, Any]:
    policy = scenario.policy.model_dump(mode="json")
    # JSON mode turns the priority keys into strings; YAML can show them as the numbers they are.
    policy["priority_weights"] = {int(k): w for k, w in policy["priority_weights"].items()}
    return policy


def _meta(scenario: Scenario) -> dict[str, Any]:
    return {"name": scenario.name, "description": scenario.description,
            "policy": _policy(scenario)}


def _document(scenario: Scenario) -> dict[str, Any]:
    return {**scenario.to_document(), **_meta(scenario)}


def _csv_text(scenario: Scenario, table: str) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    columns = all_columns(table)
    writer.writerow(columns)
    for row in _rows(scenario, table):
        writer.writerow([_text(row[c]) for c in columns])
    return buffer.getvalue()


def _folder_files(scenario: Scenario) -> Iterator[tuple[str, str]]:
    """(file name, text) of the CSV-folder form; every table, so empty ones show their columns."""
    for table in TABLE_ROWS:
        yield f"{table}.csv", _csv_text(scenario, table)
    yield SCENARIO_FILES[0], yaml.safe_dump(_meta(scenario), sort_keys=False, allow_unicode=True)


# ----- the forms ---------------------------------------------------------------------------
def _write_folder(scenario: Scenario, folder: Path) -> None:
    folder.mkdir()
    for name, text in _folder_files(scenario):
        with open(folder / name, "w", encoding="utf-8", newline="") as out:
            out.write(text)


def _write_zip(scenario: Scenario, target: Path) -> None:
    with zipfile.ZipFile(target, "x", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in _folder_files(scenario):
            archive.writestr(name, text.encode("utf-8"))


def _write_workbook(scenario: Scenario, target: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in TABLE_ROWS:
        sheet = workbook.create_sheet(table)
        columns = all_columns(table)
        sheet.append(columns)
        for row in _rows(scenario, table):
            sheet.append([_excel_value(row[c]) for c in columns])
    _write_scenario_sheet(workbook.create_sheet(SCENARIO_SHEET), scenario)
    with open(target, "xb") as out:
        workbook.save(out)


def _write_scenario_sheet(sheet: Any, scenario: Scenario) -> None:
    sheet.append(["key", "value"])
    sheet.append(["name", scenario.name])
    sheet.append(["description", scenario.description])
    for setting, value in _policy(scenario).items():
        # Dicts and lists go in as JSON flow text, which the reader parses as YAML.
        cell = json.dumps(value) if isinstance(value, dict | list) else value
        sheet.append([f"policy.{setting}", cell])


def _write_json(scenario: Scenario, target: Path) -> None:
    with open(target, "x", encoding="utf-8") as out:
        json.dump(_document(scenario), out, indent=2, ensure_ascii=False)
        out.write("\n")


def _write_yaml(scenario: Scenario, target: Path) -> None:
    with open(target, "x", encoding="utf-8") as out:
        yaml.safe_dump(_document(scenario), out, sort_keys=False, allow_unicode=True)


_WRITERS: dict[str, Callable[[Scenario, Path], None]] = {
    ".zip": _write_zip,
    ".xlsx": _write_workbook,
    ".json": _write_json,
    ".yaml": _write_yaml,
    ".yml": _write_yaml,
}

FILE_SUFFIXES: dict[str, str] = {
    ".zip": "zip of the CSV folder",
    ".xlsx": "Excel workbook",
    ".json": "JSON document",
    ".yaml": "YAML document",
    ".yml": "YAML document",
}
"""The suffixes written as one file, and the form each names; any other path is a CSV folder."""


# ----- atomic replacement ------------------------------------------------------------------
def _sibling(path: Path, kind: str) -> Path:
    """A fresh hidden name next to ``path``: same filesystem, so the final rename is atomic."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.{kind}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


@contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """A staging path beside ``path`` that is removed unless it was renamed into place."""
    staging = _sibling(path, "tmp")
    try:
        yield staging
    finally:
        _remove(staging)


def _write_folder_atomically(scenario: Scenario, path: Path) -> None:
    if path.exists():
        _check_replaceable(path)
    with _staged(path) as staging:
        _write_folder(scenario, staging)
        if not path.exists():
            staging.rename(path)
            return
        _keep_notes(path, staging)
        # A folder cannot be renamed over a non-empty one: park the old one, swap, then drop it.
        parked = _sibling(path, "old")
        path.rename(parked)
        try:
            staging.rename(path)
        except BaseException:
            parked.rename(path)
            raise
        _remove(parked)


def _scenario_file(name: str) -> bool:
    lower = name.lower()
    table_file = lower.endswith(".csv") and lower.removesuffix(".csv") in TABLE_ROWS
    return table_file or lower in SCENARIO_FILES or lower.startswith("readme")


def _check_replaceable(path: Path) -> None:
    """Refuse to replace anything but a scenario folder: the swap deletes the old contents."""
    if not path.is_dir():
        raise FileExistsError(f"{path} exists and is not a folder; give a folder path or a "
                              "path ending in .xlsx, .json, .yaml, .yml or .zip")
    others = sorted(p.name for p in path.iterdir() if not (p.is_file() and _scenario_file(p.name)))
    if others:
        raise FileExistsError(f"{path} holds files that are not part of a scenario "
                              f"({', '.join(others)}); write to a new folder instead")


def _keep_notes(old: Path, new: Path) -> None:
    """Carry README files over: they belong to the folder, not to the scenario written."""
    for note in old.iterdir():
        if note.is_file() and note.name.lower().startswith("readme"):
            shutil.copy2(note, new / note.name)
