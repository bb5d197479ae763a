"""Tokens: admins create (secret shown once), list and revoke them; stored hashed; roles."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.db import Token

from .conftest import Headers, error


def bearer(secret: str) -> Headers:
    return {"Authorization": f"Bearer {secret}"}


def test_create_shows_the_secret_once_and_stores_only_its_digest(
        client: TestClient, admin: Headers) -> None:
    created = client.post("/v1/tokens", json={"name": "ci", "role": "analyst",
                                              "workspace": "team-2"}, headers=admin)
    assert created.status_code == 201, created.text
    body = created.json()
    secret = body["token"]
    assert secret.startswith("pa_") and len(secret) > 40
    assert (body["name"], body["role"], body["workspace"]) == ("ci", "analyst", "team-2")
    assert body["revoked_at"] is None
    listed = client.get("/v1/tokens", headers=admin)
    assert listed.status_code == 200
    assert body["id"] in [t["id"] for t in listed.json()["data"]]
    assert secret not in listed.text
    assert all("token" not in t and "token_hash" not in t for t in listed.json()["data"])
    with client.app.state.db.session() as session:  # type: ignore[attr-defined]
        row = session.get(Token, body["id"])
        assert row is not None
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in {str(v) for v in vars(row).values()}


def test_a_created_token_works_in_its_workspace_with_its_role(
        client: TestClient, admin: Headers, planner: Headers, small_document: dict) -> None:
    created = client.post("/v1/tokens", json={"name": "w1 reader", "role": "analyst",
                                              "workspace": "w1"}, headers=admin).json()
    reader = bearer(created["token"])
    mine = client.post("/v1/scenarios", json=small_document, headers=planner).json()
    assert client.get(f"/v1/scenarios/{mine['id']}", headers=reader).status_code == 200
    # An analyst may read but not submit.
    error(client.post("/v1/scenarios", json=small_document, headers=reader), 403, "forbidden")
    elsewhere = client.post("/v1/tokens", json={"name": "w9", "role": "planner",
                                                "workspace": "w9"}, headers=admin).json()
    listed = client.get("/v1/scenarios", headers=bearer(elsewhere["token"])).json()
    assert listed == {"data": [], "count": 0}


def test_list_counts_every_workspace_token(client: TestClient, admin: Headers,
                                           make_token: Callable[..., Headers]) -> None:
    make_token("planner", "w2")
    make_token("analyst", "w3")
    listed = client.get("/v1/tokens", headers=admin).json()
    assert listed["count"] == 3 == len(listed["data"])
    assert {(t["role"], t["workspace"]) for t in listed["data"]} == {
        ("admin", "w1"), ("planner", "w2"), ("analyst", "w3")}


def test_revoke_makes_the_token_fail_with_401(client: TestClient, admin: Headers) -> None:
    created = client.post("/v1/tokens", json={"name": "temp", "role": "planner",
                                              "workspace": "w1"}, headers=admin).json()
    headers = bearer(created["token"])
    assert client.get("/v1/scenarios", headers=headers).status_code == 200
    revoked = client.delete(f"/v1/tokens/{created['id']}", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["id"] == created["id"]
    assert revoked.json()["revoked_at"] is not None
    answer = error(client.get("/v1/scenarios", headers=headers), 401, "unauthenticated")
    assert "revoked" in answer["message"]
    # Revoking again keeps the first time; the list shows it revoked.
    again = client.delete(f"/v1/tokens/{created['id']}", headers=admin)
    assert again.status_code == 200
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    listed = {t["id"]: t for t in client.get("/v1/tokens", headers=admin).json()["data"]}
    assert listed[created["id"]]["revoked_at"] == revoked.json()["revoked_at"]


def test_revoke_an_unknown_token_is_404(client: TestClient, admin: Headers) -> None:
    error(client.delete("/v1/tokens/" + "0" * 32, headers=admin), 404, "not_found")


def test_an_admin_manages_tokens_of_every_workspace(
        client: TestClient, make_token: Callable[..., Headers]) -> None:
    other_admin = make_token("admin", "w2")
    created = client.post("/v1/tokens", json={"name": "x", "role": "planner",
                                              "workspace": "w1"}, headers=other_admin)
    assert created.status_code == 201
    assert client.delete(f"/v1/tokens/{created.json()['id']}",
                         headers=other_admin).status_code == 200


@pytest.mark.parametrize("role", ["planner", "analyst"])
@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1/tokens"), ("GET", "/v1/tokens"), ("DELETE", "/v1/tokens/{id}")])
def test_only_admins_manage_tokens(client: TestClient, admin: Headers,
                                   make_token: Callable[..., Headers], role: str,
                                   method: str, path: str) -> None:
    victim = client.post("/v1/tokens", json={"name": "v", "role": "analyst",
                                             "workspace": "w1"}, headers=admin).json()
    headers = make_token(role, "w1")
    answer = client.request(method, path.format(id=victim["id"]), headers=headers,
                            json={"name": "me", "role": "admin", "workspace": "w1"})
    body = error(answer, 403, "forbidden")
    assert "admin" in body["message"] and role in body["message"]
    listed = client.get("/v1/tokens", headers=admin).json()
    assert listed["count"] == 3  # nothing was created
    assert all(t["revoked_at"] is None for t in listed["data"])  # nor revoked


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1/tokens"), ("GET", "/v1/tokens"), ("DELETE", "/v1/tokens/" + "0" * 32)])
def test_token_routes_need_a_token(client: TestClient, method: str, path: str) -> None:
    body = {"name": "me", "role": "admin", "workspace": "w1"}
    for headers in ({}, bearer("pa_not-a-real-token"), {"Authorization": "Basic YTpi"}):
        answer = client.request(method, path, headers=headers, json=body)
        error(answer, 401, "unauthenticated")
        assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("body", "column"), [
    ({"name": "x", "role": "root", "workspace": "w1"}, "role"),
    ({"name": "", "role": "planner", "workspace": "w1"}, "name"),
    ({"name": "x", "role": "planner", "workspace": "../w1"}, "workspace"),
    ({"name": "x", "role": "planner"}, "workspace"),
    ({"name": "x", "role": "planner", "workspace": "w1", "secret": "mine"}, "secret"),
])
def test_create_rejects_bad_fields_located(client: TestClient, admin: Headers, body: dict,
                                           column: str) -> None:
    answer = error(client.post("/v1/tokens", json=body, headers=admin), 422,
                   "request_invalid")
    assert [(p["table"], p["column"]) for p in answer["problems"]] == [("body", column)]
    assert client.get("/v1/tokens", headers=admin).json()["count"] == 1


def test_a_body_that_is_not_text_is_422_located(client: TestClient, admin: Headers) -> None:
    answer = client.post("/v1/tokens", content=b"\xff\xfe\x16",
                         headers={**admin, "content-type": "application/json"})
    body = error(answer, 422, "request_invalid")
    assert [(p["table"], p["column"]) for p in body["problems"]] == [("body", None)]
    assert "cannot read the request body" in body["message"]
