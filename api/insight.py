"""What-if and sweep jobs: check a request against its scenario, run it, and store its tables.

A request is checked when it is submitted (bad changes or reliability rows answer 422 with
their locations, as the library reports them) and run in the job's own process. Its result
is a document of named tables, ``{"kind": ..., "tables": {name: {"columns", "rows"}}}``, that
``GET /v1/jobs/{id}/result`` returns as JSON, an Excel workbook (a sheet per table) or a zip
of CSV files. Sweeps run in the job's process alone (``workers=1``): the service's
concurrency is ``ALLOCATOR_WORKERS`` jobs, and a cancel must stop everything with one kill.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pandas as pd

from allocator import AllocationResult, Scenario
from allocator.insight.whatif import apply_changes, assignment_changes, compare
from allocator.result.workbook import tables_workbook
from allocator.sweeps import Reliability, budget_sensitivity, monte_carlo, n_minus_1, summarise
from allocator.sweeps.reliability import pledge_reliability

KINDS = ("whatif", "n-1", "budget", "monte-carlo")
Progress = Callable[[int, int], None]


def _reliability(parameters: dict[str, Any]) -> tuple[Reliability, pd.DataFrame | None]:
    default = Reliability(parameters["withdraw_probability"], parameters["delay_probability"],
                          parameters["delay_days"])
    rows = parameters.get("reliability")
    return default, None if not rows else pd.DataFrame(rows)


def check(kind: str, parameters: dict[str, Any], scenario: Scenario) -> None:
    """Raise the library's ScenarioError for what would fail later in the job."""
    if kind == "whatif":
        for name, changes in parameters["variants"].items():
            if name == "base":
                raise ValueError("'base' names the base scenario; give the variant another name")
            apply_changes(scenario, changes, source=name)
    elif kind == "monte-carlo":
        default, table = _reliability(parameters)
        pledge_reliability(scenario, default, table)


def _table(frame: pd.DataFrame) -> dict[str, Any]:
    # pandas' own JSON writer turns NaN into null and numpy numbers into plain ones.
    return {"columns": [str(c) for c in frame.columns],
            "rows": json.loads(frame.to_json(orient="records", date_format="iso"))}


def run(kind: str, parameters: dict[str, Any], scenario: Scenario, *, backend: str,
        time_limit: float | None, progress: Progress) -> dict[str, Any]:
    """Run a what-if or sweep job and return its result document; ``progress`` hears (done, total)
    per variant."""
    tables: dict[str, pd.DataFrame]
    if kind == "whatif":
        solved: dict[str, AllocationResult] = {}
        comparison = compare(scenario, parameters["variants"], backend=backend,
                             time_limit=time_limit, results=solved,
                             minimise_changes=parameters.get("minimise_changes", False),
                             progress=progress)
        changes = [assignment_changes(solved["base"], result).assign(variant=name)
                   for name, result in solved.items() if name != "base"
                   and result.plan is not None and solved["base"].plan is not None]
        tables = {"comparison": comparison,
                  "assignment_changes": pd.concat(changes, ignore_index=True) if changes
                  else pd.DataFrame()}
    elif kind == "n-1":
        tables = {"n_minus_1": n_minus_1(scenario, by=parameters.get("by", "pledge"),
                                         time_limit=time_limit, progress=progress)}
    elif kind == "budget":
        tables = {"budget": budget_sensitivity(scenario, scales=parameters["scales"],
                                               backend=backend, time_limit=time_limit,
                                               progress=progress)}
    elif kind == "monte-carlo":
        default, odds = _reliability(parameters)
        draws = monte_carlo(scenario, draws=parameters["draws"], seed=parameters["seed"],
                            default=default, reliability=odds, time_limit=time_limit,
                            progress=progress)
        tables = {"summary": summarise(draws), "draws": draws}
    else:
        raise ValueError(f"unknown job kind {kind!r}")
    return {"kind": kind, "tables": {name: _table(frame) for name, frame in tables.items()}}


def frames(document: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """A result document's tables as DataFrames, by name."""
    return {name: pd.DataFrame(table["rows"], columns=table["columns"])
            for name, table in document["tables"].items()}


def to_xlsx(document: dict[str, Any]) -> bytes:
    """A result document as an Excel workbook, a sheet per table (names cut to Excel's 31
    characters), formatted as the plan workbook is: bold frozen headers in words, filters,
    fitted widths, US$ and percentages (``allocator.result.workbook.tables_workbook``)."""
    return tables_workbook(frames(document))


def to_csv_zip(document: dict[str, Any]) -> bytes:
    """A result document as a zip of CSV files, one per table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in frames(document).items():
            archive.writestr(f"{name}.csv", frame.to_csv(index=False))
    return buffer.getvalue()
