"""Result files: JSON, an Excel workbook (one sheet per table) or a folder of CSV files.

This module knows nothing of ``AllocationResult``: it writes a result's JSON document and
tables, which the result hands it (``AllocationResult.export``).

Every write goes to a temporary sibling first and is renamed into place, so a failure never
leaves a half-written plan where the planner expects a finished one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

Tables = dict[str, pd.DataFrame]


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to a temporary sibling and rename it into place; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _summary_rows(name: str, doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{"key": "scenario", "value": name}]
    for key in ("status", "backend", "objective_mode", "gap", "runtime_s", "build_s", "verified"):
        rows.append({"key": key, "value": doc[key]})
    for level, value in doc["objective"].items():
        rows.append({"key": f"objective.{level}", "value": value})
    for level, value in doc["bound"].items():
        rows.append({"key": f"bound.{level}", "value": value})
    return rows


def _write_excel(path: Path, name: str, doc: dict[str, Any], tables: Tables) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            pd.DataFrame(_summary_rows(name, doc)).to_excel(writer, sheet_name="summary",
                                                            index=False)
            for sheet, table in tables.items():
                table.to_excel(writer, sheet_name=sheet, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_csv_folder(path: Path, doc: dict[str, Any], tables: Tables) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        for name, table in tables.items():
            table.to_csv(tmp / f"{name}.csv", index=False)
        (tmp / "summary.json").write_text(json.dumps(doc | {"tables": None}, indent=2),
                                          encoding="utf-8")
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old)
        else:
            tmp.rename(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def export_result(path: Path, *, name: str, document: dict[str, Any], tables: Tables) -> Path:
    """Write a result to ``path``: ``.json`` (the whole document), ``.xlsx`` (a summary sheet
    and one sheet per table) or a folder of CSV files with ``summary.json`` (any other name).

    ``document`` is the result's JSON form with its scenario; ``name`` the scenario's name.
    """
    suffix = path.suffix.lower()
    without_scenario = {k: v for k, v in document.items() if k != "scenario"}
    if suffix == ".json":
        write_text_atomic(path, json.dumps(document, indent=2))
    elif suffix == ".xlsx":
        _write_excel(path, name, without_scenario, tables)
    elif suffix in {".csv", ".xls", ".yaml", ".yml"}:
        raise ValueError(f"cannot write a plan to {path.name}; use .json, .xlsx or a folder name")
    else:
        _write_csv_folder(path, without_scenario, tables)
    return path
