"""Every error the service answers with has one JSON form:
``{"error": code, "message": text, "problems": [located problems]}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from allocator.errors import ScenarioError


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
