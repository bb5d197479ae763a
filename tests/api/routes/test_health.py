"""Open endpoints (liveness, metrics, OpenAPI docs), the request id header, request logs."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from allocator.backends import DEFAULT_BACKEND
from api.logs import JsonFormatter

from .conftest import Headers, error, pause_runner, start_job, wait_for, wait_for_job

REQUEST_ID = re.compile(r"^[0-9a-f]{16}$")


def sample(text: str, name: str, **labels: str) -> float | None:
    """One sample's value from Prometheus text, or None when it is absent."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line[len(name):line.rindex("}") + 1]))
        if found == labels:
            return float(line.rsplit(" ", 1)[1])
    return None


def test_healthz_is_open_and_checks_the_database(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/openapi.json", "/docs",
                                  "/v1/scenarios", "/no/such/path"])
def test_every_response_has_its_own_request_id(client: TestClient, path: str) -> None:
    first, second = client.get(path), client.get(path)
    assert REQUEST_ID.match(first.headers["x-request-id"])
    assert REQUEST_ID.match(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_openapi_and_docs_are_open(client: TestClient) -> None:
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for path in ("/v1/scenarios", "/v1/scenarios/{scenario_id}",
                 "/v1/scenarios/{scenario_id}/solve", "/v1/jobs", "/v1/jobs/{job_id}",
                 "/v1/jobs/{job_id}/result", "/v1/solve", "/v1/tokens",
                 "/v1/tokens/{token_id}", "/healthz", "/metrics"):
        assert path in paths, path
    schemes = spec.json()["components"]["securitySchemes"]
    assert any(s.get("scheme", "").lower() == "bearer" for s in schemes.values())
    upload = paths["/v1/scenarios"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(upload)
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    assert "swagger" in docs.text.lower()


def test_unknown_paths_and_methods_answer_in_the_error_form(client: TestClient,
                                                            planner: Headers) -> None:
    error(client.get("/v1/nothing", headers=planner), 404, "not_found")
    error(client.put("/v1/scenarios", headers=planner), 405, "method_not_allowed")


def test_metrics_count_requests_by_route_template(client: TestClient, planner: Headers) -> None:
    for _ in range(3):
        client.get("/healthz")
    client.get("/v1/scenarios/0123456789abcdef", headers=planner)
    client.get("/v1/scenarios")  # 401
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert sample(text, "allocator_http_requests_total",
                  method="GET", route="/healthz", status="200") == 3
    # Ids never become labels: the route's template does.
    assert sample(text, "allocator_http_requests_total", method="GET",
                  route="/v1/scenarios/{scenario_id}", status="404") == 1
    assert sample(text, "allocator_http_requests_total",
                  method="GET", route="/v1/scenarios", status="401") == 1
    assert "0123456789abcdef" not in text
    assert sample(text, "allocator_http_request_duration_seconds_count",
                  method="GET", route="/healthz") == 3


def test_metrics_count_a_refused_body(client: TestClient, planner: Headers,
                                      settings) -> None:
    too_big = b"x" * (settings.max_upload_bytes + 1)
    refused = client.post("/v1/scenarios", content=too_big,
                          headers={**planner, "content-type": "application/json"})
    assert refused.status_code == 413
    assert REQUEST_ID.match(refused.headers["x-request-id"])
    text = client.get("/metrics").text
    counted = [line for line in text.splitlines()
               if line.startswith("allocator_http_requests_total{")
               and 'method="POST"' in line and 'status="413"' in line]
    assert len(counted) == 1 and counted[0].endswith(" 1.0"), counted


def test_metrics_show_queue_depth(client: TestClient, planner: Headers,
                                  scenario_id: str) -> None:
    pause_runner(client)
    first = start_job(client, scenario_id, planner)
    start_job(client, scenario_id, planner)
    assert client.delete(f"/v1/jobs/{first}", headers=planner).status_code == 200
    text = client.get("/metrics").text
    assert sample(text, "allocator_jobs", status="queued") == 1
    assert sample(text, "allocator_jobs", status="cancelled") == 1
    assert sample(text, "allocator_jobs", status="running") == 0
    assert sample(text, "allocator_jobs", status="done") == 0


def test_metrics_record_job_durations(client: TestClient, planner: Headers,
                                      scenario_id: str) -> None:
    job_id = start_job(client, scenario_id, planner, time_limit_s=60)
    job = wait_for_job(client, job_id, planner)
    assert job["status"] == "done", job

    def observed() -> str | None:
        text = client.get("/metrics").text
        count = sample(text, "allocator_job_duration_seconds_count",
                       backend=DEFAULT_BACKEND, status="done")
        return text if count == 1 else None

    text = wait_for(observed, 10, "the job's duration in /metrics")
    assert sample(text, "allocator_job_duration_seconds_sum", backend=DEFAULT_BACKEND,
                  status="done") > 0
    assert sample(text, "allocator_jobs", status="done") == 1


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def request_records(client: TestClient) -> Iterator[_Records]:
    handler = _Records()
    logger = logging.getLogger("allocator.api.requests")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_each_request_writes_one_structured_log_line(client: TestClient, planner: Headers,
                                                     request_records: _Records) -> None:
    answer = client.get("/v1/scenarios?limit=5", headers=planner)
    assert answer.status_code == 200
    assert len(request_records.records) == 1
    entry = json.loads(JsonFormatter().format(request_records.records[0]))
    assert entry["message"] == "request"
    assert entry["logger"] == "allocator.api.requests"
    assert entry["request_id"] == answer.headers["x-request-id"]
    assert entry["method"] == "GET"
    assert entry["path"] == "/v1/scenarios"
    assert entry["route"] == "/v1/scenarios"
    assert entry["status"] == 200
    assert entry["workspace"] == "w1"
    assert isinstance(entry["token_id"], str) and len(entry["token_id"]) == 32
    assert entry["duration_ms"] >= 0
    # The secret never reaches the log.
    assert planner["Authorization"].split()[1] not in json.dumps(entry)


def test_an_unauthenticated_request_is_logged_without_a_token(
        client: TestClient, request_records: _Records) -> None:
    answer = client.get("/v1/jobs")
    assert answer.status_code == 401
    entry = json.loads(JsonFormatter().format(request_records.records[-1]))
    assert entry["status"] == 401
    assert entry["route"] == "/v1/jobs"
    assert entry["token_id"] is None and entry["workspace"] is None
