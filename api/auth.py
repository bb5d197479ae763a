"""API tokens: random secrets shown once, stored as SHA-256 digests, each with a role.

A token is 256 random bits, so a fast digest is enough (a slow password hash guards weak
human secrets, which these are not); lookups go by digest, so no secret is ever compared.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import Token

TOKEN_PREFIX = "pa_"


class Role(StrEnum):
    """Roles are ranked: each may do what the ones below it may."""

    analyst = "analyst"  # read the workspace's scenarios, jobs and results
    planner = "planner"  # and submit scenarios, start and cancel solves
    admin = "admin"  # and manage tokens of every workspace


RANK = {Role.analyst: 0, Role.planner: 1, Role.admin: 2}


def allows(role: str, needed: Role) -> bool:
    """Whether a token of ``role`` may do what ``needed`` may (each role may do what the ones below
    it may)."""
    return RANK[Role(role)] >= RANK[needed]


def digest(secret: str) -> str:
    """The SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, *, name: str, role: Role, workspace: str) -> tuple[Token, str]:
    """Store a new token and return it with its secret (the only time the secret exists)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = Token(name=name, role=role.value, workspace=workspace, token_hash=digest(secret))
    session.add(token)
    session.flush()
    return token, secret


def find_token(session: Session, secret: str) -> Token | None:
    """The token with this secret, or None when it is unknown or revoked."""
    token = session.scalars(select(Token).where(Token.token_hash == digest(secret))).first()
    if token is None or token.revoked_at is not None:
        return None
    return token


class TokenCache:
    """Recently seen tokens by digest, so a poll costs no database round trip for its token.

    An entry lives ``ttl_s`` seconds; revoking through this service forgets it at once, so only
    a token revoked elsewhere (another service process, a database edit) works on for at most
    ``ttl_s``. Measured under 50 polling clients: the lookup's thread-pool hop was a large part
    of each request.
    """

    def __init__(self, ttl_s: float = 10.0):
        self.ttl_s = ttl_s
        self._entries: dict[str, tuple[Token, float]] = {}
        self._lock = threading.Lock()

    def get(self, secret: str) -> Token | None:
        key = digest(secret)
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, token: Token) -> None:
        with self._lock:
            if len(self._entries) > 10_000:  # bounded: unknown secrets are never stored
                self._entries.clear()
            self._entries[token.token_hash] = (token, time.monotonic() + self.ttl_s)

    def forget(self, token_hash: str) -> None:
        with self._lock:
            self._entries.pop(token_hash, None)
