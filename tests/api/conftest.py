"""Service fixtures: an app on a fresh SQLite file per test, and tokens of each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.auth import Role, create_token
from api.main import create_app
from api.settings import Settings

from ..conftest import DATASETS

Headers = dict[str, str]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}", workers=1,
                    max_upload_bytes=2 * 1024 * 1024, max_time_limit_s=120,
                    default_time_limit_s=30, sync_time_limit_s=10,
                    max_queued_jobs_per_token=3)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def make_token(client: TestClient) -> Callable[..., Headers]:
    """``make_token(role, workspace)`` -> Authorization headers of a new token."""

    def make(role: str = "planner", workspace: str = "w1", name: str = "test") -> Headers:
        with client.app.state.db.session() as session:  # type: ignore[attr-defined]
            _, secret = create_token(session, name=name, role=Role(role), workspace=workspace)
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def planner(make_token: Callable[..., Headers]) -> Headers:
    return make_token("planner", "w1")


@pytest.fixture
def small_document() -> dict:
    """The committed small family as a JSON scenario document (solves in about a second)."""
    from allocator import read_scenario

    return read_scenario(DATASETS / "families" / "small").to_document()
