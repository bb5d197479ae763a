"""A request body larger than the limit is refused before the app reads it (HTTP 413).

The API answers the refusal in its JSON form here. A page's form post (any path outside
``/v1``) reaches its route with an empty body and ``TOO_LARGE`` in its scope instead, so the
page can say it in the page (a planner's browser would show the JSON as a bare document).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import body

TOO_LARGE = "allocator.body_too_large"
"""Scope key a page route finds set (to the limit in bytes) when its body was refused."""


class BodyLimit:
    """Checks ``content-length``; a body sent without one (chunked) is read up to the limit
    here and handed on whole, so the app never sees more than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > self.max_bytes:
                await self._refuse(scope, send)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        whole = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": whole, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if not scope["path"].startswith("/v1"):
            async def nothing() -> Message:
                return {"type": "http.request", "body": b"", "more_body": False}

            await self.app({**scope, TOO_LARGE: self.max_bytes}, nothing, send)
            return
        content = json.dumps(body(
            "upload_too_large", f"the request body is larger than {self.max_bytes:,} bytes "
            "(ALLOCATOR_MAX_UPLOAD_BYTES); send a smaller file or ask an admin")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(content)).encode())]})
        await send({"type": "http.response.body", "body": content})
