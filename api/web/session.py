"""Signing in to the pages: the API token in a cookie no script can read, and the guards of
every state-changing form.

- The cookie (``pa_session``) is ``HttpOnly`` (no script reads it), ``SameSite=Strict`` (no
  other site's page sends it), ``Secure`` behind HTTPS, and holds ``<expiry>.<token>``: the
  token stays the only credential (revoking it signs the page out at the next request), and the
  expiry lets the page say "your session has ended" rather than show a bare sign-in. The expiry
  needs no signature: it only limits the holder's own token, which works anyway as a bearer.
- The API's own routes take the cookie for reading only (``GET``), so the page's script can
  follow a job and the download links work, while no cross-site request can change anything
  through them.
- Every page form carries a CSRF token, an HMAC of the API token's digest (the synchronizer
  pattern without server state), and a request from another origin is refused by its
  ``Origin`` header as well.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from ..auth import Role, allows, digest
from ..db import Token

COOKIE = "pa_session"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class SignedIn:
    """The caller of a page: their token (its role and workspace) and its secret."""

    token: Token
    secret: str

    @property
    def csrf(self) -> str:
        """The CSRF token every form of this session carries."""
        return csrf_token(self.token.token_hash)

    def can(self, role: Role) -> bool:
        return allows(self.token.role, role)


def csrf_token(token_hash: str) -> str:
    """The CSRF token of a session: an HMAC of the API token's digest (itself secret: only the
    token's holder can know it), stable for the token and useless without the cookie."""
    return hmac.new(b"pledge-allocator-csrf", token_hash.encode(), hashlib.sha256).hexdigest()


def cookie_value(secret: str, session_s: float) -> str:
    return f"{int(time.time() + session_s)}.{secret}"


def read_cookie(request: Request) -> tuple[str | None, bool]:
    """(the token secret of the session cookie, whether the session has ended)."""
    raw = request.cookies.get(COOKIE)
    if not raw or "." not in raw:
        return None, False
    expiry, _, secret = raw.partition(".")
    # isascii too: "²".isdigit() is true, and int("²") fails.
    if not (expiry.isascii() and expiry.isdigit()) or not secret:
        return None, False
    if int(expiry) < time.time():
        return None, True
    return secret, False


def set_cookie(response: Response, request: Request, secret: str, session_s: float) -> None:
    """Sign in: the cookie lives a day past the session, so an ended session is recognised."""
    response.set_cookie(COOKIE, cookie_value(secret, session_s),
                        max_age=int(session_s) + 86_400, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another origin (the ``Origin``
    header, sent with every cross-site form post); True when it matches or is absent."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def csrf_ok(request: Request, signed_in: SignedIn, submitted: str | None) -> bool:
    """Whether a state-changing form is this session's own: same origin, and its CSRF token."""
    # As bytes: compare_digest refuses a str with non-ASCII characters (TypeError, a 500).
    return same_origin(request) and submitted is not None and hmac.compare_digest(
        submitted.encode("utf-8", "surrogatepass"), signed_in.csrf.encode())


__all__ = ["COOKIE", "CSRF_FIELD", "SAFE_METHODS", "SignedIn", "clear_cookie", "csrf_ok",
           "csrf_token", "digest", "read_cookie", "set_cookie"]
