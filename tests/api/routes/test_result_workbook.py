"""The plan workbook as the service serves it (``GET /v1/jobs/{id}/result?format=xlsx``): the
same planner's workbook the library and the CLI write, with a diagnosis sheet when the
scenario is infeasible; and the what-if and sweep workbooks, formatted alike."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from fastapi.testclient import TestClient

from allocator import AllocationResult, Scenario
from allocator.result.workbook import COUNT_FORMAT, MONEY_FORMAT, SHARE_FORMAT
from api import insight

from ...result.briefing import BRIEF, EXTRA_USD
from ...result.test_workbook import INFEASIBLE, TABLE_SHEETS, by, records, summary
from .conftest import Headers, start_job, wait_for_job


def _served(client: TestClient, headers: Headers, scenario: Scenario) -> tuple[dict, Any]:
    """Store and solve ``scenario`` as a job; its result JSON and served workbook."""
    created = client.post("/v1/scenarios", json=scenario.to_document(), headers=headers)
    assert created.status_code == 201, created.text
    job_id = start_job(client, created.json()["id"], headers, time_limit_s=30)
    job = wait_for_job(client, job_id, headers)
    assert job["status"] == "done", job
    document = client.get(f"/v1/jobs/{job_id}/result", headers=headers).json()
    answer = client.get(f"/v1/jobs/{job_id}/result?format=xlsx", headers=headers)
    assert answer.status_code == 200, answer.text
    return document, openpyxl.load_workbook(io.BytesIO(answer.content))


def _values(book: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_served_workbook_is_the_librarys(client: TestClient, planner: Headers,
                                         tmp_path: Any) -> None:
    document, served = _served(client, planner, BRIEF)
    mine = AllocationResult.from_dict(document, BRIEF).export(tmp_path / "plan.xlsx")
    assert _values(served) == _values(openpyxl.load_workbook(mine))
    assert served.sheetnames == ["summary", *TABLE_SHEETS]
    missions = served["missions"]
    assert missions.freeze_panes == "A2" and missions.auto_filter.ref == "A1:P3"
    assert by(missions, "Mission")["M1"]["Mission name"] == "Mission One"
    assert by(served["requirements"], "Requirement")["R3"]["Why short"] == (
        f"budget: US${EXTRA_USD:,} more would fill it")
    assert summary(served)["Status"][0] == "optimal"


def test_an_infeasible_jobs_workbook_has_its_diagnosis(client: TestClient,
                                                       planner: Headers) -> None:
    document, served = _served(client, planner, INFEASIBLE)
    assert document["status"] == "infeasible" and document["diagnosis"]["feasible"] is False
    assert served.sheetnames == ["summary", *TABLE_SHEETS, "diagnosis"]
    rows = records(served["diagnosis"])
    assert [r["In words"] for r in rows if r["Part"] == "conflict"] == [
        c["message"] for c in document["diagnosis"]["conflict"]]
    assert [(r["Rule kind"], r["Rule"], r["Least relaxation"], r["Unit"]) for r in rows
            if r["Part"] == "least relaxation"] == [
        (x["kind"], x["rule_id"], x["amount"], x["unit"])
        for x in document["diagnosis"]["relaxation"]]
    assert summary(served)["Status"][0] == "infeasible"
    assert served["diagnosis"].freeze_panes == "A2"


def test_sweep_workbooks_are_formatted_like_the_plan() -> None:
    document = {"kind": "budget", "tables": {"budget": {
        "columns": ["scale", "mission_id", "budget_usd", "units_filled", "coverage"],
        "rows": [{"scale": 0.5, "mission_id": "M1", "budget_usd": 10_000_000.0,
                  "units_filled": 3, "coverage": 0.75},
                 {"scale": 1.0, "mission_id": "M1", "budget_usd": 20_000_000.0,
                  "units_filled": 4, "coverage": 1.0}]}}}
    book = openpyxl.load_workbook(io.BytesIO(insight.to_xlsx(document)))
    assert book.sheetnames == ["budget"]
    ws = book["budget"]
    assert [c.value for c in ws[1]] == ["Scale", "Mission", "Budget (US$)", "Units filled",
                                        "Coverage"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E3"
    assert [c.value for c in ws[3]] == [1, "M1", 20_000_000, 4, 1]
    assert ws["C2"].number_format == MONEY_FORMAT
    assert ws["D2"].number_format == COUNT_FORMAT
    assert ws["E2"].number_format == SHARE_FORMAT
