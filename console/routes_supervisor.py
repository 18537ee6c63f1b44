"""Supervisor endpoints: live view, notification health, listen / whisper / barge, forcing an agent's state.
Each action audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from console import desk
from console.auth import require
from console.context import ConsoleContext, context_of
from console.live import snapshot_json
from console.ports import TelephonyError
from console.schemas import read_body
from crm_core import audit
from crm_core.call_routing import service_levels
from crm_core.models.base import utcnow
from crm_core.notifications.outbox import counts_by_channel
from crm_core.notifications.rules import Channel, Status
from crm_core.surveys.post_call import post_call_overview
from crm_core.surveys.results import overview as survey_overview
from crm_core.web_sessions import StaffIdentity
from webapi.validation import path_int, path_text

routes = web.RouteTableDef()
POST_CALL_DAYS = 7  # the supervisor's view of the post-call surveys: the last week


@routes.get("/api/supervisor/live")
async def get_live(request: web.Request) -> web.Response:
    require(request, "supervise")
    return web.json_response(snapshot_json(context_of(request).telephony))


@routes.get("/api/supervisor/notifications")
async def get_notifications(request: web.Request) -> web.Response:
    """Per channel: how many notifications stand in each status, and whether the service has a sender for it
    (without one, that channel's messages wait)."""
    require(request, "supervise")
    ctx = context_of(request)
    counts = await ctx.in_session(counts_by_channel)
    channels = [c.value for c in Channel] + sorted(c for c in counts if c is not None and c not in set(Channel))
    rows = [{"channel": channel, "sender": channel in ctx.notify_senders,
             **{s.value: counts.get(channel, {}).get(s.value, 0) for s in Status}} for channel in channels]
    if None in counts:  # given up before any channel: the client could not be reached at all
        rows.append({"channel": None, "sender": False, **{s.value: counts[None].get(s.value, 0) for s in Status}})
    return web.json_response({"channels": rows})


@routes.get("/api/supervisor/surveys")
async def get_surveys(request: web.Request) -> web.Response:
    """Each survey campaign's live progress (dialled, answered, completed, remaining, outcomes) and its answers
    per question and key; the post-call surveys of the last `POST_CALL_DAYS` days."""
    require(request, "supervise")
    ctx = context_of(request)
    since = utcnow() - timedelta(days=POST_CALL_DAYS)
    return web.json_response({"campaigns": await ctx.in_session(survey_overview),
                              "post_call": await ctx.in_session(post_call_overview, since)})


@routes.get("/api/supervisor/service-levels")
async def get_service_levels(request: web.Request) -> web.Response:
    """The service targets per segment (service-level rules, in the order they are tried): priority, answer
    within, how long a call waits for the client's own agent."""
    require(request, "supervise")
    return web.json_response({"service_levels": await context_of(request).in_session(service_levels)})


@routes.post("/api/supervisor/supervise")
async def post_supervise(request: web.Request) -> web.Response:
    identity = require(request, "supervise")
    body = await read_body(request, "Supervise")
    ctx = context_of(request)
    agent = await ctx.in_session(desk.agent_by_id, body["agent_id"])
    action = f"supervise.{body['mode']}"
    call_id = _current_call(ctx, agent.id)
    try:
        supervision_id = await ctx.telephony.supervise(identity.agent_id, agent.id, body["mode"])
    except TelephonyError as error:
        await _audit(ctx, identity, action, error.code, f"agent:{agent.job_number}", call_id=call_id)
        raise
    await _audit(ctx, identity, action, "ok", f"agent:{agent.job_number}", call_id=call_id,
                 supervision_id=supervision_id)
    return web.json_response({"supervision_id": supervision_id, "agent_id": agent.id, "mode": body["mode"]},
                             status=201)


@routes.delete("/api/supervisor/supervise/{supervision_id}")
async def delete_supervise(request: web.Request) -> web.Response:
    identity = require(request, "supervise")
    supervision_id = path_text(request, "supervision_id", 100)
    ctx = context_of(request)
    try:
        await ctx.telephony.end_supervision(supervision_id)
    except TelephonyError as error:
        await _audit(ctx, identity, "supervise.end", error.code, f"supervision:{supervision_id}")
        raise
    await _audit(ctx, identity, "supervise.end", "ok", f"supervision:{supervision_id}")
    return web.json_response({"supervision_id": supervision_id, "ended": True})


@routes.post("/api/supervisor/agents/{agent_id}/state")
async def post_agent_state(request: web.Request) -> web.Response:
    identity = require(request, "supervise")
    agent_id = path_int(request, "agent_id")
    body = await read_body(request, "ForceState")
    ctx = context_of(request)
    agent = await ctx.in_session(desk.agent_by_id, agent_id)
    reason = body.get("reason") or "supervisor"
    subject = f"agent:{agent.job_number}"
    try:
        await ctx.telephony.set_agent_state(agent.id, body["state"], reason)
    except TelephonyError as error:
        await _audit(ctx, identity, "agent.force_state", error.code, subject, state=body["state"], reason=reason)
        raise
    await _audit(ctx, identity, "agent.force_state", "ok", subject, state=body["state"], reason=reason)
    return web.json_response({"agent_id": agent.id, "state": body["state"], "reason": reason})


def _current_call(ctx: ConsoleContext, agent_id: int) -> str | None:
    return next((a.call_id for a in ctx.telephony.live().agents if a.agent_id == agent_id), None)


async def _audit(ctx: ConsoleContext, identity: StaffIdentity, action: str, outcome: str, subject: str,
                 call_id: str | None = None, **detail: Any) -> None:
    def write(session: Session) -> None:
        audit.record(session, actor=f"agent:{identity.job_number}", action=action, outcome=outcome, channel="web",
                     subject=subject, call_id=call_id, **detail)

    await ctx.in_session(write)
