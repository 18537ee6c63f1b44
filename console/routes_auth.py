"""POST /api/login, POST /api/logout, GET /api/me, PUT /api/me/state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from console.auth import COOKIE, clear_session_cookie, home_page, require, set_session_cookie
from console.context import context_of
from console.live import agent_live_json
from console.schemas import read_body
from console.ws import close_session_sockets
from crm_core import web_sessions
from crm_core.models import Agent
from crm_core.web_sessions import StaffIdentity
from webapi.errors import ApiError

routes = web.RouteTableDef()


@routes.post("/api/login")
async def login(request: web.Request) -> web.Response:
    body = await read_body(request, "Login")
    ctx = context_of(request)
    result = await ctx.in_session(web_sessions.login, body["job_number"], body["password"], ctx.policy,
                                  source=request.remote or "")
    if result.outcome == "locked":
        until = result.locked_until.isoformat() if result.locked_until else None
        raise ApiError(423, "too many failed logins: this job number is locked for a while", locked_until=until)
    if result.outcome != "ok" or result.identity is None or result.token is None:
        raise ApiError(401, "wrong job number or password")
    response = web.json_response({"user": user_json(result.identity), "home": home_page(result.identity)})
    set_session_cookie(response, result.token, ctx.policy.session_minutes * 60, secure=request.secure)
    return response


@routes.post("/api/logout")
async def logout(request: web.Request) -> web.Response:
    token = request.cookies.get(COOKIE)
    if token and len(token) <= 200:
        await context_of(request).in_session(web_sessions.logout, token)
        await close_session_sockets(context_of(request), token)
    response = web.json_response({"ok": True})
    clear_session_cookie(response)
    return response


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    identity = require(request)
    ctx = context_of(request)
    stored = await ctx.in_session(_stored_state, identity.agent_id)
    live = agent_live_json(ctx.telephony, identity.agent_id)
    return web.json_response({"user": user_json(identity), "state": stored, "live": live,
                              "wrap_up_seconds": ctx.wrap_up_seconds})


@routes.put("/api/me/state")
async def set_my_state(request: web.Request) -> web.Response:
    identity = require(request)
    body = await read_body(request, "AgentState")
    reason = body.get("reason")
    if body["state"] == "not_ready" and not reason:
        raise ApiError(422, "reason is required for not_ready", field="reason")
    if body["state"] != "not_ready":
        reason = None
    await context_of(request).telephony.set_agent_state(identity.agent_id, body["state"], reason)
    return web.json_response({"state": body["state"], "reason": reason})


def user_json(identity: StaffIdentity) -> dict[str, Any]:
    return {"id": identity.agent_id, "job_number": identity.job_number, "name": identity.name,
            "role": identity.role, "permissions": sorted(identity.permissions),
            "session_expires_at": identity.expires_at.isoformat()}


def _stored_state(session: Session, agent_id: int) -> dict[str, Any]:
    agent = session.get(Agent, agent_id)
    if agent is None:
        return {}
    since: datetime = agent.state_since
    return {"state": agent.state, "reason": agent.state_reason, "since": since.isoformat()}

