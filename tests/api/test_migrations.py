"""Schema migrations (Alembic): an empty database gets the models' schema exactly, on SQLite and
on PostgreSQL, and a database of the first release (``create_all``, no ``alembic_version``) is
stamped and upgraded by ``allocator db upgrade`` or by the service's start, its rows kept."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from api import migrate
from api.auth import Role, create_token
from api.db import Base, Database
from api.main import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HEAD = "0002"
FIRST_RELEASE_TABLES = {"tokens", "scenarios", "jobs", "job_requests", "job_results"}


@pytest.fixture(scope="module")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pgserver = pytest.importorskip("pgserver", reason="the test extra installs pgserver")
    server = pgserver.get_server(str(tmp_path_factory.mktemp("postgres")), cleanup_mode="stop")
    yield server
    server.cleanup()


def fresh_postgres(server: Any, name: str) -> str:
    """A new, empty database on the test server; its SQLAlchemy URL."""
    server.psql(f"CREATE DATABASE {name};")
    # pgserver gives a socket URI (postgresql://postgres:@/postgres?host=/socket/dir).
    uri = server.get_uri(name)
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)


def differences(url: str) -> list[Any]:
    """What autogenerate would change to make the database match the models (nothing, we
    hope)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_an_empty_sqlite_database_upgrades_to_the_models_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    outcome = migrate.upgrade(url)
    assert (outcome.before, outcome.after, outcome.stamped) == (None, HEAD, False)
    assert migrate.current(url) == migrate.head() == HEAD
    assert tables(url) == FIRST_RELEASE_TABLES | {"workers", "alembic_version"}
    assert differences(url) == []
    again = migrate.upgrade(url)
    assert (again.before, again.after) == (HEAD, HEAD)
    assert again.describe(url) == f"{url}: already at the latest revision {HEAD}"


def test_an_empty_postgresql_database_upgrades_to_the_models_schema(postgres_server: Any
                                                                    ) -> None:
    url = fresh_postgres(postgres_server, "fresh")
    outcome = migrate.upgrade(url)
    assert (outcome.before, outcome.after, outcome.stamped) == (None, HEAD, False)
    assert tables(url) == FIRST_RELEASE_TABLES | {"workers", "alembic_version"}
    assert differences(url) == []


def test_the_migrations_go_down_and_up_again(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'updown.db'}"
    migrate.upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        command.downgrade(migrate.config(connection), "0001")
    assert tables(url) == FIRST_RELEASE_TABLES | {"alembic_version"}
    assert migrate.current(url) == "0001"
    with engine.begin() as connection:
        command.downgrade(migrate.config(connection), "base")
    engine.dispose()
    assert tables(url) == {"alembic_version"}
    assert migrate.upgrade(url).after == HEAD
    assert differences(url) == []


# ----- a database of the first release -----------------------------------------------------
def first_release_database(url: str) -> dict[str, Any]:
    """Tables as the first release made them (its ``Base.metadata.create_all``, frozen in
    revision 0001), with one row in each; returns the ids."""
    first = migrate._first_release_metadata()
    engine = create_engine(url, poolclass=NullPool)
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    ids = {"token": "t" * 32, "scenario": "s" * 32, "done": "d" * 32, "running": "r" * 32}
    job = {"workspace": "w1", "scenario_id": ids["scenario"], "token_id": ids["token"],
           "backend": "cpsat", "time_limit_s": 60.0, "created_at": now}
    with engine.begin() as connection:
        first.create_all(connection)
        t = first.tables
        connection.execute(t["tokens"].insert().values(
            id=ids["token"], name="old", workspace="w1", role="planner", token_hash="h" * 64,
            created_at=now))
        connection.execute(t["scenarios"].insert().values(
            id=ids["scenario"], workspace="w1", name="old scenario", source="old.json",
            document={"name": "old scenario"}, counts={"missions": 0}, created_by=ids["token"],
            created_at=now))
        connection.execute(t["jobs"].insert().values(
            id=ids["done"], status="done", attempts=1, result_status="optimal",
            objective={"weighted_shortfall": 0.0}, finished_at=now, **job))
        connection.execute(t["job_results"].insert().values(
            job_id=ids["done"], document={"status": "optimal", "verified": True}))
        connection.execute(t["job_requests"].insert().values(
            job_id=ids["done"], kind="n-1", parameters={"by": "pledge"}))
        connection.execute(t["jobs"].insert().values(
            id=ids["running"], status="running", attempts=1, **job))
    engine.dispose()
    return ids


def allocator_db(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "allocator.cli", "db", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return {name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                    for name in sorted(FIRST_RELEASE_TABLES)}
    finally:
        engine.dispose()


def test_allocator_db_upgrade_stamps_a_first_release_database_and_keeps_its_rows(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    ids = first_release_database(url)
    before = counts(url)
    assert before == {"job_requests": 1, "job_results": 1, "jobs": 2, "scenarios": 1,
                      "tokens": 1}

    behind = allocator_db(url, "current")
    assert behind.returncode == 1, behind
    assert behind.stdout == (f"{url}: at no revision (empty, or of the first release); "
                             f"latest {HEAD}\n")

    done = allocator_db(url, "upgrade")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (f"{url}: a database of the first release (no alembic_version) was "
                           f"stamped at 0001; now at the latest revision {HEAD}\n")
    assert counts(url) == before
    assert differences(url) == []
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, status, attempts, claimed_by FROM jobs ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [(ids["done"], "done", 1, None),
                                            (ids["running"], "running", 1, None)]

    again = allocator_db(url, "upgrade")
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{url}: already at the latest revision {HEAD}\n"
    current = allocator_db(url, "current")
    assert current.returncode == 0, current
    assert current.stdout == f"{url}: at {HEAD}; latest {HEAD}\n"


def test_a_first_release_database_lacking_a_later_table_gets_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'older.db'}"
    first_release_database(url)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE job_requests"))
    engine.dispose()
    outcome = migrate.upgrade(url)
    assert (outcome.before, outcome.after, outcome.stamped) == (None, HEAD, True)
    assert differences(url) == []
    assert counts(url)["jobs"] == 2


def test_a_database_made_from_todays_models_without_migrations_is_stamped_at_head(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'models.db'}"
    db = Database(url)
    db.create_all()
    db.dispose()
    outcome = migrate.upgrade(url)
    assert (outcome.before, outcome.after, outcome.stamped_at) == (None, HEAD, HEAD)
    assert outcome.describe(url) == (
        f"{url}: a database made without migrations (no alembic_version) but matching the "
        f"models was stamped at {HEAD}; now at the latest revision {HEAD}")
    assert differences(url) == []


def test_the_service_upgrades_a_first_release_postgresql_database_on_start(
        postgres_server: Any) -> None:
    url = fresh_postgres(postgres_server, "old")
    ids = first_release_database(url)
    settings = Settings(database_url=url, workers=1, worker_id="migration-test",
                        max_job_attempts=1)
    with TestClient(create_app(settings)) as client:
        db: Database = client.app.state.db  # type: ignore[attr-defined]
        with db.session() as session:
            _, secret = create_token(session, name="new", role=Role.planner, workspace="w1")
        headers = {"Authorization": f"Bearer {secret}"}
        old = client.get(f"/v1/jobs/{ids['done']}", headers=headers)
        assert old.status_code == 200, old.text
        assert (old.json()["status"], old.json()["kind"]) == ("done", "n-1")
        result = client.get(f"/v1/jobs/{ids['done']}/result", headers=headers)
        assert result.json() == {"status": "optimal", "verified": True}
        # The first release's job left running has no claimant: it is taken back on start,
        # here failed, as it has spent its one attempt.
        taken = client.get(f"/v1/jobs/{ids['running']}", headers=headers).json()
        assert (taken["status"], taken["attempts"]) == ("failed", 1), taken
        assert taken["error"] == ("interrupted by a restart of the service (run 1 of at most "
                                  "1); submit the solve again")
    assert migrate.current(url) == HEAD
    assert differences(url) == []
    assert counts(url)["scenarios"] == 1 and counts(url)["jobs"] == 2
