"""Solve jobs: start (202 at once), follow, list, cancel (queued and running), results as
JSON, xlsx and a zip of CSVs; limits, roles and workspaces."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from allocator import AllocationResult, read_scenario, solve
from allocator.backends import DEFAULT_BACKEND
from api.auth import Role, create_token
from api.db import ScenarioRecord
from api.main import create_app

from ..conftest import DATASETS
from .conftest import Headers, error, pause_runner, solve_process, start_job, wait_for, wait_for_job

SMALL = DATASETS / "families" / "small"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def expected() -> AllocationResult:
    """The library's own solve of the small family (proven optimal in about a second)."""
    return solve(read_scenario(SMALL), time_limit=60)


@pytest.fixture
def done_job(client: TestClient, planner: Headers, scenario_id: str) -> str:
    job_id = start_job(client, scenario_id, planner, time_limit_s=60)
    job = wait_for_job(client, job_id, planner)
    assert job["status"] == "done", job
    return job_id


def runner(client: TestClient) -> Any:
    return client.app.state.runner  # type: ignore[attr-defined]


def instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


# ----- start --------------------------------------------------------------------------------
def test_start_returns_202_and_a_queued_job_at_once(client: TestClient, planner: Headers,
                                                    scenario_id: str, settings) -> None:
    pause_runner(client)  # nothing runs: the answer cannot have waited for a solve
    started = client.post(f"/v1/scenarios/{scenario_id}/solve", headers=planner)
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["status"] == "queued" and job["scenario_id"] == scenario_id
    assert job["backend"] == DEFAULT_BACKEND
    assert job["time_limit_s"] == settings.default_time_limit_s
    assert job["objective_mode"] is None and job["attempts"] == 0
    assert job["progress"] is None and job["started_at"] is None
    instant(job["created_at"])
    assert client.get(started.headers["location"], headers=planner).json() == job


def test_start_keeps_the_options(client: TestClient, planner: Headers,
                                 scenario_id: str) -> None:
    pause_runner(client)
    started = client.post(f"/v1/scenarios/{scenario_id}/solve", headers=planner, json={
        "backend": "highs", "time_limit_s": 7.5, "objective_mode": "weighted"})
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["backend"], job["time_limit_s"], job["objective_mode"]) == (
        "highs", 7.5, "weighted")


@pytest.mark.parametrize(("options", "column", "words"), [
    ({"time_limit_s": 121}, "time_limit_s", "above this service's limit of 120"),
    ({"backend": "gurobi"}, "backend", "'gurobi' is not available"),
    ({"time_limit_s": 0}, "time_limit_s", "greater than 0"),
    ({"time_limit_s": "soon"}, "time_limit_s", "number"),
    ({"objective_mode": "fastest"}, "objective_mode", "lexicographic"),
    ({"threads": 8}, "threads", "not permitted"),
])
def test_bad_options_are_422_located(client: TestClient, planner: Headers, scenario_id: str,
                                     options: dict, column: str, words: str) -> None:
    answer = client.post(f"/v1/scenarios/{scenario_id}/solve", json=options, headers=planner)
    body = error(answer, 422, "request_invalid")
    [problem] = body["problems"]
    assert (problem["table"], problem["column"]) == ("body", column)
    assert words in problem["message"]
    assert client.get("/v1/jobs", headers=planner).json()["count"] == 0


def test_the_time_limit_may_equal_the_maximum(client: TestClient, planner: Headers,
                                              scenario_id: str, settings) -> None:
    pause_runner(client)
    limit = settings.max_time_limit_s
    job_id = start_job(client, scenario_id, planner, time_limit_s=limit)
    assert client.get(f"/v1/jobs/{job_id}", headers=planner).json()["time_limit_s"] == limit


def test_start_on_an_unknown_scenario_is_404(client: TestClient, planner: Headers) -> None:
    error(client.post("/v1/scenarios/nope/solve", headers=planner), 404, "not_found")


def test_too_many_queued_jobs_per_token_is_429(client: TestClient, planner: Headers,
                                               make_token: Callable[..., Headers],
                                               scenario_id: str, settings) -> None:
    pause_runner(client)
    limit = settings.max_queued_jobs_per_token
    jobs = [start_job(client, scenario_id, planner) for _ in range(limit)]
    refused = client.post(f"/v1/scenarios/{scenario_id}/solve", headers=planner)
    body = error(refused, 429, "too_many_jobs")
    assert f"{limit} jobs queued or running" in body["message"]
    assert refused.headers["retry-after"].isdigit()
    assert client.get("/v1/jobs", headers=planner).json()["count"] == limit
    # The bound is per token: a colleague in the workspace may still start one.
    start_job(client, scenario_id, make_token("planner", "w1", name="colleague"))
    # Ended jobs do not count.
    assert client.delete(f"/v1/jobs/{jobs[0]}", headers=planner).status_code == 200
    start_job(client, scenario_id, planner)
    error(client.post(f"/v1/scenarios/{scenario_id}/solve", headers=planner), 429,
          "too_many_jobs")


# ----- follow -------------------------------------------------------------------------------
def test_a_job_runs_to_done_with_progress_and_timings(client: TestClient, planner: Headers,
                                                      analyst: Headers, scenario_id: str,
                                                      expected: AllocationResult) -> None:
    job_id = start_job(client, scenario_id, planner, time_limit_s=60)
    job = wait_for_job(client, job_id, analyst)  # an analyst may follow it
    assert job["status"] == "done", job
    assert job["result_status"] == expected.status.value == "optimal"
    assert job["objective"] == expected.objective
    assert job["attempts"] == 1 and job["error"] is None
    created, started, finished = (instant(job[k]) for k in
                                  ("created_at", "started_at", "finished_at"))
    assert created <= started <= finished
    progress = job["progress"]
    assert progress is not None
    assert progress["levels"] == len(expected.levels)
    assert 1 <= progress["level_number"] <= progress["levels"]
    assert progress["level"] in {level.level for level in expected.levels}
    assert progress["elapsed_s"] >= 0


def test_jobs_and_quick_solves_run_after_the_app_is_started_again(
        settings, small_document: dict, expected: AllocationResult) -> None:
    """An app's lifespan may run more than once (one test client after another; schemathesis
    ends it after every test): the runner started again claims and runs jobs, and a quick
    solve gets a pool of its own, rather than jobs staying queued for ever."""
    app = create_app(settings)
    quick = {"scenario": small_document, "time_limit_s": 10}
    with TestClient(app) as first:
        with app.state.db.session() as session:
            _, secret = create_token(session, name="p", role=Role.planner, workspace="w1")
        planner = {"Authorization": f"Bearer {secret}"}
        created = first.post("/v1/scenarios", json=small_document, headers=planner)
        assert created.status_code == 201, created.text
        assert first.post("/v1/solve", json=quick, headers=planner).status_code == 200
    with TestClient(app) as second:  # the same app's lifespan, a second time
        job_id = start_job(second, created.json()["id"], planner, time_limit_s=60)
        job = wait_for_job(second, job_id, planner)
        assert job["status"] == "done", job
        assert job["objective"] == expected.objective
        solved = second.post("/v1/solve", json=quick, headers=planner)
        assert solved.status_code == 200, solved.text
        assert solved.json()["objective"] == expected.objective


def test_a_job_that_cannot_run_fails_with_its_reason(client: TestClient, planner: Headers,
                                                     scenario_id: str) -> None:
    # A stored scenario broken behind the service's back (validated again in the worker).
    with client.app.state.db.session() as session:  # type: ignore[attr-defined]
        session.execute(update(ScenarioRecord).where(ScenarioRecord.id == scenario_id)
                        .values(document={"missions": "not a table"}))
    job_id = start_job(client, scenario_id, planner)
    job = wait_for_job(client, job_id, planner)
    assert job["status"] == "failed", job
    assert job["error"] and "missions" in job["error"]
    assert job["finished_at"] is not None
    body = error(client.get(f"/v1/jobs/{job_id}/result", headers=planner), 409, "no_result")
    assert "failed" in body["message"]
    error(client.delete(f"/v1/jobs/{job_id}", headers=planner), 409, "job_ended")


def test_list_jobs_filters_and_pages(client: TestClient, planner: Headers, outsider: Headers,
                                     scenario_id: str, small_document: dict) -> None:
    pause_runner(client)
    other = client.post("/v1/scenarios", json=small_document, headers=planner).json()["id"]
    first = start_job(client, scenario_id, planner)
    second = start_job(client, scenario_id, planner)
    third = start_job(client, other, planner)
    client.delete(f"/v1/jobs/{first}", headers=planner)
    theirs = client.post("/v1/scenarios", json=small_document, headers=outsider).json()["id"]
    start_job(client, theirs, outsider)

    def listed(query: str = "") -> tuple[int, list[str]]:
        answer = client.get(f"/v1/jobs{query}", headers=planner)
        assert answer.status_code == 200, answer.text
        return answer.json()["count"], [j["id"] for j in answer.json()["data"]]

    assert listed() == (3, [third, second, first])  # newest first, own workspace only
    assert listed("?limit=2") == (3, [third, second])
    assert listed("?limit=2&offset=2") == (3, [first])
    assert listed(f"?scenario_id={scenario_id}") == (2, [second, first])
    assert listed("?status=cancelled") == (1, [first])
    assert listed("?status=queued") == (2, [third, second])
    assert listed("?status=done") == (0, [])
    assert listed(f"?scenario_id={theirs}") == (0, [])
    body = error(client.get("/v1/jobs?status=paused", headers=planner), 422,
                 "request_invalid")
    assert [(p["table"], p["column"]) for p in body["problems"]] == [("query", "status")]
    for query in ("limit=0", "limit=1001", "offset=-1", f"offset={2**63}"):
        error(client.get(f"/v1/jobs?{query}", headers=planner), 422, "request_invalid")
    assert listed(f"?offset={2**31 - 1}") == (3, [])


def test_read_an_unknown_job_is_404(client: TestClient, planner: Headers) -> None:
    error(client.get("/v1/jobs/nope", headers=planner), 404, "not_found")
    error(client.delete("/v1/jobs/nope", headers=planner), 404, "not_found")
    error(client.get("/v1/jobs/nope/result", headers=planner), 404, "not_found")


# ----- cancel -------------------------------------------------------------------------------
def test_cancel_a_queued_job(client: TestClient, planner: Headers, scenario_id: str) -> None:
    pause_runner(client)
    job_id = start_job(client, scenario_id, planner)
    cancelled = client.delete(f"/v1/jobs/{job_id}", headers=planner)
    assert cancelled.status_code == 200, cancelled.text
    job = cancelled.json()
    assert job["status"] == "cancelled" and job["started_at"] is None
    assert job["finished_at"] is not None and "test" in job["error"]
    assert client.get(f"/v1/jobs/{job_id}", headers=planner).json() == job
    error(client.get(f"/v1/jobs/{job_id}/result", headers=planner), 409, "no_result")
    body = error(client.delete(f"/v1/jobs/{job_id}", headers=planner), 409, "job_ended")
    assert "cancelled" in body["message"]


def test_cancel_a_running_job_stops_its_process_before_the_answer(
        client: TestClient, planner: Headers, scenario_id: str) -> None:
    """With one worker, a long solve runs and a small one waits behind it; both are cancelled,
    the running one's process is gone at once, and neither ever runs again."""
    un_2025 = read_scenario(DATASETS / "un_2025").to_document()
    big = client.post("/v1/scenarios", json=un_2025, headers=planner)
    assert big.status_code == 201, big.text
    long_job = start_job(client, big.json()["id"], planner, time_limit_s=120)
    waiting = start_job(client, scenario_id, planner, time_limit_s=60)
    wait_for_job(client, long_job, planner, statuses=("running",))
    process = wait_for(lambda: solve_process(runner(client), long_job), 20,
                       "the solve process")
    assert client.get(f"/v1/jobs/{waiting}", headers=planner).json()["status"] == "queued"

    queued = client.delete(f"/v1/jobs/{waiting}", headers=planner)
    assert queued.status_code == 200 and queued.json()["status"] == "cancelled"
    cancelled = client.delete(f"/v1/jobs/{long_job}", headers=planner)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert long_job not in runner(client).running
    assert not process.is_alive()

    # The worker slot is free now: nothing cancelled may be picked up or overwritten.
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        for job_id in (long_job, waiting):
            assert client.get(f"/v1/jobs/{job_id}", headers=planner).json()[
                "status"] == "cancelled"
        assert runner(client).running == {}
        time.sleep(0.1)
    error(client.get(f"/v1/jobs/{long_job}/result", headers=planner), 409, "no_result")


def test_cancel_a_finished_job_is_409(client: TestClient, planner: Headers,
                                      done_job: str) -> None:
    body = error(client.delete(f"/v1/jobs/{done_job}", headers=planner), 409, "job_ended")
    assert "done" in body["message"]
    assert client.get(f"/v1/jobs/{done_job}", headers=planner).json()["status"] == "done"


# ----- results ------------------------------------------------------------------------------
def test_result_before_the_job_is_done_is_409(client: TestClient, planner: Headers,
                                              scenario_id: str) -> None:
    pause_runner(client)
    job_id = start_job(client, scenario_id, planner)
    for fmt in ("json", "xlsx", "csv"):
        body = error(client.get(f"/v1/jobs/{job_id}/result?format={fmt}", headers=planner),
                     409, "no_result")
        assert "queued" in body["message"]


def test_result_as_json_is_the_librarys(client: TestClient, analyst: Headers, done_job: str,
                                        expected: AllocationResult) -> None:
    answer = client.get(f"/v1/jobs/{done_job}/result", headers=analyst)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    result = answer.json()
    assert result["status"] == "optimal" and result["verified"] is True
    assert result["objective"] == expected.objective
    assert result["backend"] == DEFAULT_BACKEND
    assert "scenario" not in result
    mine = expected.to_dict(include_scenario=False)
    assert set(result) == set(mine)
    assert len(result["plan"]["assignments"]) == len(mine["plan"]["assignments"])
    # It is the library's form: the library reads it back and verifies the plan again.
    again = AllocationResult.from_dict(result, read_scenario(SMALL))
    assert again.objective == expected.objective
    assert client.get(f"/v1/jobs/{done_job}/result?format=json",
                      headers=analyst).json() == result


def _library_export(client: TestClient, job_id: str, headers: Headers, path: Path) -> Path:
    document = client.get(f"/v1/jobs/{job_id}/result", headers=headers).json()
    return AllocationResult.from_dict(document, read_scenario(SMALL)).export(path)


def test_result_as_xlsx(client: TestClient, planner: Headers, done_job: str,
                        tmp_path: Path) -> None:
    answer = client.get(f"/v1/jobs/{done_job}/result?format=xlsx", headers=planner)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    disposition = answer.headers["content-disposition"]
    assert disposition == f'attachment; filename="family-small-0-{done_job[:8]}.xlsx"'
    served = openpyxl.load_workbook(io.BytesIO(answer.content))
    mine = openpyxl.load_workbook(_library_export(client, done_job, planner,
                                                  tmp_path / "plan.xlsx"))
    assert served.sheetnames == mine.sheetnames
    assert {"summary", "assignments", "missions"} <= set(served.sheetnames)
    for name in mine.sheetnames:
        rows = list(served[name].iter_rows(values_only=True))
        assert rows == list(mine[name].iter_rows(values_only=True)), name
    assert served["assignments"].max_row > 1


def test_result_as_a_zip_of_csv_files(client: TestClient, planner: Headers, done_job: str,
                                      tmp_path: Path) -> None:
    answer = client.get(f"/v1/jobs/{done_job}/result?format=csv", headers=planner)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="family-small-0-{done_job[:8]}-csv.zip"')
    folder = _library_export(client, done_job, planner, tmp_path / "plan")
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        names = archive.namelist()
        assert names == sorted(p.name for p in folder.iterdir())
        tables = [n for n in names if n.endswith(".csv")]
        assert {"assignments.csv", "missions.csv", "requirements.csv"} <= set(tables)
        # Everything else is the export's summary alongside the tables.
        assert set(names) - set(tables) <= {"summary.json"}
        for name in names:
            assert archive.read(name) == (folder / name).read_bytes(), name
        header, *rows = csv.reader(io.StringIO(archive.read("assignments.csv").decode()))
        assert "pledge_id" in header and rows


def test_an_infeasible_plan_is_a_done_job_with_a_result(client: TestClient, planner: Headers,
                                                        small_document: dict) -> None:
    """Every pledge must deploy, but no mission has room: a result without a plan, which the
    downloads still describe; the file name is plain whatever the scenario is called."""
    document = json.loads(json.dumps(small_document))
    document["name"] = 'Plan "B" / Mali été'
    for pledge in document["unit_pledges"]:
        pledge["must_deploy"] = True
    for mission in document["missions"]:
        mission["personnel_ceiling"] = 1
    scenario_id = client.post("/v1/scenarios", json=document, headers=planner).json()["id"]
    job_id = start_job(client, scenario_id, planner, time_limit_s=30)
    job = wait_for_job(client, job_id, planner)
    assert (job["status"], job["result_status"]) == ("done", "infeasible"), job
    result = client.get(f"/v1/jobs/{job_id}/result", headers=planner).json()
    assert result["status"] == "infeasible" and result["plan"] is None
    downloads = {}
    for fmt, suffix in (("xlsx", ".xlsx"), ("csv", "-csv.zip")):
        answer = client.get(f"/v1/jobs/{job_id}/result?format={fmt}", headers=planner)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-disposition"] == (
            f'attachment; filename="Plan-B-Mali-t-{job_id[:8]}{suffix}"')
        downloads[fmt] = answer.content
    served = openpyxl.load_workbook(io.BytesIO(downloads["xlsx"]))
    assert served["assignments"].max_row == 1  # the header only
    with zipfile.ZipFile(io.BytesIO(downloads["csv"])) as archive:
        assert "assignments.csv" in archive.namelist()


def test_result_in_an_unknown_format_is_422(client: TestClient, planner: Headers,
                                            done_job: str) -> None:
    body = error(client.get(f"/v1/jobs/{done_job}/result?format=pdf", headers=planner), 422,
                 "request_invalid")
    assert [(p["table"], p["column"]) for p in body["problems"]] == [("query", "format")]


# ----- access -------------------------------------------------------------------------------
JOB_ROUTES = [("POST", "/v1/scenarios/{scenario}/solve"), ("GET", "/v1/jobs"),
              ("GET", "/v1/jobs/{job}"), ("DELETE", "/v1/jobs/{job}"),
              ("GET", "/v1/jobs/{job}/result")]


@pytest.mark.parametrize(("method", "path"), JOB_ROUTES)
def test_job_routes_need_a_valid_token(client: TestClient, planner: Headers, admin: Headers,
                                       scenario_id: str, method: str, path: str) -> None:
    pause_runner(client)
    job_id = start_job(client, scenario_id, planner)
    revoked = client.post("/v1/tokens", json={"name": "gone", "role": "planner",
                                              "workspace": "w1"}, headers=admin).json()
    client.delete(f"/v1/tokens/{revoked['id']}", headers=admin)
    url = path.format(scenario=scenario_id, job=job_id)
    for headers in ({}, {"Authorization": "Bearer pa_unknown"},
                    {"Authorization": f"Bearer {revoked['token']}"}):
        answer = client.request(method, url, headers=headers)
        error(answer, 401, "unauthenticated")
        assert answer.headers["www-authenticate"] == "Bearer"
    jobs = client.get("/v1/jobs", headers=planner).json()
    assert jobs["count"] == 1 and jobs["data"][0]["status"] == "queued"


def test_an_analyst_reads_jobs_but_cannot_start_or_cancel(client: TestClient,
                                                          planner: Headers, analyst: Headers,
                                                          scenario_id: str) -> None:
    pause_runner(client)
    job_id = start_job(client, scenario_id, planner)
    body = error(client.post(f"/v1/scenarios/{scenario_id}/solve", headers=analyst), 403,
                 "forbidden")
    assert "planner" in body["message"] and "analyst" in body["message"]
    error(client.delete(f"/v1/jobs/{job_id}", headers=analyst), 403, "forbidden")
    assert client.get(f"/v1/jobs/{job_id}", headers=analyst).json()["status"] == "queued"
    assert client.get("/v1/jobs", headers=analyst).json()["count"] == 1
    error(client.get(f"/v1/jobs/{job_id}/result", headers=analyst), 409, "no_result")


def test_another_workspace_gets_404_for_jobs(client: TestClient, planner: Headers,
                                             make_token: Callable[..., Headers],
                                             scenario_id: str, done_job: str) -> None:
    pause_runner(client)
    queued = start_job(client, scenario_id, planner)
    unknown = "0" * 32
    for role in ("planner", "admin"):
        other = make_token(role, "w2")
        for method, path in [("POST", "/v1/scenarios/{}/solve"), ("GET", "/v1/jobs/{}"),
                             ("DELETE", "/v1/jobs/{}"), ("GET", "/v1/jobs/{}/result"),
                             ("GET", "/v1/jobs/{}/result?format=xlsx")]:
            target = scenario_id if "scenarios" in path else done_job
            theirs = client.request(method, path.format(target), headers=other)
            missing = client.request(method, path.format(unknown), headers=other)
            body = error(theirs, 404, "not_found")
            assert body == {**missing.json(),
                            "message": missing.json()["message"].replace(unknown, target)}
        error(client.delete(f"/v1/jobs/{queued}", headers=other), 404, "not_found")
        assert client.get("/v1/jobs", headers=other).json() == {"data": [], "count": 0}
        assert client.get(f"/v1/jobs?scenario_id={scenario_id}",
                          headers=other).json()["count"] == 0
    analyst = make_token("analyst", "w2")
    for path in ("/v1/jobs/{}", "/v1/jobs/{}/result"):
        error(client.get(path.format(done_job), headers=analyst), 404, "not_found")
    # Nothing the other workspace tried changed anything here.
    assert client.get(f"/v1/jobs/{queued}", headers=planner).json()["status"] == "queued"
    assert client.get(f"/v1/jobs/{done_job}/result", headers=planner).status_code == 200
    assert client.get("/v1/jobs", headers=planner).json()["count"] == 2


def test_a_body_that_is_not_text_is_422_located(client: TestClient, planner: Headers,
                                                scenario_id: str) -> None:
    answer = client.post(f"/v1/scenarios/{scenario_id}/solve", content=b"\xff\xfe\x16",
                         headers={**planner, "content-type": "application/json"})
    body = error(answer, 422, "request_invalid")
    assert [(p["table"], p["column"]) for p in body["problems"]] == [("body", None)]
    assert "cannot read the request body" in body["message"]
