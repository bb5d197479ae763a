"""Structured request logs: one JSON object per line, one line per request."""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .metrics import Metrics

request_log = logging.getLogger("allocator.api.requests")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a log record as one JSON object: time, level, logger, message and the record's extra
    fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(level: str) -> None:
    """Send the service's logs (``allocator.api``) to stderr as JSON lines, from ``level`` up."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("allocator.api")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


class RequestLog:
    """ASGI middleware: request id, one log line and the metrics of every request."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:16]
        # Where the app (errors.CatchAll, a route) finds it: Request.state is scope["state"].
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("route")
            # The route's template (/v1/jobs/{job_id}), so metrics do not grow per id.
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.request(scope["method"], template, status, seconds)
            request_log.info("request", extra={
                "request_id": request_id, "method": scope["method"], "path": scope["path"],
                "route": template, "status": status, "duration_ms": round(seconds * 1000, 2),
                "token_id": scope.get("state", {}).get("token_id"),
                "workspace": scope.get("state", {}).get("workspace"),
            })
