"""Shared pieces of the route tests: tokens of each role and workspace, a stored scenario,
per-test settings (``@pytest.mark.settings(max_pledges=10)``), job polling, a paused runner."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings

Headers = dict[str, str]
ENDED = ("done", "failed", "cancelled")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "settings(**values): override service settings")


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    marker = request.node.get_closest_marker("settings")
    if marker is None:
        return settings
    # Validated like the environment would be, so a test cannot use an impossible setting.
    return Settings(**{**settings.model_dump(), **marker.kwargs})


@pytest.fixture
def analyst(make_token: Callable[..., Headers]) -> Headers:
    return make_token("analyst", "w1", name="reader")


@pytest.fixture
def admin(make_token: Callable[..., Headers]) -> Headers:
    return make_token("admin", "w1", name="root")


@pytest.fixture
def outsider(make_token: Callable[..., Headers]) -> Headers:
    """A planner of another workspace."""
    return make_token("planner", "w2", name="outsider")


@pytest.fixture
def scenario_id(client: TestClient, planner: Headers, small_document: dict) -> str:
    """The small family, stored in workspace w1."""
    created = client.post("/v1/scenarios", json=small_document, headers=planner)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def start_job(client: TestClient, scenario_id: str, headers: Headers, **options: Any) -> str:
    started = client.post(f"/v1/scenarios/{scenario_id}/solve", json=options, headers=headers)
    assert started.status_code == 202, started.text
    return started.json()["id"]


def wait_for(predicate: Callable[[], Any], timeout_s: float = 60, what: str = "") -> Any:
    """Poll until ``predicate()`` is truthy and return it; fail after the deadline."""
    deadline = time.monotonic() + timeout_s
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what or predicate}"
        time.sleep(0.05)
    return value


def wait_for_job(client: TestClient, job_id: str, headers: Headers,
                 statuses: tuple[str, ...] = ENDED, timeout_s: float = 60) -> dict:
    def status() -> dict | None:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers)
        assert job.status_code == 200, job.text
        return job.json() if job.json()["status"] in statuses else None

    return wait_for(status, timeout_s, f"job {job_id} to be {'/'.join(statuses)}")


def solve_process(runner: Any, job_id: str) -> Any:
    """The job's worker process once it has started, else None. (The runner lists a job just
    before its process starts; the first start of a service also boots the fork server.)"""
    entry = runner.running.get(job_id)
    return entry.process if entry is not None and entry.process.is_alive() else None


def pause_runner(client: TestClient) -> None:
    """Stop the job runner's thread, so submitted jobs stay queued (the app's shutdown still
    calls ``runner.stop()``, which copes with a thread that has already ended)."""
    runner = client.app.state.runner  # type: ignore[attr-defined]
    runner.stopping.set()
    runner.wake.set()
    assert runner.thread is not None
    runner.thread.join(timeout=5)
    assert not runner.thread.is_alive()


def error(response: Any, status: int, code: str) -> dict:
    """Assert the service's one error form and return its body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["problems"], list)
    return body
