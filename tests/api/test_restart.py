"""A crash mid-solve: the server is SIGKILLed while a job runs, its solve process goes with it,
and the restarted service re-runs the job (or fails it with a reason once its attempts are
spent), with the scenario intact."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import allocator

from ..conftest import DATASETS
from .live import LiveService, alive, group, wait_for, wait_for_job

UN_2025 = DATASETS / "un_2025"
TIME_LIMIT_S = 60  # un_2025 takes about 11 s: the kill always lands mid-solve
GONE_WITHIN_S = 5  # the solve process reads EOF on its pipe to the service at once


@pytest.fixture
def document() -> dict[str, Any]:
    return allocator.read_scenario(UN_2025).to_document()


def services(tmp_path: Path, **env: str) -> Iterator[LiveService]:
    live = LiveService(tmp_path, **env)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[LiveService]:
    yield from services(tmp_path)


@pytest.fixture
def one_attempt(tmp_path: Path) -> Iterator[LiveService]:
    yield from services(tmp_path, ALLOCATOR_MAX_JOB_ATTEMPTS="1")


def job_status_in_database(service: LiveService, job_id: str) -> str:
    with sqlite3.connect(service.folder / "service.db", timeout=10) as connection:
        return connection.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]


def crash_mid_solve(service: LiveService, client: httpx.Client, scenario_id: str) -> str:
    """Start a solve, SIGKILL the server while it runs, and check nothing of it is left."""
    started = client.post(f"/v1/scenarios/{scenario_id}/solve",
                          json={"time_limit_s": TIME_LIMIT_S})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    running = wait_for_job(client, job_id, 30, until=("running",))
    assert running["attempts"] == 1
    solvers = wait_for(service.solve_processes, 30, "the job's solve process")
    assert len(solvers) == 1, solvers
    # Past model building, inside the solver: the job reports its first level.
    wait_for_job(client, job_id, 30, until=("running",))
    wait_for(lambda: client.get(f"/v1/jobs/{job_id}").json()["progress"], 30,
             "the job's first progress report")
    fork_server = service.fork_server()
    assert fork_server is not None
    pgid = service.groups[-1]

    service.kill()
    wait_for(lambda: not any(alive(pid) for pid in [*solvers, fork_server]), GONE_WITHIN_S,
             f"the solve process {solvers} and fork server {fork_server} to exit", every_s=0.1)
    wait_for(lambda: not group(pgid), GONE_WITHIN_S, "every process of the killed service")
    # The kill did cut the solve short: nothing finished the job behind the service's back.
    assert job_status_in_database(service, job_id) == "running"
    return job_id


def submit(client: httpx.Client, document: dict[str, Any]) -> str:
    created = client.post("/v1/scenarios", json=document)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def assert_scenario_intact(client: httpx.Client, scenario_id: str,
                           document: dict[str, Any]) -> None:
    stored = client.get(f"/v1/scenarios/{scenario_id}")
    assert stored.status_code == 200, stored.text
    assert stored.json()["scenario"] == document
    listed = client.get("/v1/scenarios").json()
    assert [s["id"] for s in listed["data"]] == [scenario_id]


def test_a_job_cut_short_by_a_crash_is_run_again_after_restart(
        service: LiveService, document: dict[str, Any]) -> None:
    service.start()
    token = service.planner_token()
    with service.client(token) as client:
        scenario_id = submit(client, document)
        job_id = crash_mid_solve(service, client, scenario_id)

    service.start()  # the same database, a new port
    with service.client(token) as client:
        job = wait_for_job(client, job_id, TIME_LIMIT_S + 60)
        assert job["status"] == "done", f"{job}\n{service.log()}"
        assert job["attempts"] == 2
        assert job["error"] is None  # the restart note is cleared once the re-run succeeds
        expected = json.loads((UN_2025 / "expected.json").read_text())
        assert job["result_status"] == expected["status"] == "optimal"
        assert job["objective"] == expected["objective"]
        result = client.get(f"/v1/jobs/{job_id}/result")
        assert result.status_code == 200, result.text
        assert_scenario_intact(client, scenario_id, document)
        jobs = client.get("/v1/jobs").json()
        assert [j["id"] for j in jobs["data"]] == [job_id]  # re-run, never duplicated

    assert result.json()["verified"] is True
    rebuilt = allocator.AllocationResult.from_dict(result.json(),
                                                    allocator.Scenario.model_validate(document))
    assert rebuilt.is_feasible(), rebuilt.verification
    assert rebuilt.objective == expected["objective"]


def test_a_job_out_of_attempts_fails_with_a_reason_after_restart(
        one_attempt: LiveService, document: dict[str, Any]) -> None:
    service = one_attempt
    service.start()
    token = service.planner_token()
    with service.client(token) as client:
        scenario_id = submit(client, document)
        job_id = crash_mid_solve(service, client, scenario_id)

    service.start()
    with service.client(token) as client:
        job = client.get(f"/v1/jobs/{job_id}").json()  # recovered before the first request
        assert job["status"] == "failed", job
        assert job["attempts"] == 1
        assert "interrupted by a restart of the service (run 1 of at most 1)" in job["error"]
        assert job["finished_at"] is not None and job["result_status"] is None
        no_result = client.get(f"/v1/jobs/{job_id}/result")
        assert no_result.status_code == 409, no_result.text
        assert_scenario_intact(client, scenario_id, document)
        # The service works on: the scenario can be solved again (and that job cancelled).
        again = client.post(f"/v1/scenarios/{scenario_id}/solve", json={"time_limit_s": 30})
        assert again.status_code == 202, again.text
        cancelled = client.delete(f"/v1/jobs/{again.json()['id']}")
        assert cancelled.status_code == 200, cancelled.text
        assert client.get(f"/v1/jobs/{job_id}").json()["status"] == "failed"
