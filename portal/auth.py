"""Who is asking: the portal's session cookie resolved on each request, the CSRF check, and ownership.

- The cookie (`hotline_portal`, HttpOnly, SameSite=Strict) carries a random token; the database keeps its digest.
- Every state-changing API request but the login carries `X-CSRF-Token`, the session's CSRF token (given by
  `GET /api/me` and in the page): a page of another site can neither read it nor send the header.
- The login needs a JSON body (a cross-site form cannot send one without a CORS preflight, which we never allow)
  and, when the browser says where it comes from (`Origin`), our own origin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from crm_core import client_sessions
from crm_core.client_sessions import ClientIdentity
from portal.context import context_of
from portal.errors import NOT_FOUND
from webapi.errors import ApiError, Handler

COOKIE = "hotline_portal"
IDENTITY: Any = web.RequestKey("client", object) if hasattr(web, "RequestKey") else "client"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Resolve the cookie into request[IDENTITY] (a ClientIdentity or None); enforce CSRF on the API."""
    token = session_token(request)
    identity = None
    if token and not request.path.startswith("/static/"):
        ctx = context_of(request)
        identity = await ctx.in_session(client_sessions.resolve, token, now=ctx.clock())
    request[IDENTITY] = identity
    if request.path.startswith("/api/") and request.method not in SAFE_METHODS:
        _check_origin(request)
        if request.path != "/api/login" and identity is not None and token is not None:
            presented = request.headers.get("X-CSRF-Token", "")
            if not client_sessions.csrf_matches(token, presented):
                raise ApiError(403, "missing or wrong X-CSRF-Token: reload the page", code="csrf")
    return await handler(request)


def session_token(request: web.Request) -> str | None:
    token = request.cookies.get(COOKIE)
    return token if token and len(token) <= 200 else None


def _check_origin(request: web.Request) -> None:
    origin = request.headers.get("Origin")  # its host only: behind a TLS proxy our own scheme may read http
    if origin is not None and urlsplit(origin).netloc != request.host:
        raise ApiError(403, "cross-site request refused", code="origin")
    if request.body_exists and request.content_type != "application/json":
        raise ApiError(415, "send JSON (Content-Type: application/json)")


def identity_of(request: web.Request) -> ClientIdentity | None:
    identity: ClientIdentity | None = request.get(IDENTITY)
    return identity


def require(request: web.Request) -> ClientIdentity:
    identity = identity_of(request)
    if identity is None:
        raise ApiError(401, "not logged in, or the session has expired: log in again")
    return identity


def readable(request: web.Request, account_number: str) -> ClientIdentity:
    """The caller, who may read this fund account; another client's account is the same 404 as none."""
    identity = require(request)
    if not identity.may_read(account_number):
        raise ApiError(404, NOT_FOUND)
    return identity


def tradable(request: web.Request, account_number: str) -> ClientIdentity:
    """The caller, logged in with this fund account's trading password (the only one they trade on)."""
    identity = readable(request, account_number)
    if not identity.may_trade(account_number):
        raise ApiError(403, "log in with this fund account's trading password to trade on it")
    return identity


def set_session_cookie(response: web.StreamResponse, token: str, max_age_seconds: int, *, secure: bool) -> None:
    response.set_cookie(COOKIE, token, max_age=max_age_seconds, path="/", httponly=True, samesite="Strict",
                        secure=secure)


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")
