"""An unexpected error anywhere in a request is a JSON 500 naming the request id, logged with
that id and its traceback, and the service goes on answering; pathological uploads are refused
in the error form and never take the service down."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient

import api.uploads
from api.logs import JsonFormatter
from api.main import create_app
from api.settings import Settings

Headers = dict[str, str]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def entries(self, logger: str) -> list[dict[str, Any]]:
        """The records of ``logger`` as the service writes them (one JSON object each)."""
        return [json.loads(JsonFormatter().format(r)) for r in self.records if r.name == logger]


@pytest.fixture
def records() -> Iterator[_Records]:
    # The service's loggers do not propagate to the root (they write JSON lines of their
    # own), so the test listens on them directly.
    handler = _Records()
    logger = logging.getLogger("allocator.api")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def internal_error(answer: Any, records: _Records) -> str:
    """Assert ``answer`` is the JSON 500 and both log lines name its request id; return it."""
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/json"
    request_id = answer.headers["x-request-id"]
    assert answer.json() == {
        "error": "internal_error", "problems": [],
        "message": f"the service failed on an unexpected error; quote request id {request_id} "
                   "when reporting this"}
    [failure] = [e for e in records.entries("allocator.api.errors")
                 if e["request_id"] == request_id]
    assert failure["level"] == "error" and failure["message"] == "unexpected error"
    assert "Traceback" in failure["exception"]
    [line] = [e for e in records.entries("allocator.api.requests")
              if e["request_id"] == request_id]
    assert line["status"] == 500
    return request_id


def _raise(error: BaseException) -> Callable[..., Any]:
    def fail(*_: Any, **__: Any) -> Any:
        raise error

    return fail


def _failing_dependency() -> None:
    raise LookupError("a dependency failed")


@pytest.fixture
def broken_app(settings: Settings) -> Iterator[TestClient]:
    """The service with test-only routes that fail in a route, an async route and a
    dependency."""
    app = create_app(settings)
    router = APIRouter()

    @router.get("/test/sync")
    def sync_route() -> None:
        raise RuntimeError("a route failed")

    @router.get("/test/async")
    async def async_route() -> None:
        raise ZeroDivisionError("an async route failed")

    @router.get("/test/dependency", dependencies=[Depends(_failing_dependency)])
    def dependency_route() -> None:
        return None

    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/test/sync", "/test/async", "/test/dependency"])
def test_an_unexpected_error_is_a_json_500_with_the_request_id(
        broken_app: TestClient, records: _Records, path: str) -> None:
    request_id = internal_error(broken_app.get(path), records)
    [failure] = records.entries("allocator.api.errors")
    assert failure["path"] == path and failure["method"] == "GET"
    assert failure["request_id"] == request_id and "failed" in failure["exception"]
    # The service goes on answering.
    assert broken_app.get("/healthz").status_code == 200


@pytest.mark.parametrize("error", [RuntimeError("the library failed"),
                                   TypeError("'int' object is not iterable"),
                                   KeyError("missions")])
def test_a_library_crash_while_reading_an_upload_is_a_json_500(
        client: TestClient, planner: Headers, records: _Records,
        monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    monkeypatch.setattr(api.uploads, "read_scenario", _raise(error))
    answer = client.post("/v1/scenarios", headers=planner,
                         files={"file": ("scenario.json", b"{}", "application/json")})
    internal_error(answer, records)
    [failure] = records.entries("allocator.api.errors")
    assert type(error).__name__ in failure["exception"]
    assert client.get("/v1/scenarios", headers=planner).json()["count"] == 0
    assert client.get("/healthz").status_code == 200


def test_a_library_crash_in_a_json_body_and_a_sync_solve_is_a_json_500(
        client: TestClient, planner: Headers, records: _Records,
        monkeypatch: pytest.MonkeyPatch, small_document: dict) -> None:
    monkeypatch.setattr(api.uploads, "read_scenario", _raise(RuntimeError("boom")))
    internal_error(client.post("/v1/scenarios", headers=planner, json=small_document),
                   records)
    internal_error(client.post("/v1/solve", headers=planner,
                               json={"scenario": small_document}), records)
    assert client.get("/healthz").status_code == 200


def test_a_recursion_error_while_reading_is_a_located_422(
        client: TestClient, planner: Headers, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever nesting the library's own depth limit misses, Python's recursion limit is
    # the planner's file at fault, not the service.
    monkeypatch.setattr(api.uploads, "read_scenario",
                        _raise(RecursionError("maximum recursion depth exceeded")))
    answer = client.post("/v1/scenarios", headers=planner,
                         files={"file": ("deep.yaml", b"a: 1", "application/yaml")})
    assert answer.status_code == 422
    [problem] = answer.json()["problems"]
    assert answer.json()["error"] == "scenario_invalid"
    assert problem["source"] == "deep.yaml" and "nested too deeply" in problem["message"]


def test_running_out_of_memory_while_reading_is_a_413(
        client: TestClient, planner: Headers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.uploads, "read_scenario", _raise(MemoryError()))
    answer = client.post("/v1/scenarios", headers=planner,
                         files={"file": ("big.xlsx", b"PK", "application/octet-stream")})
    assert answer.status_code == 413
    assert answer.json()["error"] == "upload_too_large"
    assert "big.xlsx" in answer.json()["message"]
    assert client.get("/healthz").status_code == 200


def test_an_error_in_the_answer_itself_is_a_json_500(
        client: TestClient, planner: Headers, records: _Records,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Past the route: building the response (here, the listing's model) fails.
    import api.routes.scenarios

    monkeypatch.setattr(api.routes.scenarios, "ScenariosPublic", _raise(ValueError("bad")))
    internal_error(client.get("/v1/scenarios", headers=planner), records)


# Pathological uploads, read for real by the library: each is a 4xx in the error form.
def _deep_json(levels: int) -> bytes:
    return b'{"missions": ' + b"[" * levels + b"]" * levels + b"}"


def _deep_yaml(levels: int) -> bytes:
    return b"missions: " + b"[" * levels + b"]" * levels + b"\n"


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("missions.csv", b"mission_id,budget_usd\n" + b"0" * (8 * 1024 * 1024))
    return buffer.getvalue()


def _xlsx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (8 * 1024 * 1024))
    return buffer.getvalue()


PATHOLOGICAL = {
    "deep.json": (_deep_json(100_000), 422),
    "deep.yaml": (_deep_yaml(5_000), 422),
    "digits.json": (b'{"missions": [{"mission_id": "M", "budget_usd": ' + b"9" * 100_000
                    + b"}]}", 422),
    "bomb.zip": (_zip_bomb(), 413),
    "bomb.xlsx": (_xlsx_bomb(), 413),
    "garbage.xlsx": (b"PK\x03\x04" + b"\x00" * 200, 422),
}


@pytest.fixture
def small_unzip_limit(tmp_path: Any) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}", workers=1,
                        max_upload_bytes=2 * 1024 * 1024, max_unzipped_bytes=1024 * 1024)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_a_pathological_upload_is_refused_in_the_error_form(
        small_unzip_limit: TestClient, make_token: Callable[..., Headers],
        name: str) -> None:
    client = small_unzip_limit
    data, status = PATHOLOGICAL[name]
    from api.auth import Role, create_token

    with client.app.state.db.session() as session:  # type: ignore[attr-defined]
        _, secret = create_token(session, name="t", role=Role.planner, workspace="w1")
    planner = {"Authorization": f"Bearer {secret}"}
    answer = client.post("/v1/scenarios", headers=planner,
                         files={"file": (name, data, "application/octet-stream")})
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"] == "application/json"
    assert set(answer.json()) == {"error", "message", "problems"}
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("content", [b"[" * 100_000 + b"]" * 100_000,
                                     b'{"missions": ' + b"[" * 900 + b"]" * 900 + b"}",
                                     b'{"missions": [{"budget_usd": ' + b"9" * 100_000
                                     + b"}]}"])
def test_a_pathological_json_body_is_a_located_422(client: TestClient, planner: Headers,
                                                   content: bytes) -> None:
    for path, body in (("/v1/scenarios", content),
                       ("/v1/solve", b'{"scenario": ' + content + b"}")):
        answer = client.post(path, content=body,
                             headers={**planner, "content-type": "application/json"})
        assert answer.status_code == 422, (path, answer.text[:500])
        assert set(answer.json()) == {"error", "message", "problems"}
    assert client.get("/healthz").status_code == 200


def test_after_a_500_a_real_server_answers_on_the_same_connection(settings: Settings) -> None:
    """Under uvicorn, a request whose route raised is a JSON 500, and the kept-alive
    connection carries the next request (an app that re-raised had uvicorn reset it)."""
    import http.client
    import threading
    import time

    import uvicorn

    app = create_app(settings)
    router = APIRouter()

    @router.get("/test/sync")
    def sync_route() -> None:
        raise RuntimeError("a route failed")

    app.include_router(router)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(600):  # until it listens; the thread fails the test if it cannot
            if server.started or not thread.is_alive():
                break
            time.sleep(0.05)
        assert server.started
        port = server.servers[0].sockets[0].getsockname()[1]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        answers, sockets = [], set()
        for path in ["/test/sync", "/healthz", "/test/sync", "/healthz"]:
            connection.request("GET", path)
            answer = connection.getresponse()
            answers.append((answer.status, answer.getheader("content-type"),
                            json.loads(answer.read()).get("error")))
            assert answer.getheader("x-request-id") and answer.getheader("connection") is None
            assert connection.sock is not None
            sockets.add(connection.sock.getsockname())
        # One client socket carried all four: http.client reconnects silently otherwise.
        assert len(sockets) == 1
        assert answers == [(500, "application/json", "internal_error"),
                           (200, "application/json", None)] * 2
        connection.close()
    finally:
        server.should_exit = True
        thread.join(30)
