"""Playwright, the system Chromium and the live service work together."""

from __future__ import annotations

import json
from typing import Any

from ..api.live import LiveService


def test_the_browser_reads_the_services_health_and_openapi(page: Any, live: LiveService) -> None:
    response = page.goto(f"{live.url}/healthz")
    assert response is not None and response.status == 200
    assert json.loads(page.inner_text("body")) == {"status": "ok", "database": "ok"}

    response = page.goto(f"{live.url}/openapi.json")
    assert response is not None and response.status == 200
    document = json.loads(page.inner_text("body"))
    assert "/healthz" in document["paths"]


def test_a_nonexistent_path_answers_404(page: Any, live: LiveService) -> None:
    response = page.goto(f"{live.url}/no-such-page")
    assert response is not None and response.status == 404
