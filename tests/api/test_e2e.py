"""End to end through the real service: uvicorn on a loopback port, the UN 2025 scenario
uploaded as a workbook, solved as a job, polled, and its Excel result checked with openpyxl
against the library's own result for the same scenario."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import allocator
from allocator import Assignment, EquipmentFlow, FundingFlow, Plan

from ..conftest import DATASETS
from .live import LiveService, wait_for_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIME_LIMIT_S = 120  # un_2025 is proven optimal in about 11 s; the limit is never reached
TIMINGS = {"Solve time", "Model build time"}  # summary rows that differ from run to run


@pytest.fixture
def service(tmp_path: Path) -> Iterator[LiveService]:
    live = LiveService(tmp_path)
    try:
        yield live.start()
    finally:
        live.stop()


def sheets(workbook: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def summary(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    assert rows[0] == ("Item", "Value", "Best bound", "What it means")
    return {row[0]: row[1:] for row in rows[1:] if row[0] not in TIMINGS}


def plan_of(document: dict[str, Any]) -> Plan:
    p = document["plan"]
    return Plan(tuple(Assignment(**a) for a in p["assignments"]),
                tuple(EquipmentFlow(**e) for e in p["equipment_flows"]),
                tuple(FundingFlow(f["funding_id"], f["mission_id"], Decimal(f["amount_usd"]))
                      for f in p["funding_flows"]))


def test_workbook_upload_solve_and_excel_result_match_the_library(
        service: LiveService, tmp_path: Path) -> None:
    workbook = allocator.write_scenario(allocator.read_scenario(DATASETS / "un_2025"),
                                        tmp_path / "un_2025.xlsx")
    scenario = allocator.read_scenario(workbook)
    # What the library solves below is exactly what the planner uploads.
    assert scenario.to_document() == allocator.read_scenario(DATASETS / "un_2025").to_document()

    with service.client(service.planner_token()) as client, \
            ThreadPoolExecutor(max_workers=1) as pool:
        with workbook.open("rb") as handle:
            created = client.post("/v1/scenarios", files={"file": ("un_2025.xlsx", handle, XLSX)})
        assert created.status_code == 201, created.text
        record = created.json()
        assert record["source"] == "un_2025.xlsx"
        assert record["counts"]["unit_pledges"] == len(scenario.unit_pledges)
        stored = client.get(f"/v1/scenarios/{record['id']}")
        assert stored.status_code == 200, stored.text
        assert stored.json()["scenario"] == scenario.to_document()

        started = client.post(f"/v1/scenarios/{record['id']}/solve",
                              json={"backend": "cpsat", "time_limit_s": TIME_LIMIT_S})
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        assert started.headers["location"] == f"/v1/jobs/{job_id}"
        # The library solves the same scenario meanwhile (one CP-SAT worker each, 2 cores).
        local = pool.submit(allocator.solve, scenario, "cpsat", TIME_LIMIT_S)
        job = wait_for_job(client, job_id, TIME_LIMIT_S + 60)
        assert job["status"] == "done", f"{job}\n{service.log()}"
        assert job["attempts"] == 1
        expected = local.result(timeout=TIME_LIMIT_S + 60)

        downloaded = client.get(f"/v1/jobs/{job_id}/result", params={"format": "xlsx"})
        assert downloaded.status_code == 200, downloaded.text
        assert downloaded.headers["content-type"] == XLSX
        assert downloaded.headers["content-disposition"].endswith(f'-{job_id[:8]}.xlsx"')
        as_json = client.get(f"/v1/jobs/{job_id}/result")
        assert as_json.status_code == 200, as_json.text

    assert expected.status.value == "optimal" and expected.is_feasible()
    assert job["result_status"] == "optimal"
    assert job["objective"] == expected.objective
    # The served plan stands on its own: the independent verifier accepts it.
    document = as_json.json()
    assert document["verified"] is True
    report = allocator.verify_plan(scenario, plan_of(document))
    assert report.ok, report

    served = sheets(openpyxl.load_workbook(BytesIO(downloaded.content), read_only=True))
    mine = sheets(openpyxl.load_workbook(expected.export(tmp_path / "library.xlsx"),
                                         read_only=True))
    assert list(served) == list(mine)
    assert "assignments" in served and len(served["assignments"]) > 1
    served_summary = summary(served.pop("summary"))
    assert served_summary == summary(mine.pop("summary"))
    assert served_summary["Status"][0] == "optimal" and served_summary["Verified"][0] == "yes"
    value, bound, _ = served_summary["Weighted shortfall (priority-weighted units short)"]
    assert value == bound == expected.objective["weighted_shortfall"]
    # CP-SAT with one search worker is deterministic, so the plans are the same, row for row.
    for name, rows in mine.items():
        assert served[name] == rows, f"sheet {name} differs from the library's result"
