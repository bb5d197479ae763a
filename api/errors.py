"""Every error the service answers with has one JSON form:
``{"error": code, "message": text, "problems": [located problems]}``."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from allocator.errors import ScenarioError

error_log = logging.getLogger("allocator.api.errors")


class ApiError(Exception):
    """An error the service answers with: an HTTP status, a code and a message, with optional
    headers and located problems."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None,
                 problems: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers
        self.problems = problems


def invalid_request(table: str, column: str | None, message: str,
                    code: str = "request_invalid") -> ApiError:
    """A 422 for a part of the request the service's own checks refuse, located as FastAPI
    locates its own validation errors (see ``_request_problem``)."""
    return ApiError(422, code, message, problems=[
        {"table": table, "row": None, "column": column, "message": message,
         "source": "request"}])


def body(code: str, message: str, problems: list[dict[str, Any]] | None = None
         ) -> dict[str, Any]:
    """The JSON body of every error: ``{"error": code, "message": text, "problems": [...]}``."""
    return {"error": code, "message": message, "problems": problems or []}


def _request_problem(error: dict[str, Any]) -> dict[str, Any]:
    # FastAPI's own validation (query, path, body shape) in the same located form as a
    # scenario problem: "table" is the part of the request, "column" the field.
    loc = [str(part) for part in error.get("loc", ())]
    return {"table": loc[0] if loc else "request", "row": None,
            "column": ".".join(loc[1:]) or None, "message": error.get("msg", "invalid"),
            "source": "request"}


def install(app: FastAPI) -> None:
    """Answer every error in the one JSON form: the service's own, the library's scenario
    problems, FastAPI's validation and HTTP errors."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, err: ApiError) -> JSONResponse:
        return JSONResponse(body(err.code, err.message, err.problems), status_code=err.status,
                            headers=err.headers)

    @app.exception_handler(ScenarioError)
    async def _scenario_error(_: Request, err: ScenarioError) -> JSONResponse:
        noun = "problem" if len(err.problems) == 1 else "problems"
        return JSONResponse(
            body("scenario_invalid", f"the scenario has {len(err.problems)} {noun}; nothing "
                 "was stored", [p.to_dict() for p in err.problems]), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _request_error(_: Request, err: RequestValidationError) -> JSONResponse:
        problems = [_request_problem(e) for e in err.errors()]
        return JSONResponse(body("request_invalid", "the request is not valid", problems),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        if err.status_code == 400:
            # FastAPI answers a body it cannot decode (not UTF-8, say) with a bare 400; it is
            # invalid input like any other, so it gets the same located 422.
            return await _api_error(request, invalid_request(
                "body", None, f"cannot read the request body: {err.detail}"))
        code = {404: "not_found", 405: "method_not_allowed"}.get(err.status_code, "http_error")
        return JSONResponse(body(code, str(err.detail)), status_code=err.status_code,
                            headers=getattr(err, "headers", None))


def internal_error(request_id: str | None) -> dict[str, Any]:
    """The body of a 500: the error form, naming the request id the log line carries."""
    quoted = f"quote request id {request_id} when reporting this" if request_id else \
        "report the time of the request"
    return body("internal_error", f"the service failed on an unexpected error; {quoted}")


class CatchAll:
    """ASGI middleware: any exception no handler answered (a route, a dependency, reading an
    upload, a middleware below this one) is logged with the request id and its traceback and
    answered 500 in the error form, with the ``x-request-id`` header ``RequestLog`` adds.

    It sits just inside ``RequestLog`` (which puts the id in ``scope["state"]``) and does not
    re-raise: Starlette's outermost ServerErrorMiddleware would answer in plain text, and
    uvicorn closes the connection of a request whose app raised, which reset the client's
    next request on a kept-alive connection."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception:
            request_id = scope.get("state", {}).get("request_id")
            error_log.exception("unexpected error", extra={
                "request_id": request_id, "method": scope.get("method"),
                "path": scope.get("path"), "response_started": started})
            if started:
                # Half an answer is out: nothing truthful can follow it, and the server
                # closes this connection when the app returns without finishing.
                return
            content = json.dumps(internal_error(request_id)).encode()
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(content)).encode())]})
            await send({"type": "http.response.body", "body": content})
