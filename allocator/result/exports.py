"""Result files: JSON, an Excel workbook (one sheet per table) or a folder of CSV files.

Every write goes to a temporary sibling first and is renamed into place, so a failure never
leaves a half-written plan where the planner expects a finished one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from allocator.result.result import AllocationResult


def write_text_atomic(path: Path, text: str) -> Path:
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


def _summary_rows(result: AllocationResult) -> list[dict[str, Any]]:
    doc = result.to_dict(include_scenario=False)
    rows = [{"key": "scenario", "value": result.scenario.name}]
    for key in ("status", "backend", "objective_mode", "gap", "runtime_s", "build_s", "verified"):
        rows.append({"key": key, "value": doc[key]})
    for level, value in doc["objective"].items():
        rows.append({"key": f"objective.{level}", "value": value})
    for level, value in doc["bound"].items():
        rows.append({"key": f"bound.{level}", "value": value})
    return rows


def _write_excel(result: AllocationResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            pd.DataFrame(_summary_rows(result)).to_excel(writer, sheet_name="summary",
                                                         index=False)
            for name, table in result.tables().items():
                table.to_excel(writer, sheet_name=name, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_csv_folder(result: AllocationResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        for name, table in result.tables().items():
            table.to_csv(tmp / f"{name}.csv", index=False)
        (tmp / "summary.json").write_text(
            json.dumps(result.to_dict(include_scenario=False) | {"tables": None}, indent=2),
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


def export_result(result: AllocationResult, path: Path) -> Path:
    suffix = path.suffix.lower()
    if suffix == ".json":
        write_text_atomic(path, result.to_json())
    elif suffix == ".xlsx":
        _write_excel(result, path)
    elif suffix in {".csv", ".xls", ".yaml", ".yml"}:
        raise ValueError(f"cannot write a plan to {path.name}; use .json, .xlsx or a folder name")
    else:
        _write_csv_folder(result, path)
    return path
