"""POST /v1/solve: a quick synchronous solve, JSON in and the library's result JSON out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from allocator import AllocationResult, ScenarioError, read_scenario, solve
from allocator.backends import DEFAULT_BACKEND

from ..conftest import DATASETS
from .conftest import Headers, error

SMALL = DATASETS / "families" / "small"


@pytest.fixture(scope="module")
def expected() -> AllocationResult:
    return solve(read_scenario(SMALL), time_limit=10)


def nothing_stored(client: TestClient, headers: Headers) -> None:
    assert client.get("/v1/scenarios", headers=headers).json()["count"] == 0
    assert client.get("/v1/jobs", headers=headers).json()["count"] == 0


def test_solve_returns_the_librarys_result(client: TestClient, planner: Headers,
                                           small_document: dict, settings,
                                           expected: AllocationResult) -> None:
    answer = client.post("/v1/solve", headers=planner, json={
        "scenario": small_document, "time_limit_s": settings.sync_time_limit_s})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    result = answer.json()
    mine = expected.to_dict(include_scenario=False)
    assert set(result) == set(mine)
    assert result["status"] == "optimal" and result["verified"] is True
    assert result["objective"] == expected.objective
    assert result["backend"] == DEFAULT_BACKEND and result["objective_mode"] == "lexicographic"
    assert [lv["level"] for lv in result["levels"]] == [lv["level"] for lv in mine["levels"]]
    # The library reads it back and verifies the plan again.
    again = AllocationResult.from_dict(result, read_scenario(SMALL))
    assert again.objective == expected.objective
    nothing_stored(client, planner)


def test_solve_with_options(client: TestClient, admin: Headers, small_document: dict) -> None:
    answer = client.post("/v1/solve", headers=admin, json={
        "scenario": small_document, "objective_mode": "weighted", "time_limit_s": 10})
    assert answer.status_code == 200, answer.text
    assert answer.json()["objective_mode"] == "weighted"
    assert answer.json()["verified"] is True


@pytest.mark.parametrize(("options", "column", "words"), [
    ({"time_limit_s": 10.5}, "time_limit_s", "above this service's limit of 10"),
    ({"time_limit_s": 120}, "time_limit_s", "above this service's limit of 10"),
    ({"backend": "gurobi"}, "backend", "'gurobi' is not available"),
    ({"time_limit_s": -1}, "time_limit_s", "greater than 0"),
    ({"objective_mode": "fastest"}, "objective_mode", "lexicographic"),
    ({"time_limit": 5}, "time_limit", "not permitted"),
])
def test_bad_options_are_422_located(client: TestClient, planner: Headers,
                                     small_document: dict, options: dict, column: str,
                                     words: str) -> None:
    answer = client.post("/v1/solve", headers=planner,
                         json={"scenario": small_document, **options})
    body = error(answer, 422, "request_invalid")
    [problem] = body["problems"]
    assert (problem["table"], problem["column"]) == ("body", column)
    assert words in problem["message"]


def test_without_a_scenario_is_422(client: TestClient, planner: Headers) -> None:
    for payload in ({"time_limit_s": 5}, {"scenario": [1, 2]}):
        body = error(client.post("/v1/solve", headers=planner, json=payload), 422,
                     "request_invalid")
        assert [(p["table"], p["column"]) for p in body["problems"]] == [("body", "scenario")]


def test_an_invalid_scenario_is_422_in_the_librarys_words(
        client: TestClient, planner: Headers, small_document: dict, tmp_path: Path) -> None:
    document = json.loads(json.dumps(small_document))
    document["requirements"][4]["priority"] = 9
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        read_scenario(path)
    [mine] = raised.value.problems
    answer = client.post("/v1/solve", headers=planner, json={"scenario": document})
    body = error(answer, 422, "scenario_invalid")
    [problem] = body["problems"]
    assert (problem["table"], problem["row"], problem["column"]) == (
        "requirements", 5, "priority")
    assert problem["message"] == mine.message
    assert problem["source"] == "request body"
    nothing_stored(client, planner)


@pytest.mark.settings(max_pledges=10)
def test_a_scenario_over_the_size_limits_is_413(client: TestClient, planner: Headers,
                                                small_document: dict) -> None:
    body = error(client.post("/v1/solve", headers=planner, json={"scenario": small_document}),
                 413, "scenario_too_large")
    assert "64 pledges" in body["message"]


def test_a_body_over_the_upload_limit_is_413(client: TestClient, planner: Headers,
                                             small_document: dict, settings) -> None:
    padded = dict(small_document, description="x" * settings.max_upload_bytes)
    error(client.post("/v1/solve", headers=planner, json={"scenario": padded}), 413,
          "upload_too_large")


def test_solve_needs_a_planner(client: TestClient, analyst: Headers, admin: Headers,
                               small_document: dict) -> None:
    payload = {"scenario": small_document, "time_limit_s": 5}
    body = error(client.post("/v1/solve", headers=analyst, json=payload), 403, "forbidden")
    assert "planner" in body["message"]
    revoked = client.post("/v1/tokens", json={"name": "gone", "role": "planner",
                                              "workspace": "w1"}, headers=admin).json()
    client.delete(f"/v1/tokens/{revoked['id']}", headers=admin)
    for headers in ({}, {"Authorization": "Bearer pa_unknown"},
                    {"Authorization": f"Bearer {revoked['token']}"}):
        answer = client.post("/v1/solve", headers=headers, json=payload)
        error(answer, 401, "unauthenticated")
        assert answer.headers["www-authenticate"] == "Bearer"


def test_the_token_is_checked_before_the_body(client: TestClient) -> None:
    error(client.post("/v1/solve", json={"backend": 7}), 401, "unauthenticated")


def test_a_solve_that_does_not_return_in_time_is_504(client: TestClient, planner: Headers,
                                                     small_document: dict,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []

    async def too_slow(document: dict, options: dict, timeout_s: float) -> dict:
        waited.append(timeout_s)
        assert options["time_limit"] == 4
        raise TimeoutError

    runner = client.app.state.runner  # type: ignore[attr-defined]
    monkeypatch.setattr(runner, "solve_now", too_slow)
    answer = client.post("/v1/solve", headers=planner,
                         json={"scenario": small_document, "time_limit_s": 4})
    body = error(answer, 504, "solve_timeout")
    assert "job" in body["message"]
    assert waited and waited[0] > 4  # the solver's limit plus time to build and verify


def test_a_body_that_is_not_text_is_422_located(client: TestClient, planner: Headers) -> None:
    answer = client.post("/v1/solve", content=b"\xff\xfe\x16",
                         headers={**planner, "content-type": "application/json"})
    body = error(answer, 422, "request_invalid")
    assert [(p["table"], p["column"]) for p in body["problems"]] == [("body", None)]
    assert "cannot read the request body" in body["message"]
