"""POST /api/login, POST /api/logout, GET /api/me."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm_core import client_sessions
from crm_core.client_sessions import ClientIdentity
from crm_core.trading import LoginOutcome
from portal.auth import clear_session_cookie, require, session_token, set_session_cookie
from portal.context import context_of
from portal.schemas import read_body
from webapi.errors import ApiError

routes = web.RouteTableDef()


@routes.post("/api/login")
async def login(request: web.Request) -> web.Response:
    body = await read_body(request, "Login")
    ctx = context_of(request)
    source = request.remote or ""
    wait = ctx.limiter.retry_after([f"ip:{source}", f"account:{body['account']}"], ctx.monotonic())
    if wait > 0:
        raise ApiError(429, "too many logins: wait a moment and try again", retry_after_seconds=round(wait + 0.5))
    previous = session_token(request)
    result = await ctx.in_session(client_sessions.login, body["account"], body["password"], ctx.policy,
                                  now=ctx.clock(), source=source)
    if result.outcome is LoginOutcome.OK and previous:  # a new login ends the session the browser had
        await ctx.in_session(client_sessions.logout, previous, now=ctx.clock())
    if result.outcome is LoginOutcome.LOCKED:
        until = result.locked_until.isoformat() if result.locked_until else None
        raise ApiError(423, "too many wrong trading passwords: this account is locked for a while (by phone too)",
                       locked_until=until)
    if result.outcome is not LoginOutcome.OK or result.identity is None or result.token is None:
        # the same answer for an unknown account: the portal does not tell which fund accounts exist
        raise ApiError(401, "wrong fund account or trading password")
    response = web.json_response({"client": client_json(result.identity),
                                  "csrf_token": client_sessions.csrf_token(result.token)})
    set_session_cookie(response, result.token, ctx.policy.session_minutes * 60, secure=request.secure)
    return response


@routes.post("/api/logout")
async def logout(request: web.Request) -> web.Response:
    token = session_token(request)
    if token:
        ctx = context_of(request)
        await ctx.in_session(client_sessions.logout, token, now=ctx.clock())
    response = web.json_response({"ok": True})
    clear_session_cookie(response)
    return response


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    identity = require(request)
    token = session_token(request) or ""
    return web.json_response({"client": client_json(identity), "csrf_token": client_sessions.csrf_token(token)})


def client_json(identity: ClientIdentity) -> dict[str, Any]:
    return {"name": identity.name, "account": identity.account_number, "accounts": list(identity.accounts),
            "session_expires_at": identity.expires_at.isoformat()}
