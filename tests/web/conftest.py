"""Browser fixtures: Debian's system Chromium driven by Playwright, against the real service.

The browser is the system's ``chromium`` (installed by ``scripts/install-browser``), launched
through Playwright's ``executable_path``: Playwright's own browser download is never used, as
it does not work on closed networks. Without Chromium the browser tests are skipped, except
under ``CI=true``, where they fail so that CI cannot pass without running them.

One browser and one service (``allocator serve`` on a free port with a SQLite file, as an
operator runs it) serve the whole session; each test gets a fresh browser context, so cookies
and storage never leak between tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..api.live import LiveService

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
# Every Playwright wait (goto, click, expect, ...) gives up after this, so no test can hang.
TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Headless in a container, with nothing contacting the network on its own: without the
# background-networking flags Chromium's own connections are refused on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
MISSING = ("Chromium is not installed (no /usr/bin/chromium nor chromium on PATH): "
           "run scripts/install-browser as root (apt-get install chromium) for the browser tests")


def chromium_path() -> str:
    """The system Chromium; skip without it (fail under ``CI=true``)."""
    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM)
    found = shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(MISSING, pytrace=False)
    pytest.skip(MISSING)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, headless=True,
                                     args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """The real service, started once for the browser tests; ``live.url`` is its address."""
    service = LiveService(tmp_path_factory.mktemp("web-service"))
    try:
        yield service.start()
    finally:
        service.stop()


def _page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh desktop-sized context (1280x800), downloads accepted."""
    yield from _page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A page in a fresh phone-sized context (390x844), downloads accepted."""
    yield from _page(browser, PHONE)


class Tokens:
    """New tokens of any role and workspace, made through ``POST /v1/tokens`` with one admin
    token from ``allocator token create`` (each CLI call starts a Python process: about 2 s)."""

    def __init__(self, live: LiveService):
        self.live = live
        self.admin = live.cli_token("admin", "default")

    def make(self, role: str, workspace: str, name: str = "") -> dict[str, Any]:
        """The created token's record, its secret under ``token``."""
        import httpx

        made = httpx.post(f"{self.live.url}/v1/tokens", timeout=10,
                          headers={"Authorization": f"Bearer {self.admin}"},
                          json={"name": name or role, "role": role, "workspace": workspace})
        assert made.status_code == 201, made.text
        return made.json()

    def __call__(self, role: str, workspace: str) -> str:
        """A new token's secret."""
        return self.make(role, workspace)["token"]


@pytest.fixture(scope="session")
def tokens(live: LiveService) -> Tokens:
    return Tokens(live)
