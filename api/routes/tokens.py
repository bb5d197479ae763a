"""API tokens (admin): create one (its secret is shown once), list them, revoke one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select

from ..auth import Role, create_token
from ..db import Token, utcnow
from ..deps import Admin, SessionDep
from ..errors import ApiError
from ..schemas import ErrorOut, TokenCreate, TokenCreated, TokenPublic, TokensPublic
from . import UNEXPECTED
from .scenarios import ERRORS

router = APIRouter(prefix="/v1/tokens", tags=["tokens"], responses=UNEXPECTED)
TOKEN_ERRORS = {**ERRORS, 404: {"model": ErrorOut, "description": "no such token"}}


@router.post("", status_code=201, response_model=TokenCreated, responses=ERRORS)
def create(body: TokenCreate, session: SessionDep, _: Admin) -> Any:
    """Create a token for a workspace and a role; its secret is in this answer only."""
    token, secret = create_token(session, name=body.name, role=Role(body.role),
                                 workspace=body.workspace)
    session.commit()  # before the answer: the secret works from the next request on
    return TokenCreated(**TokenPublic.model_validate(token).model_dump(), token=secret)


@router.get("", response_model=TokensPublic, responses=ERRORS)
def list_tokens(session: SessionDep, _: Admin) -> Any:
    """Every token of every workspace, oldest first; secrets are never shown."""
    rows = session.scalars(select(Token).order_by(Token.created_at, Token.id)).all()
    count = session.scalar(select(func.count()).select_from(Token)) or 0
    return TokensPublic(data=[TokenPublic.model_validate(t) for t in rows], count=count)


@router.delete("/{token_id}", response_model=TokenPublic, responses=TOKEN_ERRORS)
def revoke(token_id: str, request: Request, session: SessionDep, _: Admin) -> Any:
    """Revoke a token; it is refused from the next request on. Revoking it again changes nothing."""
    token = session.get(Token, token_id)
    if token is None:
        raise ApiError(404, "not_found", f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.commit()
    request.app.state.tokens.forget(token.token_hash)  # refused from the next request on
    return token
