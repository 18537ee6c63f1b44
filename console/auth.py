"""Who is asking: the session cookie resolved on each request, and the permission checks per role."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from console.context import context_of
from crm_core import web_sessions
from crm_core.web_sessions import StaffIdentity
from webapi.errors import ApiError, Handler

COOKIE = "hotline_session"
# aiohttp >= 3.14 wants typed request keys; older versions take a plain string.
IDENTITY: Any = web.RequestKey("identity", object) if hasattr(web, "RequestKey") else "identity"
PERMISSION_NAMES = {"desk": "the agent desktop", "supervise": "a supervisor role",
                    "administer": "an administrator role"}


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Resolve the cookie (in the executor) into request["identity"]: a StaffIdentity or None."""
    token = request.cookies.get(COOKIE)
    identity = None
    if token and len(token) <= 200 and not request.path.startswith("/static/"):
        identity = await context_of(request).in_session(web_sessions.resolve, token)
    request[IDENTITY] = identity
    return await handler(request)


def identity_of(request: web.Request) -> StaffIdentity | None:
    identity: StaffIdentity | None = request.get(IDENTITY)
    return identity


def require(request: web.Request, permission: str = "desk") -> StaffIdentity:
    """The caller's identity, or 401 (not logged in / session expired) or 403 (role lacks the permission)."""
    identity = identity_of(request)
    if identity is None:
        raise ApiError(401, "not logged in, or the session has expired: log in again")
    if not identity.may(permission):
        raise ApiError(403, f"forbidden: this needs {PERMISSION_NAMES[permission]}; your role is {identity.role}",
                       required=permission, role=identity.role)
    return identity


def set_session_cookie(response: web.StreamResponse, token: str, max_age_seconds: int, *, secure: bool) -> None:
    response.set_cookie(COOKIE, token, max_age=max_age_seconds, path="/", httponly=True, samesite="Strict",
                        secure=secure)


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")


def home_page(identity: StaffIdentity) -> str:
    return "/supervisor" if identity.may("supervise") else "/agent"
