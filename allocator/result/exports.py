"""Result files: JSON, an Excel workbook or a folder of CSV files.

This module knows nothing of ``AllocationResult``: it writes a result's JSON document and
tables, and the workbook bytes the result makes for it (``allocator.result.workbook``).

Every write goes to a temporary sibling first and is renamed into place, so a failure never
leaves a half-written plan where the planner expects a finished one. ``tempfile`` creates its
files 0600 and folders 0700, which would leave a plan unreadable to the planner's colleagues
on a shared drive; each output is given the permissions an ordinary ``open`` or ``mkdir``
would give it (``0o666`` / ``0o777`` less the process umask) before it is renamed into place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

Tables = dict[str, pd.DataFrame]

_STATUS = Path("/proc/self/status")


def current_umask() -> int:
    """The process umask, read without changing it.

    Linux reports it in ``/proc/self/status`` (``Umask:`` line, since 4.7). Elsewhere the only
    portable way is to set it and set it back (``os.umask``), which is racy: a thread creating
    a file in between would get umask 0. That fallback is taken only where ``/proc`` has no
    answer; it is read on every write (cheap), so a umask changed later is honoured.
    """
    try:
        for line in _STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split(":", 1)[1].strip(), 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    """Permissions of an ordinary new file: ``0o666`` less the umask."""
    return 0o666 & ~current_umask()


def folder_mode() -> int:
    """Permissions of an ordinary new folder: ``0o777`` less the umask."""
    return 0o777 & ~current_umask()


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary sibling with ordinary permissions and rename it into
    place; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) like ``write_bytes_atomic``; returns ``path``."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def _write_csv_folder(path: Path, doc: dict[str, Any], tables: Tables) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        tmp.chmod(folder_mode())
        # Files made by open() inside already get 0o666 less the umask.
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


def export_result(path: Path, *, document: dict[str, Any], tables: Tables,
                  workbook: Callable[[], bytes]) -> Path:
    """Write a result to ``path``: ``.json`` (the whole document), ``.xlsx`` (the bytes
    ``workbook()`` makes) or a folder of CSV files with ``summary.json`` (any other name).

    ``document`` is the result's JSON form with its scenario.
    """
    suffix = path.suffix.lower()
    if suffix == ".json":
        write_text_atomic(path, json.dumps(document, indent=2))
    elif suffix == ".xlsx":
        write_bytes_atomic(path, workbook())
    elif suffix in {".csv", ".xls", ".yaml", ".yml"}:
        raise ValueError(f"cannot write a plan to {path.name}; use .json, .xlsx or a folder name")
    else:
        without_scenario = {k: v for k, v in document.items() if k != "scenario"}
        _write_csv_folder(path, without_scenario, tables)
    return path
