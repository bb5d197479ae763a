"""Typed dependencies: the database session, the settings, the caller's token and role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from .auth import Role, TokenCache, allows, find_token
from .db import Database, Token
from .errors import ApiError
from .jobs import JobRunner
from .settings import Settings
from .web.session import SAFE_METHODS, read_cookie

bearer = HTTPBearer(auto_error=False, description="an API token: Authorization: Bearer pa_...")


# Dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` one in its thread
# pool, and those hops were a fifth of a poll's CPU time under 50 clients (py-spy).
async def get_database(request: Request) -> Database:
    """The app's database."""
    return request.app.state.db


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


async def get_runner(request: Request) -> JobRunner:
    """The app's job runner."""
    return request.app.state.runner


def get_session(db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A database session for the request; a route that writes commits before it answers.

    Nothing is committed here: FastAPI runs the code after ``yield`` once the response has been
    sent, so a commit here would let a client hold a 201 for a token or a 204 for a deletion
    that another request cannot see yet (a new token answered 401 on the next call). Whatever
    a route leaves uncommitted is rolled back when the session closes, so a forgotten commit
    loses its write in every test rather than only under load.
    """
    with db.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]


async def token_of(request: Request, secret: str) -> Token | None:
    """The token with this secret (from the cache, else the database), or None when it is
    unknown or revoked."""
    cache: TokenCache = request.app.state.tokens
    token = cache.get(secret)
    if token is None:
        db: Database = request.app.state.db

        def lookup() -> Token | None:
            with db.session() as session:
                return find_token(session, secret)

        token = await run_in_threadpool(lookup)
        if token is not None:
            cache.put(token)
    return token


async def _caller(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
                  ) -> Token:
    challenge = {"WWW-Authenticate": "Bearer"}
    secret = credentials.credentials if credentials is not None else None
    if secret is None and request.method in SAFE_METHODS:
        # The pages' session cookie, for reading only: the page's script follows a job and
        # its download links work, but nothing changes state without a bearer token.
        secret, _ = read_cookie(request)
    if secret is None:
        raise ApiError(401, "unauthenticated",
                       "send an API token: Authorization: Bearer <token>", challenge)
    token = await token_of(request, secret)
    if token is None:
        raise ApiError(401, "unauthenticated",
                       "this API token is unknown or revoked; ask an admin for a new one",
                       challenge)
    request.state.token_id = token.id
    request.state.workspace = token.workspace
    return token


def require(role: Role) -> Callable[..., Any]:
    """A dependency that returns the caller's token if its role is at least ``role``, and answers
    403 otherwise."""
    async def check(token: Annotated[Token, Depends(_caller)]) -> Token:
        if not allows(token.role, role):
            raise ApiError(403, "forbidden",
                           f"this needs the {role.value} role; your token is {token.role}")
        return token

    return check


Analyst = Annotated[Token, Depends(require(Role.analyst))]
Planner = Annotated[Token, Depends(require(Role.planner))]
Admin = Annotated[Token, Depends(require(Role.admin))]
