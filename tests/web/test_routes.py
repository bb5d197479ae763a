"""The planners' pages through FastAPI's TestClient (no browser): signing in and out, revoked
tokens and ended sessions, the security headers and what the CSP forbids, roles, workspaces,
CSRF, uploads and their problem table, paged tables, solves and the job page, bad form input,
escaping, and the static files.

Two services per module: ``main`` runs its jobs (solves of the small family, about a second
each, in solve processes from the runner's fork server, as the service runs them), ``queue``
only queues them (``run_jobs=False``), so a job stays queued for as long as a test needs it and
a job queued by mistake is seen, never run.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocator import AllocationResult, Scenario, read_scenario
from allocator.errors import ScenarioError

from .routes_helpers import (
    EVIL_ORIGIN,
    SMALL,
    UN_2025,
    XLSX,
    Caller,
    cleared,
    cookie_attributes,
    job_count,
    job_status,
    new_token,
    parse,
    scenario_count,
    scenario_exists,
    service,
    set_cookies,
    sign_in,
    table_of,
    wait_for_job,
)

PLANNER_FORMS = ("solve-form", "whatif-form", "n1-form", "mc-form", "delete-form")
EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_ATTRIBUTE = '"onerror=alert(1) x="'


# ----- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_document() -> dict:
    """The committed small family as a scenario document (solves in about a second)."""
    return read_scenario(SMALL).to_document()


@pytest.fixture(scope="module")
def main(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The service that runs its jobs."""
    with service(tmp_path_factory.mktemp("web-main")) as client:
        yield client


@pytest.fixture(scope="module")
def queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The service that only queues jobs: they stay queued."""
    with service(tmp_path_factory.mktemp("web-queue"), run_jobs=False) as client:
        yield client


@pytest.fixture
def client(main: TestClient) -> Iterator[TestClient]:
    """``main`` with an empty cookie jar, emptied again afterwards."""
    main.cookies.clear()
    yield main
    main.cookies.clear()


@pytest.fixture
def qclient(queue: TestClient) -> Iterator[TestClient]:
    """``queue`` with an empty cookie jar, emptied again afterwards."""
    queue.cookies.clear()
    yield queue
    queue.cookies.clear()


@pytest.fixture(scope="module")
def planner(main: TestClient) -> Caller:
    return new_token(main, "planner", "w1", name="planner")


@pytest.fixture(scope="module")
def analyst(main: TestClient) -> Caller:
    return new_token(main, "analyst", "w1", name="reader")


@pytest.fixture(scope="module")
def admin(main: TestClient) -> Caller:
    return new_token(main, "admin", "w1", name="root")


@pytest.fixture(scope="module")
def outsider(main: TestClient) -> Caller:
    """A planner of workspace w2."""
    return new_token(main, "planner", "w2", name="outsider")


@pytest.fixture(scope="module")
def small_id(main: TestClient, planner: Caller, small_document: dict) -> str:
    """The small family, stored in w1 through the API."""
    created = main.post("/v1/scenarios", json=small_document, headers=planner.bearer)
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture(scope="module")
def un_id(main: TestClient, planner: Caller) -> str:
    """The shipped workbook (445 unit pledges), stored in w1 through the API."""
    created = main.post("/v1/scenarios", headers=planner.bearer,
                        files={"file": (UN_2025.name, UN_2025.read_bytes(), XLSX)})
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture(scope="module")
def done_job(main: TestClient, planner: Caller, small_id: str) -> str:
    """A finished solve of the small family in w1."""
    started = main.post(f"/v1/scenarios/{small_id}/solve", headers=planner.bearer,
                        json={"backend": "cbc", "time_limit_s": 60})
    assert started.status_code == 202, started.text
    job = wait_for_job(main, started.json()["id"], planner.bearer)
    assert job["status"] == "done", job
    return job["id"]


@pytest.fixture(scope="module")
def q_planner(queue: TestClient) -> Caller:
    return new_token(queue, "planner", "w1", name="q-planner")


@pytest.fixture(scope="module")
def q_analyst(queue: TestClient) -> Caller:
    return new_token(queue, "analyst", "w1", name="q-reader")


@pytest.fixture(scope="module")
def q_scenario(queue: TestClient, q_planner: Caller, small_document: dict) -> str:
    created = queue.post("/v1/scenarios", json=small_document, headers=q_planner.bearer)
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture
def queued_job(queue: TestClient, q_planner: Caller, q_scenario: str) -> str:
    """A new solve job of ``q_scenario`` that stays queued."""
    started = queue.post(f"/v1/scenarios/{q_scenario}/solve", headers=q_planner.bearer,
                         json={"backend": "cbc", "time_limit_s": 60})
    assert started.status_code == 202, started.text
    return started.json()["id"]


def upload(client: TestClient, csrf: str, name: str, data: bytes,
           kind: str = "application/octet-stream", **headers: str) -> Any:
    return client.post("/scenarios", data={"csrf": csrf}, files={"file": (name, data, kind)},
                       headers=headers)


def small_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SMALL.iterdir()):
            archive.write(path, f"small/{path.name}")
    return buffer.getvalue()


def follow(client: TestClient, response: Any) -> Any:
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"])


# ----- 1. sign in and out ----------------------------------------------------------------------
def test_home_without_a_cookie_goes_to_the_sign_in(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 303
    assert home.headers["location"] == "/sign-in"


def test_the_sign_in_page_asks_for_the_token_in_a_password_field(client: TestClient) -> None:
    shown = client.get("/sign-in")
    assert shown.status_code == 200
    assert shown.headers["content-type"].startswith("text/html")
    page = parse(shown.text)
    field = page.by_id("token")
    assert field.tag == "input" and field.attrs["type"] == "password"
    assert field.attrs["name"] == "token"
    labels = [e for e in page.elements if e.tag == "label" and e.attrs.get("for") == "token"]
    assert [label.words for label in labels] == ["API token"]
    form = next(f for f in page.forms.values() if "token" in f)
    assert form["@action"] == "/sign-in"
    assert re.search(r'<form method="post" action="/sign-in"', shown.text)
    assert "sign-in-error" not in page.ids


@pytest.mark.parametrize("secret", ["pa_not-a-real-token", "", "   "])
def test_a_bad_token_is_refused_with_401_and_no_cookie(client: TestClient, secret: str) -> None:
    refused = client.post("/sign-in", data={"token": secret})
    assert refused.status_code == 401
    page = parse(refused.text)
    error = page.by_id("sign-in-error").attrs
    assert error["role"] == "alert"
    if secret.strip():
        assert "That token is unknown or has been revoked" in page.text
    else:
        assert "Paste your API token to sign in." in page.text
    assert not [c for c in set_cookies(refused) if c.startswith("pa_session=")]
    assert "pa_session" not in client.cookies
    assert client.get("/scenarios").headers["location"] == "/sign-in?m=needed"


def test_a_good_token_signs_in_with_a_cookie_no_script_can_read(client: TestClient,
                                                                planner: Caller) -> None:
    signed = client.post("/sign-in", data={"token": planner.secret})
    assert signed.status_code == 303
    assert signed.headers["location"] == "/scenarios"
    cookies = [c for c in set_cookies(signed) if c.startswith("pa_session=")]
    assert len(cookies) == 1
    _, value, attributes = cookie_attributes(cookies[0])
    assert "httponly" in attributes
    assert attributes.get("samesite", "").lower() == "strict"
    assert attributes.get("path") == "/"
    expiry, _, secret = value.strip('"').partition(".")
    assert secret == planner.secret and int(expiry) > time.time()
    assert planner.secret not in signed.headers["location"]

    home = client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/scenarios"
    listing = client.get("/scenarios")
    assert listing.status_code == 200
    page = parse(listing.text)
    assert page.by_id("who").words == "planner · planner · workspace w1"
    # The secret is in the HttpOnly cookie only: never in a page nor a URL.
    assert planner.secret not in listing.text
    assert planner.secret not in str(listing.url)


def test_behind_https_the_cookie_is_also_secure(client: TestClient, planner: Caller) -> None:
    signed = client.post("https://testserver/sign-in", data={"token": planner.secret})
    assert signed.status_code == 303 and signed.headers["location"] == "/scenarios"
    (cookie,) = [c for c in set_cookies(signed) if c.startswith("pa_session=")]
    _, _, attributes = cookie_attributes(cookie)
    assert "secure" in attributes and "httponly" in attributes


def test_sign_out_clears_the_cookie_and_the_next_page_asks_to_sign_in(
        client: TestClient, planner: Caller) -> None:
    csrf = sign_in(client, planner)
    out = client.post("/sign-out", data={"csrf": csrf})
    assert out.status_code == 303
    assert out.headers["location"] == "/sign-in?m=signed-out"
    assert planner.secret not in out.headers["location"]
    cookies = [c for c in set_cookies(out) if c.startswith("pa_session=")]
    assert len(cookies) == 1 and cleared(cookies[0]), cookies
    assert "pa_session" not in client.cookies
    shown = client.get(out.headers["location"])
    assert shown.status_code == 200 and "You have signed out." in parse(shown.text).text

    again = client.get("/scenarios")
    assert again.status_code == 303
    assert again.headers["location"] == "/sign-in?m=needed"
    assert "Sign in to continue." in parse(follow(client, again).text).text


# ----- 2. revoked tokens and ended sessions ----------------------------------------------------
def test_a_token_revoked_by_an_admin_signs_the_page_out(client: TestClient,
                                                        admin: Caller) -> None:
    caller = new_token(client, "planner", "w1", name="soon-revoked")
    sign_in(client, caller)
    assert client.get("/scenarios").status_code == 200
    revoked = client.delete(f"/v1/tokens/{caller.id}", headers=admin.bearer)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None

    gone = client.get("/scenarios")
    assert gone.status_code == 303
    assert gone.headers["location"] == "/sign-in?m=revoked"
    assert any(cleared(c) for c in set_cookies(gone) if c.startswith("pa_session="))
    shown = client.get(gone.headers["location"])
    assert shown.status_code == 200
    assert ("That token is unknown or has been revoked; ask an admin for a new one."
            in parse(shown.text).text)


def test_a_token_revoked_in_the_database_signs_the_page_out(client: TestClient) -> None:
    from api.db import Token, utcnow

    caller = new_token(client, "analyst", "w1", name="revoked-in-db")
    sign_in(client, caller)
    with client.app.state.db.session() as session:  # type: ignore[attr-defined]
        session.get(Token, caller.id).revoked_at = utcnow()
    client.app.state.tokens = type(client.app.state.tokens)()  # type: ignore[attr-defined]
    gone = client.get("/scenarios")
    assert gone.status_code == 303
    assert gone.headers["location"] == "/sign-in?m=revoked"


def test_an_ended_session_says_so(client: TestClient, planner: Caller) -> None:
    client.cookies.set("pa_session", f"{int(time.time()) - 60}.{planner.secret}")
    ended = client.get("/scenarios")
    assert ended.status_code == 303
    assert ended.headers["location"] == "/sign-in?m=ended"
    assert any(cleared(c) for c in set_cookies(ended) if c.startswith("pa_session="))
    shown = client.get(ended.headers["location"])
    assert shown.status_code == 200
    assert "Your session has ended; sign in again." in parse(shown.text).text
    # Nor does the API take an ended session's cookie.
    client.cookies.set("pa_session", f"{int(time.time()) - 60}.{planner.secret}")
    assert client.get("/v1/scenarios").status_code == 401


@pytest.mark.parametrize("value, code", [
    ("garbage", "needed"), ("abc.pa_x", "needed"), ("1.", "needed"), ("-5.pa_x", "needed"),
    ("9999999999.pa_not-a-real-token", "revoked"),
    # Digits that are not ASCII digits: "²".isdigit() holds, int("²") fails.
    ("\u00b2\u00b2.pa_x", "needed"),
])
def test_a_malformed_or_unknown_cookie_asks_to_sign_in(client: TestClient, value: str,
                                                       code: str) -> None:
    # Sent as raw bytes (Latin-1, as Starlette reads headers): httpx's jar takes ASCII only.
    cookie = {"cookie": f"pa_session={value}".encode("latin-1")}
    shown = client.get("/scenarios", headers=cookie)
    assert shown.status_code == 303
    assert shown.headers["location"] == f"/sign-in?m={code}"
    assert client.get("/v1/scenarios", headers=cookie).status_code == 401


# ----- 3. security headers and what the CSP forbids ----------------------------------------------
def assert_safe_page(response: Any) -> None:
    """The page's headers and markup obey its Content-Security-Policy."""
    assert response.headers["content-type"].startswith("text/html"), response.headers
    csp = response.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"], csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    page = parse(response.text)
    for script in page.scripts:
        assert not script.text.strip(), f"inline script: {script.text[:80]!r}"
        assert script.attrs.get("src", "").startswith("/"), script.attrs
    assert not page.styles, "a <style> element"
    inline = [e for e in page.elements if "style" in e.attrs]
    assert not inline, f"inline style= on {[(e.tag, e.attrs) for e in inline[:3]]}"
    handlers = [e for e in page.elements if any(a.startswith("on") for a in e.attrs)]
    assert not handlers, f"inline event handlers on {handlers[:3]}"
    for element in page.elements:
        if element.tag in ("script", "link", "img", "iframe", "source"):
            for attribute in ("src", "href"):
                target = element.attrs.get(attribute, "")
                assert not re.match(r"(?i)\s*(https?:)?//", target), (element.tag, target)
                assert not target.lower().startswith("javascript:"), target


def test_the_sign_in_and_error_pages_obey_the_csp(client: TestClient, planner: Caller) -> None:
    assert_safe_page(client.get("/sign-in"))
    assert_safe_page(client.get("/sign-in?m=revoked"))
    assert_safe_page(client.post("/sign-in", data={"token": "pa_wrong"}))
    sign_in(client, planner)
    missing = client.get("/scenarios/no-such-id")
    assert missing.status_code == 404
    assert_safe_page(missing)
    assert "page-error" in parse(missing.text).ids
    assert_safe_page(client.post("/sign-out", data={"csrf": "wrong"}))


def test_the_scenario_pages_obey_the_csp(client: TestClient, planner: Caller, un_id: str,
                                         small_id: str) -> None:
    sign_in(client, planner)
    assert_safe_page(client.get("/scenarios"))
    tables = client.get(f"/v1/scenarios/{un_id}", headers=planner.bearer).json()["counts"]
    assert "unit_pledges" in tables
    for table in tables:
        for offset in (0, 50):
            shown = client.get(f"/scenarios/{un_id}?table={table}&offset={offset}")
            assert shown.status_code == 200, (table, offset)
            assert_safe_page(shown)
    # A page with a form's problems, and the upload's problem table.
    refused = client.post(f"/scenarios/{small_id}/solve",
                          data={"csrf": parse(shown.text).csrf, "time_limit_s": "abc"})
    assert refused.status_code == 422
    assert_safe_page(refused)
    bad = upload(client, parse(shown.text).csrf, "bad.txt", b"hello")
    assert bad.status_code == 422
    assert_safe_page(bad)


def test_the_job_page_and_its_chart_obey_the_csp(client: TestClient, planner: Caller,
                                                 done_job: str) -> None:
    sign_in(client, planner)
    shown = client.get(f"/jobs/{done_job}")
    assert shown.status_code == 200
    assert_safe_page(shown)
    chart = client.get(f"/jobs/{done_job}/chart.svg")
    assert chart.status_code == 200
    assert "script-src 'self'" in chart.headers["content-security-policy"]
    assert chart.headers["x-content-type-options"] == "nosniff"


# ----- 4. roles ---------------------------------------------------------------------------------
def test_an_analyst_reads_but_sees_no_form_that_changes_anything(
        qclient: TestClient, q_analyst: Caller, q_scenario: str, queued_job: str) -> None:
    sign_in(qclient, q_analyst)
    listing = qclient.get("/scenarios")
    assert listing.status_code == 200
    page = parse(listing.text)
    assert "upload-form" not in page.ids
    assert f"/scenarios/{q_scenario}" in {e.attrs.get("href") for e in page.elements}
    assert "family-small-0" in page.text

    shown = qclient.get(f"/scenarios/{q_scenario}")
    assert shown.status_code == 200
    page = parse(shown.text)
    assert page.by_id("scenario-name").tag == "h1"
    assert "family-small-0" in page.text
    for form_id in ("upload-form", *PLANNER_FORMS):
        assert form_id not in page.ids, form_id
    assert [f["@action"] for f in page.forms.values()] == ["/sign-out"]  # its only form
    job_page = parse(qclient.get(f"/jobs/{queued_job}").text)
    assert "progress" in job_page.ids and "cancel-form" not in job_page.ids


def test_an_analysts_posts_are_refused_and_change_nothing(
        qclient: TestClient, q_analyst: Caller, q_planner: Caller, q_scenario: str,
        queued_job: str, small_document: dict) -> None:
    csrf = sign_in(qclient, q_analyst)
    scenarios, jobs = scenario_count(qclient, q_planner), job_count(qclient, q_planner)
    posts = [
        ("/scenarios", {"files": {"file": ("s.json", json.dumps(small_document).encode(),
                                           "application/json")}}),
        (f"/scenarios/{q_scenario}/solve", {}),
        (f"/scenarios/{q_scenario}/whatif", {"extra": {"withdraw_state": "AGO"}}),
        (f"/scenarios/{q_scenario}/n-1", {}),
        (f"/scenarios/{q_scenario}/monte-carlo", {"extra": {"draws": "5"}}),
        (f"/scenarios/{q_scenario}/delete", {}),
        (f"/jobs/{queued_job}/cancel", {}),
    ]
    for path, options in posts:
        data = {"csrf": csrf, **options.get("extra", {})}
        refused = qclient.post(path, data=data, files=options.get("files"))
        assert refused.status_code == 403, (path, refused.text)
        page = parse(refused.text)
        assert page.by_id("page-error").words == ("This needs the planner role; your token "
                                                  "is analyst.")
    assert scenario_count(qclient, q_planner) == scenarios
    assert job_count(qclient, q_planner) == jobs
    assert scenario_exists(qclient, q_planner, q_scenario)
    assert job_status(qclient, q_planner, queued_job) == "queued"


def test_a_planner_sees_every_form(qclient: TestClient, q_planner: Caller,
                                   q_scenario: str, queued_job: str) -> None:
    sign_in(qclient, q_planner)
    assert "upload-form" in parse(qclient.get("/scenarios").text).ids
    page = parse(qclient.get(f"/scenarios/{q_scenario}").text)
    for form_id in PLANNER_FORMS:
        assert form_id in page.forms, form_id
        assert page.forms[form_id]["csrf"] == page.csrf
    assert page.forms["solve-form"]["@action"] == f"/scenarios/{q_scenario}/solve"
    assert page.forms["delete-form"]["@action"] == f"/scenarios/{q_scenario}/delete"
    job_page = parse(qclient.get(f"/jobs/{queued_job}").text)
    assert job_page.forms["cancel-form"]["@action"] == f"/jobs/{queued_job}/cancel"


# ----- 5. workspaces ----------------------------------------------------------------------------
def test_another_workspaces_scenario_and_job_are_not_found(
        client: TestClient, planner: Caller, outsider: Caller, small_id: str,
        done_job: str, small_document: dict) -> None:
    own = client.post("/v1/scenarios", headers=outsider.bearer,
                      json={**small_document, "name": "outsider's own"})
    assert own.status_code == 201, own.text
    w1_jobs = job_count(client, planner)
    csrf = sign_in(client, outsider)
    listing = parse(client.get("/scenarios").text)
    assert "outsider's own" in listing.text
    assert "family-small-0" not in listing.text
    assert small_id not in client.get("/scenarios").text

    for path in (f"/scenarios/{small_id}", f"/jobs/{done_job}", f"/jobs/{done_job}/chart.svg",
                 f"/scenarios/{small_id}?table=unit_pledges"):
        assert client.get(path).status_code == 404, path
    for path, data in ((f"/scenarios/{small_id}/solve", {"backend": "cbc"}),
                       (f"/scenarios/{small_id}/whatif", {"withdraw_state": "AGO"}),
                       (f"/scenarios/{small_id}/delete", {}),
                       (f"/jobs/{done_job}/cancel", {})):
        refused = client.post(path, data={"csrf": csrf, **data})
        assert refused.status_code == 404, (path, refused.text)
        assert "family-small-0" not in refused.text
    assert scenario_exists(client, planner, small_id)
    assert job_status(client, planner, done_job) == "done"
    assert job_count(client, planner) == w1_jobs
    assert job_count(client, outsider) == 0


def test_unknown_ids_are_not_found(client: TestClient, planner: Caller) -> None:
    csrf = sign_in(client, planner)
    jobs = job_count(client, planner)
    for path in ("/scenarios/nope", "/jobs/nope", "/jobs/nope/chart.svg",
                 "/scenarios/00000000-0000-0000-0000-000000000000"):
        assert client.get(path).status_code == 404, path
    for path in ("/scenarios/nope/solve", "/scenarios/nope/whatif", "/scenarios/nope/delete",
                 "/jobs/nope/cancel"):
        assert client.post(path, data={"csrf": csrf, "withdraw_state": "AGO"}
                           ).status_code == 404, path
    assert job_count(client, planner) == jobs


def test_an_unknown_action_is_not_found(client: TestClient, planner: Caller,
                                        small_id: str) -> None:
    csrf = sign_in(client, planner)
    refused = client.post(f"/scenarios/{small_id}/explode", data={"csrf": csrf})
    assert refused.status_code == 404
    assert "There is no action" in parse(refused.text).by_id("page-error").words


# ----- 6. CSRF and the cookie on the API ----------------------------------------------------------
CSRF_CASES = {"missing": None, "wrong": "0" * 64, "other origin": "right"}


@pytest.mark.parametrize("case", list(CSRF_CASES))
@pytest.mark.parametrize("action", ["upload", "solve", "whatif", "n-1", "monte-carlo",
                                    "delete", "cancel", "sign-out"])
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(
        qclient: TestClient, q_planner: Caller, q_scenario: str, queued_job: str,
        small_document: dict, action: str, case: str) -> None:
    csrf = sign_in(qclient, q_planner)
    scenarios, jobs = scenario_count(qclient, q_planner), job_count(qclient, q_planner)
    data: dict[str, str] = {}
    if CSRF_CASES[case] is not None:
        data["csrf"] = csrf if CSRF_CASES[case] == "right" else CSRF_CASES[case]
    headers = {"origin": EVIL_ORIGIN} if case == "other origin" else {}
    files = None
    path = {"upload": "/scenarios", "cancel": f"/jobs/{queued_job}/cancel",
            "sign-out": "/sign-out"}.get(action, f"/scenarios/{q_scenario}/{action}")
    if action == "upload":
        files = {"file": ("s.json", json.dumps(small_document).encode(), "application/json")}
    elif action == "whatif":
        data["withdraw_state"] = "AGO"
    refused = qclient.post(path, data=data, files=files, headers=headers)
    assert refused.status_code == 403, refused.text
    assert "security check failed" in parse(refused.text).by_id("page-error").words
    assert not [c for c in set_cookies(refused) if c.startswith("pa_session=")]
    assert scenario_count(qclient, q_planner) == scenarios
    assert job_count(qclient, q_planner) == jobs
    assert scenario_exists(qclient, q_planner, q_scenario)
    assert job_status(qclient, q_planner, queued_job) == "queued"
    assert qclient.get("/scenarios").status_code == 200  # still signed in


def test_a_sign_in_from_another_origin_is_refused(client: TestClient, planner: Caller) -> None:
    refused = client.post("/sign-in", data={"token": planner.secret},
                          headers={"origin": EVIL_ORIGIN})
    assert refused.status_code == 403
    assert not set_cookies(refused)
    assert "did not come from this page" in parse(refused.text).by_id("sign-in-error").words


def test_the_api_takes_the_cookie_for_reading_only(client: TestClient, planner: Caller,
                                                   small_id: str, done_job: str,
                                                   small_document: dict) -> None:
    sign_in(client, planner)
    before = scenario_count(client, planner)
    listed = client.get("/v1/scenarios")
    assert listed.status_code == 200 and listed.json()["count"] == before
    assert client.get(f"/v1/jobs/{done_job}").status_code == 200
    created = client.post("/v1/scenarios", json=small_document)
    assert created.status_code == 401, created.text
    deleted = client.delete(f"/v1/scenarios/{small_id}")
    assert deleted.status_code == 401, deleted.text
    solve = client.post(f"/v1/scenarios/{small_id}/solve", json={})
    assert solve.status_code == 401, solve.text
    cancel = client.delete(f"/v1/jobs/{done_job}")
    assert cancel.status_code == 401, cancel.text
    assert scenario_count(client, planner) == before
    assert scenario_exists(client, planner, small_id)


# ----- 7. upload --------------------------------------------------------------------------------
def test_the_shipped_workbook_uploads_and_opens_its_page(client: TestClient,
                                                         planner: Caller) -> None:
    csrf = sign_in(client, planner)
    before = scenario_count(client, planner)
    uploaded = upload(client, csrf, UN_2025.name, UN_2025.read_bytes(), XLSX)
    assert uploaded.status_code == 201, uploaded.text
    page = parse(uploaded.text)
    name = read_scenario(UN_2025).name
    assert page.by_id("scenario-name").tag == "h1"
    assert name in page.text
    assert page.by_id("uploaded").words.startswith("Uploaded and checked")
    assert scenario_count(client, planner) == before + 1
    listing = parse(client.get("/scenarios").text)
    assert name in listing.text


def test_a_zip_of_the_csv_folder_uploads(client: TestClient, planner: Caller) -> None:
    csrf = sign_in(client, planner)
    before = scenario_count(client, planner)
    uploaded = upload(client, csrf, "small.zip", small_zip(), "application/zip")
    assert uploaded.status_code == 201, uploaded.text
    assert "Uploaded and checked" in parse(uploaded.text).text
    assert "family-small-0" in parse(uploaded.text).text
    assert scenario_count(client, planner) == before + 1


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_scenario_document_uploads(client: TestClient, planner: Caller,
                                     small_document: dict, suffix: str) -> None:
    csrf = sign_in(client, planner)
    before = scenario_count(client, planner)
    document = {**small_document, "name": f"document upload {suffix}"}
    if suffix == ".json":
        data = json.dumps(document).encode()
    else:
        import yaml

        data = yaml.safe_dump(document).encode()
    uploaded = upload(client, csrf, f"scenario{suffix}", data)
    assert uploaded.status_code == 201, uploaded.text
    page = parse(uploaded.text)
    assert page.by_id("scenario-name").words == f"document upload {suffix}"
    assert "Uploaded and checked" in page.text
    assert scenario_count(client, planner) == before + 1


def expected_problems(tmp_path: Path, name: str, data: bytes) -> list[tuple[str, str, str]]:
    """(table, column, message) of each problem the library finds in the file itself."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ScenarioError) as raised:
        read_scenario(path)
    return [(p.table or "", p.column or "", p.message) for p in raised.value.problems]


def assert_problem_table(response: Any, expected: list[tuple[str, str, str]] | None = None
                         ) -> list[list[str]]:
    assert 400 <= response.status_code < 500, response.text
    page = parse(response.text)
    assert page.by_id("upload-error").words.startswith("The file was not stored.")
    header, rows = table_of(response.text, "table-problems")
    assert header == ["File", "Table", "Row", "Column", "Message"], header
    assert rows, "no problem listed"
    assert all(row[4] for row in rows), rows
    if expected is not None:
        listed = [(row[1], row[3], row[4]) for row in rows]
        assert sorted(listed) == sorted(expected)
    return rows


def test_a_document_missing_tables_is_not_stored_and_every_problem_is_listed(
        client: TestClient, planner: Caller, small_document: dict, tmp_path: Path) -> None:
    csrf = sign_in(client, planner)
    before = scenario_count(client, planner)
    broken = {k: v for k, v in small_document.items() if k not in ("missions", "requirements")}
    broken["unit_pledges"] = [{**small_document["unit_pledges"][0], "units": -3}]
    data = json.dumps(broken).encode()
    expected = expected_problems(tmp_path, "broken.json", data)
    assert len(expected) >= 2
    refused = upload(client, csrf, "broken.json", data, "application/json")
    assert refused.status_code == 422
    assert_problem_table(refused, expected)
    assert f"{len(expected)} problems: nothing was stored" in parse(refused.text).text
    assert scenario_count(client, planner) == before


@pytest.mark.parametrize("name, data", [
    ("notes.txt", b"just some text"),
    ("random.xlsx", os.urandom(4096)),
    ("empty.json", b""),
    ("not-json.json", b"{not json"),
    ("no-extension", b"PK\x03\x04"),
])
def test_a_bad_file_is_not_stored_and_its_problem_is_shown(client: TestClient,
                                                           planner: Caller, name: str,
                                                           data: bytes) -> None:
    csrf = sign_in(client, planner)
    before = scenario_count(client, planner)
    refused = upload(client, csrf, name, data)
    rows = assert_problem_table(refused)
    if name.endswith(".txt"):
        assert rows[0][1] == "upload" and "cannot read a .txt" in rows[0][4]
    assert scenario_count(client, planner) == before


def test_an_upload_without_a_file_is_refused(client: TestClient, planner: Caller) -> None:
    csrf = sign_in(client, planner)
    before = scenario_count(client, planner)
    refused = client.post("/scenarios", data={"csrf": csrf})
    assert 400 <= refused.status_code < 500
    assert "upload-error" in parse(refused.text).ids
    assert scenario_count(client, planner) == before


def test_a_file_over_the_size_limit_is_refused_on_the_page(client: TestClient,
                                                           planner: Caller) -> None:
    csrf = sign_in(client, planner)
    before = scenario_count(client, planner)
    limit = client.app.state.settings.max_upload_bytes  # type: ignore[attr-defined]
    refused = upload(client, csrf, "big.json", b" " * (limit + 1), "application/json")
    try:
        assert refused.status_code == 413
        assert scenario_count(client, planner) == before
        assert refused.headers["content-type"].startswith("text/html"), refused.text[:200]
        assert "upload-error" in parse(refused.text).ids
    finally:
        assert scenario_count(client, planner) == before


# ----- 8. paged tables ---------------------------------------------------------------------------
def shown_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return table_of(response.text, "table-scenario-table")[1]


def test_the_scenario_tables_are_paged(client: TestClient, planner: Caller, un_id: str) -> None:
    sign_in(client, planner)
    pledges = read_scenario(UN_2025).unit_pledges
    assert len(pledges) == 445
    first = client.get(f"/scenarios/{un_id}?table=unit_pledges")
    rows = shown_rows(first)
    assert len(rows) == 50
    assert rows[0][0] == pledges[0].pledge_id and rows[-1][0] == pledges[49].pledge_id
    page = parse(first.text)
    assert "Unit pledges: rows 1–50 of 445." in page.text
    current = [e for e in page.elements if e.attrs.get("aria-current") == "page"]
    assert [e.attrs["href"] for e in current] == [f"/scenarios/{un_id}?table=unit_pledges"]
    assert f"/scenarios/{un_id}?table=unit_pledges&offset=50" in {
        e.attrs.get("href") for e in page.elements}

    second = client.get(f"/scenarios/{un_id}?table=unit_pledges&offset=50")
    assert shown_rows(second)[0][0] == pledges[50].pledge_id

    last = client.get(f"/scenarios/{un_id}?table=unit_pledges&offset=400")
    rows = shown_rows(last)
    assert len(rows) == 45
    assert [r[0] for r in rows] == [p.pledge_id for p in pledges[400:]]
    assert "rows 401–445 of 445" in parse(last.text).text
    assert "Next rows" not in parse(last.text).text


def test_a_bad_table_name_falls_back_to_a_real_table(client: TestClient, planner: Caller,
                                                     un_id: str) -> None:
    sign_in(client, planner)
    for table in ("nope", "<script>", "__class__", ""):
        shown = client.get(f"/scenarios/{un_id}", params={"table": table})
        assert shown.status_code == 200, table
        page = parse(shown.text)
        current = [e.attrs["href"] for e in page.elements
                   if e.attrs.get("aria-current") == "page"]
        assert len(current) == 1
        real = current[0].split("table=")[1]
        assert real in client.get(f"/v1/scenarios/{un_id}",
                                  headers=planner.bearer).json()["counts"]
        assert shown_rows(shown)
        assert "<script>" not in shown.text.split("<body>")[1].replace(
            '<script src="/static/app.js" defer></script>', "")


@pytest.mark.parametrize("offset", ["-5", "-99999999999999999999", "445", "100000",
                                    "99999999999999999999999999"])
def test_an_odd_offset_never_fails(client: TestClient, planner: Caller, un_id: str,
                                   offset: str) -> None:
    sign_in(client, planner)
    shown = client.get(f"/scenarios/{un_id}?table=unit_pledges&offset={offset}")
    assert shown.status_code == 200, shown.text
    rows = shown_rows(shown)
    # Before the start: the first page; past the end: the last (445 = 8 x 50 + 45).
    assert len(rows) == (50 if offset.startswith("-") else 45)
    listing = client.get(f"/scenarios?offset={offset}")
    assert listing.status_code == 200


def test_a_non_numeric_offset_is_not_a_server_error(client: TestClient, planner: Caller,
                                                    un_id: str) -> None:
    sign_in(client, planner)
    for path in (f"/scenarios/{un_id}?offset=abc", "/scenarios?offset=1e3"):
        assert client.get(path).status_code < 500, path


def test_an_offset_past_the_end_says_so_sensibly(client: TestClient, planner: Caller,
                                                 un_id: str) -> None:
    sign_in(client, planner)
    shown = client.get(f"/scenarios/{un_id}?table=unit_pledges&offset=100000")
    assert shown.status_code == 200
    note = re.search(r"rows (\d[\d,]*)–(\d[\d,]*) of (\d[\d,]*)", parse(shown.text).text)
    assert note is not None
    first, last, total = (int(g.replace(",", "")) for g in note.groups())
    assert first <= last <= total, note.group(0)
    previous = [e.attrs["href"] for e in parse(shown.text).elements
                if e.tag == "a" and "offset=" in e.attrs.get("href", "")]
    assert all(int(h.rsplit("offset=", 1)[1]) < total for h in previous), previous


# ----- 9. solve and the job page -----------------------------------------------------------------
def test_a_solve_from_the_page_opens_its_job_and_shows_the_plan(
        client: TestClient, planner: Caller, small_id: str) -> None:
    csrf = sign_in(client, planner)
    started = client.post(f"/scenarios/{small_id}/solve",
                          data={"csrf": csrf, "backend": "cbc", "time_limit_s": "60"})
    assert started.status_code == 303, started.text
    match = re.fullmatch(r"/jobs/([0-9a-f-]+)", started.headers["location"])
    assert match, started.headers["location"]
    job_id = match.group(1)

    early = client.get(f"/jobs/{job_id}")
    assert early.status_code == 200
    page = parse(early.text)
    progress = page.by_id("progress")
    assert progress.attrs["data-job"] == job_id
    if progress.attrs["data-status"] in ("queued", "running"):
        assert page.forms["cancel-form"]["@action"] == f"/jobs/{job_id}/cancel"
        assert "live-note" in page.ids

    job = wait_for_job(client, job_id)  # with the cookie
    assert job["status"] == "done" and job["result_status"] == "optimal", job
    assert job["backend"] == "cbc" and job["time_limit_s"] == 60

    done = client.get(f"/jobs/{job_id}")
    assert done.status_code == 200
    page = parse(done.text)
    assert page.by_id("progress").attrs["data-status"] == "done"
    assert page.by_id("job-status").words == "done (optimal)"
    assert "cancel-form" not in page.ids and "live-note" not in page.ids
    hrefs = {e.attrs.get("href") for e in page.elements if e.tag == "a"}
    for fmt in ("xlsx", "csv", "json"):
        assert f"/v1/jobs/{job_id}/result?format={fmt}" in hrefs
    assert page.by_id("chart").attrs["src"] == f"/jobs/{job_id}/chart.svg"
    assert page.by_id("chart").tag == "img"
    assert re.search(r'class="pa-status pa-status-optimal">optimal<', done.text)

    document = client.get(f"/v1/jobs/{job_id}/result")
    assert document.status_code == 200
    stored = client.get(f"/v1/scenarios/{small_id}").json()["scenario"]
    result = AllocationResult.from_dict(document.json(), Scenario.model_validate(stored))
    assert result.status.value == "optimal"
    header, rows = table_of(done.text, "table-missions")
    assert header[:3] == ["Mission", "Name", "Personnel"]
    shown = {row[0]: row[2] for row in rows}
    expected = {m["mission_id"]: f"{int(m['personnel']):,}"
                for m in result.missions.to_dict(orient="records")}
    assert shown == expected
    assert any(int(v.replace(",", "")) >= 1000 for v in shown.values())  # separators tested

    for fmt, kind in (("xlsx", XLSX), ("csv", "application/zip"),
                      ("json", "application/json")):
        download = client.get(f"/v1/jobs/{job_id}/result?format={fmt}")
        assert download.status_code == 200, fmt
        assert download.headers["content-type"].startswith(kind)

    chart = client.get(f"/jobs/{job_id}/chart.svg")
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.content.lstrip().startswith((b"<?xml", b"<svg"))
    assert b"<svg" in chart.content

    scenario = parse(client.get(f"/scenarios/{small_id}").text)
    assert f"/jobs/{job_id}" in {e.attrs.get("href") for e in scenario.elements}


def test_done_what_if_and_monte_carlo_pages_show_their_tables_and_chart(
        client: TestClient, planner: Caller, small_id: str) -> None:
    csrf = sign_in(client, planner)
    whatif = client.post(f"/scenarios/{small_id}/whatif", data={
        "csrf": csrf, "variant": "no AGO", "withdraw_state": "AGO", "backend": "cbc",
        "time_limit_s": "30"})
    assert whatif.status_code == 303, whatif.text
    monte = client.post(f"/scenarios/{small_id}/monte-carlo", data={
        "csrf": csrf, "draws": "3", "seed": "1", "withdraw_pct": "10", "delay_pct": "10",
        "delay_days": "30", "time_limit_s": "30"})
    assert monte.status_code == 303, monte.text
    whatif_id = whatif.headers["location"].removeprefix("/jobs/")
    monte_id = monte.headers["location"].removeprefix("/jobs/")
    assert wait_for_job(client, whatif_id)["status"] == "done"
    assert wait_for_job(client, monte_id)["status"] == "done"

    shown = client.get(f"/jobs/{whatif_id}")
    assert shown.status_code == 200
    assert_safe_page(shown)
    page = parse(shown.text)
    assert page.by_id("job-status").words == "done"
    assert "no AGO" in page.text
    assert any(i.startswith("table-") for i in page.ids), page.ids
    assert "download-xlsx" in page.ids and "chart" not in page.ids
    assert client.get(f"/jobs/{whatif_id}/chart.svg").status_code == 404

    shown = client.get(f"/jobs/{monte_id}")
    assert shown.status_code == 200
    assert_safe_page(shown)
    page = parse(shown.text)
    assert {"table-summary", "table-draws"} <= page.ids, page.ids
    header, draws = table_of(shown.text, "table-draws")
    assert header[0] == "Draw" or header[0].lower().startswith("draw"), header
    assert {row[0] for row in draws} == {"0", "1", "2"}  # the three draws, every mission
    assert page.by_id("chart").attrs["src"] == f"/jobs/{monte_id}/chart.svg"
    chart = client.get(f"/jobs/{monte_id}/chart.svg")
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.content.lstrip().startswith((b"<?xml", b"<svg"))


def test_an_infeasible_solve_shows_why_there_is_no_plan(client: TestClient,
                                                       planner: Caller) -> None:
    csrf = sign_in(client, planner)
    deadline = Path(__file__).resolve().parents[2] / "examples" / "deadline.json"
    uploaded = upload(client, csrf, deadline.name, deadline.read_bytes(), "application/json")
    assert uploaded.status_code == 201, uploaded.text
    listed = client.get("/v1/scenarios", headers=planner.bearer).json()["data"]
    scenario_id = next(s["id"] for s in listed if s["name"] == "deadline")
    started = client.post(f"/scenarios/{scenario_id}/solve",
                          data={"csrf": csrf, "backend": "cbc", "time_limit_s": "30"})
    job_id = started.headers["location"].removeprefix("/jobs/")
    job = wait_for_job(client, job_id)
    assert job["status"] == "done" and job["result_status"] == "infeasible", job
    shown = client.get(f"/jobs/{job_id}")
    assert shown.status_code == 200
    assert_safe_page(shown)
    page = parse(shown.text)
    assert page.by_id("job-status").words == "done (infeasible)"
    assert {"table-conflict", "table-relaxation"} <= page.ids
    assert "table-missions" not in page.ids and "chart" not in page.ids
    assert table_of(shown.text, "table-conflict")[1]


def test_a_queued_job_page_has_the_cancel_form_and_the_progress(
        qclient: TestClient, q_planner: Caller, queued_job: str) -> None:
    csrf = sign_in(qclient, q_planner)
    shown = qclient.get(f"/jobs/{queued_job}")
    assert shown.status_code == 200
    assert_safe_page(shown)
    page = parse(shown.text)
    assert page.by_id("progress").attrs["data-status"] == "queued"
    assert page.by_id("job-status").words == "queued"
    position = qclient.get(f"/v1/jobs/{queued_job}", headers=q_planner.bearer
                           ).json()["queue_position"]
    assert position is not None and str(position) in page.by_id("job-queue").words
    assert page.forms["cancel-form"]["csrf"] == csrf
    assert "live-note" in page.ids
    for absent in ("download-xlsx", "chart"):
        assert absent not in page.ids
    assert qclient.get(f"/jobs/{queued_job}/chart.svg").status_code == 404

    cancelled = qclient.post(f"/jobs/{queued_job}/cancel", data={"csrf": csrf})
    assert cancelled.status_code == 303
    assert cancelled.headers["location"] == f"/jobs/{queued_job}"
    assert job_status(qclient, q_planner, queued_job) == "cancelled"
    page = parse(qclient.get(f"/jobs/{queued_job}").text)
    assert page.by_id("job-status").words == "cancelled"
    assert "cancel-form" not in page.ids
    assert "cancelled by token" in page.by_id("job-error").words
    # Cancelling an ended job again just shows it.
    again = qclient.post(f"/jobs/{queued_job}/cancel", data={"csrf": csrf})
    assert again.status_code == 303 and again.headers["location"] == f"/jobs/{queued_job}"


def test_a_done_job_page_for_an_analyst(client: TestClient, analyst: Caller,
                                        done_job: str) -> None:
    sign_in(client, analyst)
    page = parse(client.get(f"/jobs/{done_job}").text)
    assert page.by_id("job-status").words == "done (optimal)"
    assert "download-json" in page.ids and "cancel-form" not in page.ids
    assert client.get(f"/v1/jobs/{done_job}/result?format=json").status_code == 200


def test_the_deletion_of_a_scenario_from_the_page(qclient: TestClient, q_planner: Caller,
                                                  small_document: dict) -> None:
    created = qclient.post("/v1/scenarios", headers=q_planner.bearer,
                           json={**small_document, "name": "to delete"})
    scenario_id = created.json()["id"]
    job = qclient.post(f"/v1/scenarios/{scenario_id}/solve", headers=q_planner.bearer, json={})
    csrf = sign_in(qclient, q_planner)
    deleted = qclient.post(f"/scenarios/{scenario_id}/delete", data={"csrf": csrf})
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/scenarios?m=deleted"
    listing = parse(qclient.get(deleted.headers["location"]).text)
    assert "The scenario was deleted, with its jobs and results." in listing.text
    assert "to delete" not in listing.text
    assert not scenario_exists(qclient, q_planner, scenario_id)
    assert qclient.get(f"/jobs/{job.json()['id']}").status_code == 404
    assert qclient.get(f"/scenarios/{scenario_id}").status_code == 404


# ----- 10. bad form input -----------------------------------------------------------------------
BAD_FORMS = [
    ("solve", {"backend": "cbc", "time_limit_s": "abc"}, "solve-error", "Time limit"),
    ("solve", {"backend": "cbc", "time_limit_s": "-5"}, "solve-error", "time_limit_s"),
    ("solve", {"backend": "cbc", "time_limit_s": "0"}, "solve-error", "time_limit_s"),
    ("solve", {"backend": "cbc", "time_limit_s": "1e9"}, "solve-error", "120"),
    ("solve", {"backend": "cbc", "time_limit_s": "nan"}, "solve-error", "time_limit_s"),
    ("solve", {"backend": "cbc", "time_limit_s": "inf"}, "solve-error", ""),
    ("solve", {"backend": "nope"}, "solve-error", "nope"),
    ("whatif", {"variant": "v"}, "whatif-error", "choose at least one change"),
    ("whatif", {"withdraw_state": "ZZZ"}, "whatif-error", "ZZZ"),
    ("whatif", {"withdraw_pledge": "NO-SUCH-PLEDGE"}, "whatif-error", "NO-SUCH-PLEDGE"),
    ("whatif", {"budget_factor": "abc"}, "whatif-error", "Scale budgets by"),
    ("whatif", {"budget_mission": "OP-CAF"}, "whatif-error", "to set a budget"),
    ("whatif", {"budget_usd": "1000"}, "whatif-error", "to set a budget"),
    ("whatif", {"ceiling_mission": "OP-CAF", "personnel_ceiling": "x"}, "whatif-error",
     "Set the ceiling to"),
    ("whatif", {"budget_mission": "OP-NOPE", "budget_usd": "1000"}, "whatif-error",
     "OP-NOPE"),
    ("whatif", {"women_target_pct": "abc"}, "whatif-error", "Women target"),
    ("whatif", {"withdraw_state": "AGO", "time_limit_s": "abc"}, "whatif-error",
     "Time limit per solve"),
    ("n-1", {"time_limit_s": "abc"}, "n-1-error", "Time limit per solve"),
    ("n-1", {"by": "galaxy"}, "n-1-error", "by"),
    ("monte-carlo", {"draws": "0"}, "monte-carlo-error", "draws"),
    ("monte-carlo", {"draws": "abc"}, "monte-carlo-error", "Draws"),
    ("monte-carlo", {"draws": "2.5"}, "monte-carlo-error", "draws"),
    ("monte-carlo", {"draws": "5", "withdraw_pct": "250"}, "monte-carlo-error",
     "withdraw_probability"),
    ("monte-carlo", {"draws": "5", "seed": "-1"}, "monte-carlo-error", "seed"),
    ("budget", {"scales": "0.8, lots"}, "budget-error", "'lots' is not a number"),
    ("budget", {"scales": "0.8, nan"}, "budget-error", "'nan' is not a number"),
    ("budget", {"scales": "0, 1"}, "budget-error", "scales"),
    ("budget", {"scales": "1", "time_limit_s": "-3"}, "budget-error", "time_limit_s"),
]


@pytest.mark.parametrize("action, fields, error_id, words", BAD_FORMS,
                         ids=[f"{a}-{'-'.join(f'{k}={v}' for k, v in f.items())}"
                              for a, f, _, _ in BAD_FORMS])
def test_bad_form_input_shows_what_to_change_and_starts_nothing(
        qclient: TestClient, q_planner: Caller, q_scenario: str, action: str,
        fields: dict[str, str], error_id: str, words: str) -> None:
    csrf = sign_in(qclient, q_planner)
    jobs = job_count(qclient, q_planner)
    refused = qclient.post(f"/scenarios/{q_scenario}/{action}", data={"csrf": csrf, **fields})
    assert 400 <= refused.status_code < 500, refused.text
    assert refused.status_code == 422, refused.status_code
    page = parse(refused.text)
    assert page.by_id("scenario-name").words == "family-small-0"
    block = page.by_id(error_id)
    assert block.attrs["role"] == "alert"
    assert block.words.startswith("Not started."), block.words
    assert words in block.words, block.words
    others = {"solve-error", "whatif-error", "n-1-error", "monte-carlo-error",
              "budget-error"} - {error_id}
    assert not others & page.ids
    assert job_count(qclient, q_planner) == jobs


@pytest.mark.parametrize("action, fields", [
    ("whatif", {"withdraw_state": "AGO", "minimise_changes": "1"}),
    ("whatif", {"budget_factor": "0.9", "budget_factor_mission": "OP-CAF",
                "personnel_ceiling": "1,000", "ceiling_mission": "OP-CAF",
                "women_target_pct": "15", "time_limit_s": "30", "variant": "tight"}),
    ("n-1", {"by": "state", "time_limit_s": "20"}),
    ("monte-carlo", {"draws": "5", "withdraw_pct": "5", "delay_pct": "10",
                     "delay_days": "30", "seed": "3"}),
    ("budget", {"scales": "0.8; 1, 1.2", "time_limit_s": "20"}),
])
def test_good_job_forms_open_their_queued_job(qclient: TestClient, q_planner: Caller,
                                              q_scenario: str, action: str,
                                              fields: dict[str, str]) -> None:
    csrf = sign_in(qclient, q_planner)
    jobs = job_count(qclient, q_planner)
    started = qclient.post(f"/scenarios/{q_scenario}/{action}", data={"csrf": csrf, **fields})
    assert started.status_code == 303, started.text
    job_id = started.headers["location"].removeprefix("/jobs/")
    assert started.headers["location"] == f"/jobs/{job_id}"
    assert job_count(qclient, q_planner) == jobs + 1
    job = qclient.get(f"/v1/jobs/{job_id}", headers=q_planner.bearer).json()
    assert job["kind"] == action and job["status"] == "queued"
    shown = qclient.get(started.headers["location"])
    assert shown.status_code == 200
    assert parse(shown.text).by_id("progress").attrs["data-job"] == job_id
    # Leave nothing queued for the next test's per-token limit.
    assert qclient.post(f"/jobs/{job_id}/cancel", data={"csrf": csrf}).status_code == 303


@pytest.mark.parametrize("fields", [
    {"personnel_ceiling": "nan", "ceiling_mission": "OP-CAF"},
    {"women_target_pct": "nan"},
], ids=["ceiling", "women-target"])
def test_a_what_if_with_a_number_that_is_not_a_number_is_refused(
        qclient: TestClient, q_planner: Caller, q_scenario: str,
        fields: dict[str, str]) -> None:
    csrf = sign_in(qclient, q_planner)
    jobs = job_count(qclient, q_planner)
    refused = qclient.post(f"/scenarios/{q_scenario}/whatif", data={"csrf": csrf, **fields})
    try:
        assert refused.status_code == 422, refused.headers.get("location")
        assert "whatif-error" in parse(refused.text).ids
        assert job_count(qclient, q_planner) == jobs
    finally:
        if refused.status_code == 303:  # leave nothing queued
            qclient.post(f"{refused.headers['location']}/cancel", data={"csrf": csrf})


# ----- 11. escaping -----------------------------------------------------------------------------
def evil_document(small: dict) -> dict:
    document = json.loads(json.dumps(small))
    document["name"] = f"evil {EVIL_SCRIPT} {EVIL_ATTRIBUTE}"
    document["missions"][0]["name"] = EVIL_SCRIPT
    used = {p["state"] for p in document["unit_pledges"]}
    state = next(s for s in document["member_states"] if s["code"] in used)
    state["name"] = EVIL_ATTRIBUTE
    return document


def assert_escaped(html: str, *, mission: bool = True, state: bool = False) -> None:
    assert "<script>alert(1)" not in html
    assert '"onerror=' not in html
    assert "onerror=alert(1) x=\"" not in html
    if mission:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    if state:
        assert "&#34;onerror=alert(1) x=&#34;" in html or "&quot;onerror=alert(1) x=&quot;" in html


def test_scenario_text_is_escaped_on_every_page(client: TestClient, planner: Caller,
                                                small_document: dict) -> None:
    csrf = sign_in(client, planner)
    document = evil_document(small_document)
    uploaded = upload(client, csrf, "evil.json", json.dumps(document).encode(),
                      "application/json")
    assert uploaded.status_code == 201, uploaded.text
    assert_escaped(uploaded.text)
    assert_safe_page(uploaded)
    listed = client.get("/v1/scenarios", headers=planner.bearer).json()["data"]
    scenario_id = next(s["id"] for s in listed if s["name"] == document["name"])
    assert EVIL_SCRIPT in parse(uploaded.text).by_id("scenario-name").words

    assert_escaped(client.get("/scenarios").text)
    for path, state in ((f"/scenarios/{scenario_id}", False),
                        (f"/scenarios/{scenario_id}?table=missions", False),
                        (f"/scenarios/{scenario_id}?table=member_states", True)):
        shown = client.get(path)
        assert shown.status_code == 200
        assert_escaped(shown.text, state=state)
        assert_safe_page(shown)
    members = parse(client.get(f"/scenarios/{scenario_id}?table=member_states").text)
    assert EVIL_ATTRIBUTE in members.text

    started = client.post(f"/scenarios/{scenario_id}/solve",
                          data={"csrf": csrf, "backend": "cbc", "time_limit_s": "60"})
    assert started.status_code == 303, started.text
    job_id = started.headers["location"].removeprefix("/jobs/")
    assert_escaped(client.get(f"/jobs/{job_id}").text)
    assert wait_for_job(client, job_id)["status"] == "done"
    shown = client.get(f"/jobs/{job_id}")
    assert_escaped(shown.text)
    assert_safe_page(shown)
    _, rows = table_of(shown.text, "table-missions")
    assert EVIL_SCRIPT in [row[1] for row in rows]
    chart = client.get(f"/jobs/{job_id}/chart.svg")
    assert chart.status_code == 200 and b"<script" not in chart.content

    # A form's problem page repeats the scenario's text, escaped too.
    refused = client.post(f"/scenarios/{scenario_id}/whatif", data={"csrf": csrf})
    assert refused.status_code == 422
    assert_escaped(refused.text)


def test_a_bad_uploads_problems_are_escaped(client: TestClient, planner: Caller,
                                           small_document: dict) -> None:
    csrf = sign_in(client, planner)
    before = scenario_count(client, planner)
    document = json.loads(json.dumps(small_document))
    document["requirements"][0]["mission_id"] = EVIL_SCRIPT
    document["unit_pledges"][0]["state"] = EVIL_ATTRIBUTE
    refused = upload(client, csrf, "<script>evil.json", json.dumps(document).encode(),
                     "application/json")
    assert refused.status_code == 422, refused.text
    assert_escaped(refused.text, mission=False)
    assert_safe_page(refused)
    rows = assert_problem_table(refused)
    assert any(EVIL_SCRIPT in " ".join(row) for row in rows), rows
    assert scenario_count(client, planner) == before


# ----- 12. static files -------------------------------------------------------------------------
@pytest.mark.parametrize("path, kind", [
    ("/static/app.js", ("text/javascript", "application/javascript")),
    ("/static/app.css", ("text/css",)),
    ("/assets/plan.css", ("text/css",)),
])
def test_the_static_files(client: TestClient, path: str, kind: tuple[str, ...]) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0].strip() in kind
    assert answer.content.strip()
    if path.endswith(".css"):
        assert "{" in answer.text and "<" not in answer.text
    assert client.get("/static/no-such-file.js").status_code == 404


@pytest.mark.parametrize("submitted", ["\U0001f600" * 50, "caf\u00e9", " " * 64])
def test_a_csrf_field_of_any_text_is_refused_not_a_server_error(
        client: TestClient, planner: Caller, submitted: str) -> None:
    # hmac.compare_digest refuses a str with non-ASCII characters: compared as bytes.
    sign_in(client, planner)
    refused = client.post("/scenarios", data={"csrf": submitted},
                          files={"file": ("s.json", b"{}", "application/json")})
    assert refused.status_code == 403, refused.text


# ----- any input -------------------------------------------------------------------------------
FORM_FIELDS = ["backend", "time_limit_s", "variant", "withdraw_state", "withdraw_pledge",
               "budget_factor", "budget_factor_mission", "budget_mission", "budget_usd",
               "ceiling_mission", "personnel_ceiling", "women_target_pct", "minimise_changes",
               "by", "draws", "seed", "withdraw_pct", "delay_pct", "delay_days", "scales"]
STRANGE = st.one_of(
    st.sampled_from(["", "nan", "inf", "-inf", "-1", "0", "1e400", "1e9", "0x10", "1_000",
                     "1,2,,3", "AGO", "OP-CAF", "state", "pledge", "cbc", "auto", "\u00b2",
                     "<script>", "9" * 400]),
    st.text(max_size=40))


@pytest.fixture(scope="module")
def fuzzer(queue: TestClient, q_planner: Caller) -> Caller:
    """A planner of its own, so the jobs its forms queue count against no other test's limit."""
    return new_token(queue, "planner", q_planner.workspace, name="fuzzer")


# No "delete": a valid one would remove the module's scenario (its guards are tested above).
@given(action=st.sampled_from(["solve", "whatif", "n-1", "monte-carlo", "budget",
                               "no-such-action"]),
       fields=st.dictionaries(st.sampled_from(FORM_FIELDS), STRANGE, max_size=8),
       query=st.text(max_size=30))
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_no_form_or_query_makes_a_page_fail(
        qclient: TestClient, fuzzer: Caller, q_scenario: str, action: str,
        fields: dict[str, str], query: str) -> None:
    """Whatever a form or a query holds, a page answers it: never a server error."""
    if "pa_session" not in qclient.cookies:
        sign_in(qclient, fuzzer)
    csrf = parse(qclient.get("/scenarios").text).csrf
    posted = qclient.post(f"/scenarios/{q_scenario}/{action}",
                          data={"csrf": csrf, **fields})
    assert posted.status_code < 500, posted.text[:300]
    q = urllib.parse.quote(query, safe="")
    for path in (f"/scenarios/{q_scenario}?table={q}&offset=7", f"/scenarios?m={q}",
                 f"/jobs/{q}", f"/sign-in?m={q}", f"/scenarios/{q}"):
        assert qclient.get(path).status_code < 500, path
