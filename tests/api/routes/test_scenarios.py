"""Scenarios: submit as JSON or as an uploaded file, located 422s in the library's words,
size limits, list, read, delete, roles and workspaces."""

from __future__ import annotations

import asyncio
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from allocator import Scenario, ScenarioError, read_scenario, write_scenario
from api.db import Job, ScenarioRecord

from ..conftest import DATASETS
from .conftest import Headers, error, pause_runner, solve_process, start_job, wait_for

SMALL = DATASETS / "families" / "small"
BAD_BUDGET = -5


@pytest.fixture(scope="module")
def small() -> Scenario:
    return read_scenario(SMALL)


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return target


def written(scenario: Scenario, folder: Path, suffix: str) -> Path:
    """The scenario as the file a planner would upload: a workbook, document or zipped CSVs."""
    if suffix == ".zip":
        return zip_folder(write_scenario(scenario, folder / "small"), folder / "small.zip")
    return write_scenario(scenario, folder / f"small{suffix}")


def with_negative_budget(scenario: Scenario, folder: Path, suffix: str) -> Path:
    """The scenario written as ``suffix`` with the second mission's budget made negative,
    cell by cell, as a planner's typo would be."""
    if suffix == ".xlsx":
        path = write_scenario(scenario, folder / "bad.xlsx")
        book = openpyxl.load_workbook(path)
        sheet = book["missions"]
        column = [c.value for c in sheet[1]].index("budget_usd") + 1
        sheet.cell(row=3, column=column, value=BAD_BUDGET)
        book.save(path)
        return path
    if suffix in (".json", ".yaml"):
        path = write_scenario(scenario, folder / f"bad{suffix}")
        load, dump = ((json.loads, json.dumps) if suffix == ".json"
                      else (yaml.safe_load, yaml.safe_dump))
        document = load(path.read_text(encoding="utf-8"))
        document["missions"][1]["budget_usd"] = BAD_BUDGET
        path.write_text(dump(document), encoding="utf-8")
        return path
    csvs = write_scenario(scenario, folder / "bad")
    lines = (csvs / "missions.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")  # no quoted commas in the small family's mission rows
    cells[header.index("budget_usd")] = str(BAD_BUDGET)
    lines[2] = ",".join(cells)
    (csvs / "missions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return zip_folder(csvs, folder / "bad.zip")


def upload(client: TestClient, path: Path, headers: Headers, name: str | None = None):
    return client.post("/v1/scenarios", headers=headers,
                       files={"file": (name or path.name, path.read_bytes())})


def stored(client: TestClient) -> int:
    with client.app.state.db.session() as session:  # type: ignore[attr-defined]
        return session.scalar(select(func.count()).select_from(ScenarioRecord)) or 0


def library_problems(path: Path) -> list[dict]:
    with pytest.raises(ScenarioError) as raised:
        read_scenario(path)
    return [p.to_dict() for p in raised.value.problems]


# ----- submit -------------------------------------------------------------------------------
def test_submit_json(client: TestClient, planner: Headers, small: Scenario,
                     small_document: dict) -> None:
    created = client.post("/v1/scenarios", json=small_document, headers=planner)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == small.name == "family-small-0"
    assert body["source"] == "json"
    assert body["workspace"] == "w1"
    assert body["counts"]["unit_pledges"] == len(small.unit_pledges) == 50
    assert body["counts"]["requirements"] == len(small.requirements) == 18
    assert body["counts"]["missions"] == 3
    assert body["created_at"].endswith("+00:00")
    detail = client.get(f"/v1/scenarios/{body['id']}", headers=planner)
    assert detail.status_code == 200
    assert detail.json()["scenario"] == small.to_document()
    assert body.pop("warnings") == []
    assert {k: detail.json()[k] for k in body} == body


def test_an_upload_answers_with_its_warnings_located_and_is_stored(
        client: TestClient, planner: Headers, small: Scenario, tmp_path: Path) -> None:
    csvs = write_scenario(small, tmp_path / "notes")
    lines = (csvs / "requirements.csv").read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",notes"] + [line + ",check with DPO" for line in lines[1:]]
    (csvs / "requirements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    created = upload(client, zip_folder(csvs, tmp_path / "notes.zip"), planner)
    assert created.status_code == 201, created.text
    [warning] = created.json()["warnings"]
    assert warning["source"] == "notes.zip/requirements.csv"
    assert (warning["table"], warning["row"], warning["column"]) == ("requirements", 1, "notes")
    assert warning["message"].startswith("column 'notes' is not part of requirements and was "
                                         "ignored")
    detail = client.get(f"/v1/scenarios/{created.json()['id']}", headers=planner).json()
    assert detail["scenario"] == small.to_document()  # the notes changed nothing


@pytest.mark.parametrize("suffix", [".xlsx", ".zip", ".json", ".yaml"])
def test_submit_upload(client: TestClient, planner: Headers, small: Scenario, tmp_path: Path,
                       suffix: str) -> None:
    path = written(small, tmp_path, suffix)
    created = upload(client, path, planner)
    assert created.status_code == 201, created.text
    assert created.json()["source"] == path.name
    assert created.json()["counts"]["unit_pledges"] == 50
    detail = client.get(f"/v1/scenarios/{created.json()['id']}", headers=planner).json()
    # Read by the library as it would read the file: the same scenario in every form.
    assert detail["scenario"] == small.to_document()


def test_an_upload_name_is_reduced_to_a_plain_file_name(
        client: TestClient, planner: Headers, small: Scenario, tmp_path: Path) -> None:
    path = written(small, tmp_path, ".json")
    created = upload(client, path, planner, name="../../etc/My Plan.JSON")
    assert created.status_code == 201, created.text
    assert created.json()["source"] == "My Plan.JSON"  # the file name only, no folders
    assert created.json()["counts"]["unit_pledges"] == 50


@pytest.mark.parametrize(("suffix", "row", "source"), [
    (".xlsx", 3, "bad.xlsx[missions]"),  # spreadsheet row: header 1, second mission 3
    (".zip", 3, "bad.zip/missions.csv"),
    (".json", 2, "bad.json"),  # documents count list items from 1
    (".yaml", 2, "bad.yaml"),
])
def test_invalid_upload_is_422_located_in_the_librarys_words(
        client: TestClient, planner: Headers, small: Scenario, tmp_path: Path, suffix: str,
        row: int, source: str) -> None:
    path = with_negative_budget(small, tmp_path, suffix)
    expected = library_problems(path)
    answer = error(upload(client, path, planner), 422, "scenario_invalid")
    assert answer["message"] == "the scenario has 1 problem; nothing was stored"
    assert answer["problems"] == expected
    [problem] = answer["problems"]
    assert (problem["table"], problem["row"], problem["column"], problem["source"]) == (
        "missions", row, "budget_usd", source)
    assert "greater than or equal to 0" in problem["message"]
    assert stored(client) == 0


def test_invalid_json_body_is_422_located_in_the_librarys_words(
        client: TestClient, planner: Headers, small_document: dict, tmp_path: Path) -> None:
    document = json.loads(json.dumps(small_document))
    document["missions"][1]["budget_usd"] = BAD_BUDGET
    document["unit_pledges"][0]["units"] = "many"
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    expected = library_problems(path)
    answer = error(client.post("/v1/scenarios", json=document, headers=planner), 422,
                   "scenario_invalid")
    assert answer["message"] == "the scenario has 2 problems; nothing was stored"
    located = [(p["table"], p["row"], p["column"], p["message"]) for p in answer["problems"]]
    assert located == [(p["table"], p["row"], p["column"], p["message"]) for p in expected]
    assert {(t, r, c) for t, r, c, _ in located} == {
        ("missions", 2, "budget_usd"), ("unit_pledges", 1, "units")}
    # There was no file: the problems are located in the request body.
    assert {p["source"] for p in answer["problems"]} == {"request body"}
    assert stored(client) == 0


def test_several_problems_are_all_reported(client: TestClient, planner: Headers,
                                           small: Scenario, tmp_path: Path) -> None:
    path = write_scenario(small, tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book["missions"][1]]
    book["missions"].cell(row=2, column=header.index("budget_usd") + 1, value=-1)
    book["missions"].cell(row=4, column=header.index("personnel_ceiling") + 1, value="lots")
    book.save(path)
    expected = library_problems(path)
    answer = error(upload(client, path, planner), 422, "scenario_invalid")
    assert answer["problems"] == expected
    assert {(p["row"], p["column"]) for p in answer["problems"]} == {
        (2, "budget_usd"), (4, "personnel_ceiling")}


@pytest.mark.parametrize("name", ["scenario.txt", "missions.csv", "scenario", "plan.xls"])
def test_unsupported_file_suffix_is_422(client: TestClient, planner: Headers,
                                        name: str) -> None:
    answer = client.post("/v1/scenarios", headers=planner, files={"file": (name, b"a,b\n1,2\n")})
    body = error(answer, 422, "scenario_invalid")
    [problem] = body["problems"]
    assert problem["table"] == "upload" and problem["source"] == name
    assert ".xlsx" in problem["message"] and ".zip" in problem["message"]
    assert stored(client) == 0


def test_a_corrupt_file_is_422_not_500(client: TestClient, planner: Headers,
                                       tmp_path: Path) -> None:
    for name in ("broken.xlsx", "broken.zip", "broken.json", "broken.yaml"):
        path = tmp_path / name
        path.write_bytes(b"\x00\x01 not a real file: [ {")
        expected = library_problems(path)
        body = error(upload(client, path, planner), 422, "scenario_invalid")
        assert body["problems"] == expected, name
    assert stored(client) == 0


def test_upload_without_the_file_field_is_422(client: TestClient, planner: Headers) -> None:
    answer = client.post("/v1/scenarios", headers=planner,
                         files={"scenario": ("s.json", b"{}")})
    [problem] = error(answer, 422, "scenario_invalid")["problems"]
    assert problem["table"] == "upload" and "'file'" in problem["message"]


@pytest.mark.parametrize(("content_type", "content", "files", "words"), [
    ("multipart/form-data", b"--x\r\n", None, "boundary"),
    ("multipart/form-data; boundary=abc", b"garbage", None, "Invalid multipart"),
    (None, None, [("file", ("a.json", b"{}")), ("file", ("b.json", b"{}"))], "Too many files"),
])
def test_a_malformed_upload_is_422_not_400(client: TestClient, planner: Headers,
                                           content_type: str | None, content: bytes | None,
                                           files: list | None, words: str) -> None:
    headers = planner if content_type is None else {**planner, "content-type": content_type}
    answer = client.post("/v1/scenarios", headers=headers, content=content, files=files)
    body = error(answer, 422, "upload_invalid")
    [problem] = body["problems"]
    assert problem["table"] == "upload" and words in problem["message"]
    assert problem["message"] == body["message"]
    assert stored(client) == 0


@pytest.mark.parametrize(("content", "words"), [
    (b"{not json", "not valid JSON"), (b"[1, 2]", "JSON object"), (b"\xff\xfe", "not valid")])
def test_a_json_body_that_is_not_a_document_is_422(client: TestClient, planner: Headers,
                                                   content: bytes, words: str) -> None:
    answer = client.post("/v1/scenarios", content=content,
                         headers={**planner, "content-type": "application/json"})
    [problem] = error(answer, 422, "scenario_invalid")["problems"]
    assert problem["table"] == "scenario" and problem["source"] == "request body"
    assert words in problem["message"]


@pytest.mark.parametrize("kind", ["text/plain", "application/xml",
                                  "application/x-www-form-urlencoded", None])
def test_other_content_types_are_415(client: TestClient, planner: Headers,
                                     small_document: dict, kind: str | None) -> None:
    headers = dict(planner) if kind is None else {**planner, "content-type": kind}
    answer = client.post("/v1/scenarios", content=json.dumps(small_document).encode(),
                         headers=headers)
    body = error(answer, 415, "unsupported_media_type")
    assert "application/json" in body["message"] and "multipart/form-data" in body["message"]
    assert stored(client) == 0


def test_content_type_parameters_and_case_are_accepted(client: TestClient, planner: Headers,
                                                       small_document: dict) -> None:
    answer = client.post("/v1/scenarios", content=json.dumps(small_document).encode(),
                         headers={**planner,
                                  "content-type": "Application/JSON; charset=utf-8"})
    assert answer.status_code == 201, answer.text


# ----- limits -------------------------------------------------------------------------------
def test_a_body_over_the_upload_limit_is_413(client: TestClient, planner: Headers,
                                             settings, small_document: dict) -> None:
    padded = dict(small_document, description="x" * settings.max_upload_bytes)
    answer = client.post("/v1/scenarios", json=padded, headers=planner)
    body = error(answer, 413, "upload_too_large")
    assert f"{settings.max_upload_bytes:,}" in body["message"]
    big_file = client.post("/v1/scenarios", headers=planner,
                           files={"file": ("big.json", json.dumps(padded).encode())})
    error(big_file, 413, "upload_too_large")
    assert stored(client) == 0


def test_a_chunked_body_over_the_upload_limit_is_413(client: TestClient, planner: Headers,
                                                     settings) -> None:
    chunk = b" " * 65536

    def body() -> Iterator[bytes]:
        for _ in range(4 * settings.max_upload_bytes // len(chunk)):
            yield chunk

    answer = client.post("/v1/scenarios", content=body(),
                         headers={**planner, "content-type": "application/json"})
    assert "content-length" not in answer.request.headers
    assert answer.request.headers["transfer-encoding"] == "chunked"
    error(answer, 413, "upload_too_large")
    assert stored(client) == 0


def test_a_chunked_body_is_refused_once_it_passes_the_limit(client: TestClient,
                                                            planner: Headers, settings) -> None:
    # The test client gathers a body before the app runs, so the app is called directly here
    # with a body that would never end, to show that it stops reading at the limit.
    chunk = b" " * 65536
    received = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal received
        received += 1
        assert received * len(chunk) <= 2 * settings.max_upload_bytes, "read past the limit"
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    headers = [(b"content-type", b"application/json"),
               (b"authorization", planner["Authorization"].encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/v1/scenarios", "raw_path": b"",
             "root_path": "", "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("testserver", 80), "state": {}}
    asyncio.run(client.app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"] == "upload_too_large"
    assert received == settings.max_upload_bytes // len(chunk) + 1


def test_a_chunked_body_under_the_limit_is_read(client: TestClient, planner: Headers,
                                                small_document: dict) -> None:
    data = json.dumps(small_document).encode()
    parts = (data[i:i + 4096] for i in range(0, len(data), 4096))
    answer = client.post("/v1/scenarios", content=parts,
                         headers={**planner, "content-type": "application/json"})
    assert answer.request.headers["transfer-encoding"] == "chunked"
    assert answer.status_code == 201, answer.text


@pytest.mark.settings(max_unzipped_bytes=256 * 1024)
def test_a_zip_that_unpacks_beyond_the_limit_is_413(client: TestClient, planner: Headers,
                                                    small: Scenario, tmp_path: Path) -> None:
    fine = written(small, tmp_path, ".zip")
    assert upload(client, fine, planner).status_code == 201  # under the limit unpacked
    bomb = tmp_path / "bomb.zip"
    shutil.copy(fine, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", b"\0" * (1024 * 1024))
    assert bomb.stat().st_size < 64 * 1024  # small on the wire, large unpacked
    body = error(upload(client, bomb, planner), 413, "upload_too_large")
    assert "bomb.zip" in body["message"] and "262,144" in body["message"]
    assert stored(client) == 1


@pytest.mark.settings(max_pledges=63)
def test_more_pledges_than_allowed_is_413(client: TestClient, planner: Headers,
                                          small: Scenario, small_document: dict,
                                          tmp_path: Path) -> None:
    pledges = (len(small.unit_pledges) + len(small.equipment_pledges)
               + len(small.funding_pledges))
    assert pledges == 64
    body = error(client.post("/v1/scenarios", json=small_document, headers=planner), 413,
                 "scenario_too_large")
    assert "64 pledges" in body["message"] and "63" in body["message"]
    error(upload(client, written(small, tmp_path, ".xlsx"), planner), 413,
          "scenario_too_large")
    assert stored(client) == 0


@pytest.mark.settings(max_pledges=64, max_requirements=18)
def test_a_scenario_at_the_limits_is_accepted(client: TestClient, planner: Headers,
                                              small_document: dict) -> None:
    answer = client.post("/v1/scenarios", json=small_document, headers=planner)
    assert answer.status_code == 201, answer.text


@pytest.mark.settings(max_requirements=17)
def test_more_requirements_than_allowed_is_413(client: TestClient, planner: Headers,
                                               small_document: dict) -> None:
    body = error(client.post("/v1/scenarios", json=small_document, headers=planner), 413,
                 "scenario_too_large")
    assert "18 requirement lines" in body["message"] and "17" in body["message"]
    assert stored(client) == 0


# ----- list, read, delete -------------------------------------------------------------------
def test_list_is_paginated_and_newest_first(client: TestClient, planner: Headers,
                                            outsider: Headers, small_document: dict) -> None:
    ids = []
    for n in range(3):
        answer = client.post("/v1/scenarios", json=dict(small_document, name=f"plan {n}"),
                             headers=planner)
        ids.append(answer.json()["id"])
    client.post("/v1/scenarios", json=small_document, headers=outsider)
    everything = client.get("/v1/scenarios", headers=planner).json()
    assert everything["count"] == 3
    assert [s["id"] for s in everything["data"]] == ids[::-1]
    assert [s["name"] for s in everything["data"]] == ["plan 2", "plan 1", "plan 0"]
    assert "scenario" not in everything["data"][0]  # the list is light; tables come by id
    page = client.get("/v1/scenarios?limit=2", headers=planner).json()
    assert page["count"] == 3 and [s["id"] for s in page["data"]] == ids[:0:-1]
    rest = client.get("/v1/scenarios?limit=2&offset=2", headers=planner).json()
    assert rest["count"] == 3 and [s["id"] for s in rest["data"]] == [ids[0]]
    beyond = client.get("/v1/scenarios?offset=10", headers=planner).json()
    assert beyond == {"data": [], "count": 3}
    furthest = client.get(f"/v1/scenarios?offset={2**31 - 1}", headers=planner).json()
    assert furthest == {"data": [], "count": 3}
    theirs = client.get("/v1/scenarios", headers=outsider).json()
    assert theirs["count"] == 1 and theirs["data"][0]["workspace"] == "w2"


@pytest.mark.parametrize(("query", "column"), [
    ("limit=0", "limit"), ("limit=1001", "limit"), ("offset=-1", "offset"),
    ("limit=ten", "limit"), (f"offset={2**63}", "offset")])
def test_list_rejects_bad_paging_located(client: TestClient, planner: Headers, query: str,
                                         column: str) -> None:
    body = error(client.get(f"/v1/scenarios?{query}", headers=planner), 422,
                 "request_invalid")
    assert [(p["table"], p["column"]) for p in body["problems"]] == [("query", column)]


def test_read_an_unknown_scenario_is_404(client: TestClient, planner: Headers) -> None:
    body = error(client.get("/v1/scenarios/nope", headers=planner), 404, "not_found")
    assert "nope" in body["message"]


def test_delete_removes_the_scenario_and_its_jobs(client: TestClient, planner: Headers,
                                                  scenario_id: str) -> None:
    pause_runner(client)
    job_id = start_job(client, scenario_id, planner)
    assert client.get(f"/v1/jobs/{job_id}", headers=planner).status_code == 200
    deleted = client.delete(f"/v1/scenarios/{scenario_id}", headers=planner)
    assert deleted.status_code == 204 and deleted.content == b""
    error(client.get(f"/v1/scenarios/{scenario_id}", headers=planner), 404, "not_found")
    error(client.get(f"/v1/jobs/{job_id}", headers=planner), 404, "not_found")
    error(client.get(f"/v1/jobs/{job_id}/result", headers=planner), 404, "not_found")
    assert client.get("/v1/jobs", headers=planner).json() == {"data": [], "count": 0}
    with client.app.state.db.session() as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(Job)) == 0
    error(client.delete(f"/v1/scenarios/{scenario_id}", headers=planner), 404, "not_found")


def test_delete_stops_the_scenarios_running_solve(client: TestClient, planner: Headers) -> None:
    un_2025 = read_scenario(DATASETS / "un_2025").to_document()
    scenario_id = client.post("/v1/scenarios", json=un_2025, headers=planner).json()["id"]
    job_id = start_job(client, scenario_id, planner, time_limit_s=120)
    runner = client.app.state.runner  # type: ignore[attr-defined]
    process = wait_for(lambda: solve_process(runner, job_id), 20, "the solve process")
    assert client.delete(f"/v1/scenarios/{scenario_id}", headers=planner).status_code == 204
    assert job_id not in runner.running and not process.is_alive()
    error(client.get(f"/v1/jobs/{job_id}", headers=planner), 404, "not_found")


# ----- access -------------------------------------------------------------------------------
SCENARIO_ROUTES = [("POST", "/v1/scenarios"), ("GET", "/v1/scenarios"),
                   ("GET", "/v1/scenarios/{id}"), ("DELETE", "/v1/scenarios/{id}")]


@pytest.mark.parametrize(("method", "path"), SCENARIO_ROUTES)
def test_scenario_routes_need_a_valid_token(client: TestClient, admin: Headers,
                                            scenario_id: str, small_document: dict,
                                            method: str, path: str) -> None:
    revoked = client.post("/v1/tokens", json={"name": "gone", "role": "planner",
                                              "workspace": "w1"}, headers=admin).json()
    client.delete(f"/v1/tokens/{revoked['id']}", headers=admin)
    for headers in ({}, {"Authorization": "Bearer pa_unknown"},
                    {"Authorization": f"Bearer {revoked['token']}"}):
        answer = client.request(method, path.format(id=scenario_id), headers=headers,
                                json=small_document)
        error(answer, 401, "unauthenticated")
        assert answer.headers["www-authenticate"] == "Bearer"
    assert stored(client) == 1  # nothing created or deleted


def test_an_analyst_reads_but_cannot_submit_or_delete(client: TestClient, analyst: Headers,
                                                      scenario_id: str, small: Scenario,
                                                      small_document: dict,
                                                      tmp_path: Path) -> None:
    assert client.get("/v1/scenarios", headers=analyst).json()["count"] == 1
    assert client.get(f"/v1/scenarios/{scenario_id}", headers=analyst).status_code == 200
    body = error(client.post("/v1/scenarios", json=small_document, headers=analyst), 403,
                 "forbidden")
    assert "planner" in body["message"]
    error(upload(client, written(small, tmp_path, ".xlsx"), analyst), 403, "forbidden")
    error(client.delete(f"/v1/scenarios/{scenario_id}", headers=analyst), 403, "forbidden")
    assert stored(client) == 1


def test_an_admin_may_do_what_a_planner_may(client: TestClient, admin: Headers,
                                            small_document: dict) -> None:
    created = client.post("/v1/scenarios", json=small_document, headers=admin)
    assert created.status_code == 201
    assert client.delete(f"/v1/scenarios/{created.json()['id']}",
                         headers=admin).status_code == 204


def test_another_workspace_gets_404_not_403(client: TestClient, planner: Headers,
                                            make_token: Callable[..., Headers],
                                            scenario_id: str) -> None:
    unknown = "0" * 32
    for role in ("planner", "analyst", "admin"):
        other = make_token(role, "w2")
        for method in ("GET", "DELETE"):
            if method == "DELETE" and role == "analyst":
                continue  # an analyst is refused deleting anything (403) before any lookup
            theirs = client.request(method, f"/v1/scenarios/{scenario_id}", headers=other)
            missing = client.request(method, f"/v1/scenarios/{unknown}", headers=other)
            body = error(theirs, 404, "not_found")
            # Indistinguishable from an id that does not exist.
            assert body == {**missing.json(),
                            "message": missing.json()["message"].replace(unknown, scenario_id)}
        assert client.get("/v1/scenarios", headers=other).json()["count"] == 0
    assert client.get(f"/v1/scenarios/{scenario_id}", headers=planner).status_code == 200
