"""Helpers of the pages' route tests (``test_routes.py``): an app on its own SQLite file, tokens
with their secrets, signing in through the form, reading a page's forms, ids and tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.auth import Role, create_token
from api.main import create_app
from api.settings import Settings

from ..api.live import wait_for

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
SMALL = DATASETS / "families" / "small"
UN_2025 = ROOT / "examples" / "un_2025.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENDED = ("done", "failed", "cancelled")
EVIL_ORIGIN = "https://evil.example"

Headers = dict[str, str]


# ----- the service ---------------------------------------------------------------------------
def settings_for(folder: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        database_url=f"sqlite:///{folder / 'service.db'}", workers=1,
        max_upload_bytes=4 * 1024 * 1024, max_time_limit_s=120, default_time_limit_s=30,
        sync_time_limit_s=10, max_queued_jobs_per_token=100)
    return Settings(**{**values, **overrides})


@contextmanager
def service(folder: Path, **overrides: Any) -> Iterator[TestClient]:
    """The app on a fresh SQLite file under ``folder`` (its lifespan runs: the schema, the job
    runner, the fork server), as a client that does not follow redirects."""
    with TestClient(create_app(settings_for(folder, **overrides)),
                    follow_redirects=False) as client:
        yield client


@dataclass(frozen=True)
class Caller:
    """A token: its id, its secret (what the sign-in form takes) and its role and workspace."""

    id: str
    secret: str
    role: str
    workspace: str

    @property
    def bearer(self) -> Headers:
        return {"Authorization": f"Bearer {self.secret}"}


def new_token(client: TestClient, role: str = "planner", workspace: str = "w1",
              name: str = "test") -> Caller:
    """A new token made as ``tests/api/conftest.py``'s ``make_token`` makes one, with its
    secret."""
    with client.app.state.db.session() as session:  # type: ignore[attr-defined]
        token, secret = create_token(session, name=name, role=Role(role), workspace=workspace)
        token_id = token.id
    return Caller(token_id, secret, role, workspace)


def sign_in(client: TestClient, caller: Caller) -> str:
    """Sign in through the form (the cookie lands in the client's jar); the session's CSRF
    token, read from the scenarios page's sign-out form."""
    client.cookies.clear()
    signed = client.post("/sign-in", data={"token": caller.secret})
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == "/scenarios"
    listing = client.get("/scenarios")
    assert listing.status_code == 200, listing.text
    return parse(listing.text).csrf


def wait_for_job(client: TestClient, job_id: str, headers: Headers | None = None,
                 timeout_s: float = 60) -> dict:
    """Poll ``GET /v1/jobs/{id}`` (with ``headers``, else with the session cookie) until the
    job has ended; its last state."""

    def ended() -> dict | None:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers)
        assert job.status_code == 200, job.text
        return job.json() if job.json()["status"] in ENDED else None

    return wait_for(ended, timeout_s, f"job {job_id} to end", every_s=0.05)


def scenario_count(client: TestClient, caller: Caller) -> int:
    listed = client.get("/v1/scenarios", headers=caller.bearer)
    assert listed.status_code == 200, listed.text
    return listed.json()["count"]


def job_count(client: TestClient, caller: Caller) -> int:
    listed = client.get("/v1/jobs", headers=caller.bearer)
    assert listed.status_code == 200, listed.text
    return listed.json()["count"]


def job_status(client: TestClient, caller: Caller, job_id: str) -> str:
    job = client.get(f"/v1/jobs/{job_id}", headers=caller.bearer)
    assert job.status_code == 200, job.text
    return job.json()["status"]


def scenario_exists(client: TestClient, caller: Caller, scenario_id: str) -> bool:
    read = client.get(f"/v1/scenarios/{scenario_id}", headers=caller.bearer)
    assert read.status_code in (200, 404), read.text
    return read.status_code == 200


def set_cookies(response: Any) -> list[str]:
    return response.headers.get_list("set-cookie")


def cookie_attributes(header: str) -> tuple[str, str, dict[str, str]]:
    """(name, value, {attribute in lower case: its value}) of one Set-Cookie header."""
    first, *rest = [part.strip() for part in header.split(";")]
    name, _, value = first.partition("=")
    attributes = {}
    for part in rest:
        key, _, val = part.partition("=")
        attributes[key.strip().lower()] = val.strip()
    return name, value, attributes


def cleared(header: str) -> bool:
    """Whether a Set-Cookie header deletes its cookie (Max-Age=0 or an expiry in 1970)."""
    _, value, attributes = cookie_attributes(header)
    return value in ("", '""') and (attributes.get("max-age") == "0"
                                    or "1970" in attributes.get("expires", ""))


# ----- reading a page -------------------------------------------------------------------------
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})


@dataclass
class Element:
    """An element: its tag, attributes and the text inside it (white space as in the page;
    ``words`` collapses it)."""

    tag: str
    attrs: dict[str, str]
    text: str = ""

    @property
    def words(self) -> str:
        return " ".join(self.text.split())


class Page(HTMLParser):
    """What the tests read of a page: every element's tag and attributes, the text of each
    script and style element, forms by id with their fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.scripts: list[Element] = []
        self.styles: list[Element] = []
        self.forms: dict[str, dict[str, str]] = {}
        self.texts: list[str] = []
        self._open: Element | None = None
        self._form: dict[str, str] | None = None
        self._stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in VOID:
            self._stack.append(element)
        if tag in ("script", "style"):
            self._open = element
            (self.scripts if tag == "script" else self.styles).append(element)
        if tag == "form":
            self._form = self.forms.setdefault(element.attrs.get("id", f"#{len(self.forms)}"),
                                               {"@action": element.attrs.get("action", "")})
        if tag in ("input", "select", "textarea") and self._form is not None:
            name = element.attrs.get("name")
            if name:
                self._form[name] = element.attrs.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._open = None
        if tag == "form":
            self._form = None
        if any(e.tag == tag for e in self._stack):
            while self._stack and self._stack.pop().tag != tag:
                pass

    def handle_data(self, data: str) -> None:
        for element in self._stack:
            element.text += data
        if self._open is None:
            self.texts.append(data)

    @property
    def ids(self) -> set[str]:
        return {e.attrs["id"] for e in self.elements if "id" in e.attrs}

    @property
    def text(self) -> str:
        """The page's visible text, white space collapsed."""
        return " ".join(" ".join(self.texts).split())

    @property
    def csrf(self) -> str:
        values = {f["csrf"] for f in self.forms.values() if "csrf" in f}
        assert len(values) == 1, f"expected one CSRF token on the page, found {values}"
        return values.pop()

    def by_id(self, element_id: str) -> Element:
        found = [e for e in self.elements if e.attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.header: list[str] = []
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.header if self._in_head else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_of(html: str, container_id: str) -> tuple[list[str], list[list[str]]]:
    """(header, body rows as cell texts) of the first table inside the element with this id;
    an element with no table (a "None." note) gives no rows."""
    start = html.find(f'id="{container_id}"')
    assert start >= 0, f"no element with id {container_id!r}"
    table_start = html.find("<table", start)
    end = html.find("</table>", table_start)
    next_container = html.find('class="pa-table"', start + 1)
    if table_start < 0 or (0 <= next_container < table_start):
        return [], []
    cells = _Cells()
    cells.feed(html[table_start:end + len("</table>")])
    return cells.header, cells.rows
