"""Schemathesis against the service's own OpenAPI schema: generated requests, valid and not,
to every operation, with and without a token. None may get a 5xx, and every answer must
match the status codes, media types and bodies the schema declares.

Bounded: at most ``MAX_EXAMPLES`` generated cases per operation and phase, no deadline, and a
derandomised run, so a failure repeats."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python.asgi import shutdown_lifespans

from api.auth import Role, create_token
from api.main import create_app
from api.settings import Settings

MAX_EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
SENT: list[tuple[str, str, int]] = []  # (operation, caller, status) of every request


FOLDER = Path(tempfile.mkdtemp(prefix="allocator-schemathesis-"))
APP = create_app(Settings(database_url=f"sqlite:///{FOLDER / 'service.db'}", workers=1,
                          max_upload_bytes=256 * 1024, max_time_limit_s=5,
                          default_time_limit_s=2, sync_time_limit_s=2,
                          max_queued_jobs_per_token=3, log_level="WARNING"))
# The schema the service serves, read without starting it: its lifespan (job runner and
# solve processes) starts with the first request and ends in the fixture below.
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app, schema.location = APP, "/openapi.json"
BOUNDED = hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                              suppress_health_check=list(hypothesis.HealthCheck))


@pytest.fixture(scope="module")
def headers() -> Iterator[dict[str, dict[str, str]]]:
    """Authorization headers of one token per role, and none for ``anonymous``."""
    APP.state.db.create_all()
    made: dict[str, dict[str, str]] = {"anonymous": {}}
    with APP.state.db.session() as session:
        for role in Role:
            _, secret = create_token(session, name=role.value, role=role, workspace="w1")
            made[role.value] = {"Authorization": f"Bearer {secret}"}
    started = time.monotonic()
    try:
        yield made
    finally:
        shutdown_lifespans()  # stops the job runner and any solve process
        APP.state.db.dispose()
        shutil.rmtree(FOLDER, ignore_errors=True)
        statuses: dict[int, int] = {}
        for _, _, status in SENT:
            statuses[status] = statuses.get(status, 0) + 1
        print(f"\nschemathesis: {len(SENT)} requests in {time.monotonic() - started:.1f} s, "
              f"statuses {dict(sorted(statuses.items()))}")


def call_and_check(case: schemathesis.Case, headers: dict[str, str], caller: str) -> None:
    response = case.call(headers=headers, timeout=30)
    SENT.append((case.operation.label, caller, response.status_code))
    case.validate_response(response, checks=CHECKS, headers=headers)


@schema.parametrize()
@BOUNDED
def test_as_admin(case: schemathesis.Case, headers: dict[str, dict[str, str]]) -> None:
    """An admin may call every operation, so requests reach the routes' own checks."""
    call_and_check(case, headers["admin"], "admin")


@schema.parametrize()
@BOUNDED
def test_without_a_token(case: schemathesis.Case, headers: dict[str, dict[str, str]]) -> None:
    call_and_check(case, headers["anonymous"], "anonymous")
