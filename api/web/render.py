"""Drawing a page: the Jinja2 environment of ``api/web/templates`` (every value escaped) and the
headers every page carries (``SecurityHeaders``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from allocator.result.html import shown

from .session import SignedIn

HERE = Path(__file__).parent

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""No inline script or style, nothing from another host (planners' networks are often
closed, and a scenario's text can never become script), forms post only here."""

PAGE_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" with the
    # page's own form posts, which the origin check (session.same_origin) must refuse.
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


@cache
def environment() -> Environment:
    # The pages' own templates, then the library's (the plan and its tables render the same
    # in a notebook and here).
    loader = ChoiceLoader([FileSystemLoader(HERE / "templates"),
                           PackageLoader("allocator.result", "templates")])
    env = Environment(loader=loader,
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["shown"] = shown
    return env


def page(request: Request, template: str, *, signed_in: SignedIn | None = None,
         status_code: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context``, the caller and their CSRF token."""
    html = environment().get_template(template).render(
        request=request, me=signed_in, csrf=signed_in.csrf if signed_in else "", **context)
    return HTMLResponse(html, status_code=status_code)


class SecurityHeaders:
    """Adds ``PAGE_HEADERS`` to every HTML and SVG answer outside the API's documentation
    pages (``/docs`` and ``/redoc`` load FastAPI's own script and keep their headers)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/docs", "/redoc")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kind = next((v for k, v in headers if k == b"content-type"), b"")
                if kind.startswith((b"text/html", b"image/svg")):
                    present = {k for k, _ in headers}
                    headers += [(k.encode(), v.encode()) for k, v in PAGE_HEADERS.items()
                                if k.encode() not in present]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
