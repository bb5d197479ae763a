"""The shortest planner's path through the service: submit, solve, poll, fetch."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from allocator import read_scenario, solve

from ..conftest import DATASETS


def test_submit_solve_poll_and_fetch_the_plan(client: TestClient, planner: dict,
                                              small_document: dict) -> None:
    created = client.post("/v1/scenarios", json=small_document, headers=planner)
    assert created.status_code == 201, created.text
    started = client.post(f"/v1/scenarios/{created.json()['id']}/solve",
                          json={"time_limit_s": 60}, headers=planner)
    assert started.status_code == 202
    job_url = started.headers["location"]
    deadline = time.monotonic() + 120
    while (job := client.get(job_url, headers=planner).json())["status"] in ("queued",
                                                                              "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["status"] == "done", job
    expected = solve(read_scenario(DATASETS / "families" / "small"), time_limit=60)
    assert job["result_status"] == "optimal"
    assert job["objective"] == expected.objective
    result = client.get(f"{job_url}/result", headers=planner).json()
    assert result["objective"] == expected.objective
    assert result["verified"] is True
