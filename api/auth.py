"""API tokens: random secrets shown once, stored as SHA-256 digests, each with a role.

A token is 256 random bits, so a fast digest is enough (a slow password hash guards weak
human secrets, which these are not); lookups go by digest, so no secret is ever compared.
"""

from __future__ import annotations

import hashlib
import secrets
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
    return RANK[Role(role)] >= RANK[needed]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, *, name: str, role: Role, workspace: str) -> tuple[Token, str]:
    """Store a new token and return it with its secret (the only time the secret exists)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = Token(name=name, role=role.value, workspace=workspace, token_hash=digest(secret))
    session.add(token)
    session.flush()
    return token, secret


def find_token(session: Session, secret: str) -> Token | None:
    token = session.scalars(select(Token).where(Token.token_hash == digest(secret))).first()
    if token is None or token.revoked_at is not None:
        return None
    return token
