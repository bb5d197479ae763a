"""The service on PostgreSQL (DATABASE_URL=postgresql+psycopg://...), as production runs it.

The server comes from the ``pgserver`` wheel (PostgreSQL binaries in a pip package, a test
extra), in a temporary folder; the whole planner's path runs against it, worker processes
included.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.auth import Role, create_token
from api.main import create_app
from api.settings import Settings

pgserver = pytest.importorskip("pgserver", reason="the test extra installs pgserver")


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("postgres")
    server = pgserver.get_server(str(folder), cleanup_mode="stop")
    # pgserver gives a socket URI (postgresql://postgres:@/postgres?host=/socket/dir).
    yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    server.cleanup()


def test_the_planners_path_works_on_postgresql(postgres_url: str, small_document: dict
                                               ) -> None:
    settings = Settings(database_url=postgres_url, workers=1)
    with TestClient(create_app(settings)) as client:
        with client.app.state.db.session() as session:  # type: ignore[attr-defined]
            _, secret = create_token(session, name="pg", role=Role.planner, workspace="w1")
        headers = {"Authorization": f"Bearer {secret}"}
        created = client.post("/v1/scenarios", json=small_document, headers=headers)
        assert created.status_code == 201, created.text
        job = client.post(f"/v1/scenarios/{created.json()['id']}/solve",
                          json={"time_limit_s": 60}, headers=headers).json()
        deadline = time.monotonic() + 120
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
            job = client.get(f"/v1/jobs/{job['id']}", headers=headers).json()
        assert job["status"] == "done", job
        assert job["result_status"] == "optimal"
        result = client.get(f"/v1/jobs/{job['id']}/result", headers=headers).json()
        assert result["verified"] is True
        assert client.get(f"/v1/scenarios/{created.json()['id']}",
                          headers=headers).json()["scenario"] == small_document
    # The rows are in PostgreSQL itself, not in some fallback file.
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM jobs")).scalars().all() == ["done"]
        assert connection.execute(text("SELECT count(*) FROM job_results")).scalar() == 1
    engine.dispose()
