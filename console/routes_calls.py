"""Call handling from the desk: screen-pop, disposition, reply, the client's reminders and price alerts, hold,
transfer, an expert's three-way conference, a hand-over to a queue, click-to-dial, callbacks, the agent's own
book of clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from typing import Any

from aiohttp import web

from console import desk
from console.auth import require
from console.context import ConsoleContext, context_of
from console.schemas import read_body
from console.screen_pop import screen_pop
from crm_core.agent_book import agent_book
from crm_core.billing import budgets
from crm_core.callbacks import CallbackRefused
from crm_core.experts import expert_skill
from crm_core.models.base import utcnow
from crm_core.notifications.reminders import ReminderRejected
from crm_core.trading import SimulatedFeed
from crm_core.web_sessions import StaffIdentity
from webapi.errors import ApiError
from webapi.validation import parse_time, path_int, path_text

routes = web.RouteTableDef()


@routes.get("/api/calls/{call_id}/screen-pop")
async def get_screen_pop(request: web.Request) -> web.Response:
    identity = require(request)
    call_id = path_text(request, "call_id")
    ctx = context_of(request)
    pop = await ctx.in_session(screen_pop, call_id, identity, now=utcnow(), broker=ctx.broker)
    if pop is None:
        raise ApiError(404, f"no such call: {call_id}")
    return web.json_response(pop)


@routes.post("/api/calls/{call_id}/disposition")
async def post_disposition(request: web.Request) -> web.Response:
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, "Disposition")
    saved = await context_of(request).in_session(desk.save_disposition, call_id, identity, body["code"],
                                                 body.get("note") or "")
    return web.json_response(saved, status=201)


@routes.post("/api/calls/{call_id}/reply")
async def post_reply(request: web.Request) -> web.Response:
    """A message to the call's client by a channel (or their preferred one), queued in the outbox."""
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, "Reply")
    for field in ("subject", "body"):
        if not body[field].strip():
            raise ApiError(422, f"{field} cannot be blank", field=field)
    ctx = context_of(request)
    try:
        queued = await ctx.in_session(desk.reply, call_id, identity, channel=body["channel"],
                                      subject=body["subject"], body=body["body"], policy=ctx.notify_policy)
    except desk.NoClient as error:
        raise ApiError(422, str(error), field="call_id") from None
    return web.json_response(queued, status=201)


@routes.post("/api/calls/{call_id}/client-reminders")
async def post_client_reminder(request: web.Request) -> web.Response:
    """A reminder for the call's client (crm_core/notifications/reminders.py), sent when due by the outbox."""
    return await _set_for_client(request, "ClientReminder", lambda body, ctx: partial(
        desk.remind, at=body["at"], text=body["text"], kind=body.get("kind") or "custom", code=body.get("code") or "",
        channel=body["channel"], time_zone=ctx.notify_policy.time_zone))


@routes.post("/api/calls/{call_id}/price-alerts")
async def post_price_alert(request: web.Request) -> web.Response:
    """A one-shot price alert for the call's client (crm_core/notifications/price_alerts.py)."""
    return await _set_for_client(request, "PriceAlert", lambda body, ctx: partial(
        desk.price_alert, code=body["code"], direction=body["direction"], price=body["price"],
        channel=body["channel"], market=ctx.broker or SimulatedFeed()))


async def _set_for_client(request: web.Request, schema: str,
                          work: Callable[[dict[str, Any], ConsoleContext], Callable[..., dict[str, Any]]]
                          ) -> web.Response:
    """Set a reminder or an alert for the call's client from the body; its bad input, or a caller who is not a
    client: 422 with the reason."""
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, schema)
    ctx = context_of(request)
    try:
        return web.json_response(await ctx.in_session(work(body, ctx), call_id, identity), status=201)
    except (desk.NoClient, ReminderRejected) as error:
        raise ApiError(422, str(error)) from None


@routes.post("/api/calls/{call_id}/callbacks/{callback_id}/cancel")
async def post_cancel_callback(request: web.Request) -> web.Response:
    """A callback of the call's client cancelled for them: 409 once it is being made or is over, 404 when it is not
    this client's, 422 when the caller is not a client."""
    identity = require(request)
    call_id = path_text(request, "call_id")
    callback_id = path_int(request, "callback_id")
    try:
        cancelled = await context_of(request).in_session(desk.cancel_callback, call_id, identity, callback_id)
    except CallbackRefused as refused:
        raise ApiError(409, str(refused), code=refused.code) from None
    except desk.NoClient as error:
        raise ApiError(422, str(error), field="call_id") from None
    return web.json_response(cancelled)


@routes.post("/api/calls/{call_id}/hold")
async def post_hold(request: web.Request) -> web.Response:
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, "Hold")
    ctx = context_of(request)
    await ctx.in_session(desk.visible_call, call_id, identity)
    await ctx.telephony.hold(call_id, body["on"], by_agent=_acting_agent(identity))
    return web.json_response({"call_id": call_id, "on_hold": body["on"]})


@routes.post("/api/calls/{call_id}/transfer")
async def post_transfer(request: web.Request) -> web.Response:
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, "Transfer")
    to_job, to_number = body.get("to_job_number"), body.get("to_number")
    if (to_job is None) == (to_number is None):
        raise ApiError(422, "give exactly one of to_job_number and to_number", field="to_job_number")
    ctx = context_of(request)
    await ctx.in_session(desk.visible_call, call_id, identity)
    if to_job is not None:
        await ctx.in_session(desk.agent_by_job_number, to_job)
    attended = bool(body.get("attended", False))
    await ctx.telephony.transfer(call_id, to_job_number=to_job, to_number=to_number, attended=attended,
                                 by_agent=_acting_agent(identity))
    return web.json_response({"call_id": call_id, "to_job_number": to_job, "to_number": to_number,
                              "attended": attended})


@routes.post("/api/calls/{call_id}/transfer/complete")
async def post_transfer_complete(request: web.Request) -> web.Response:
    return await _end_consultation(request, complete=True)


@routes.post("/api/calls/{call_id}/transfer/cancel")
async def post_transfer_cancel(request: web.Request) -> web.Response:
    return await _end_consultation(request, complete=False)


async def _end_consultation(request: web.Request, *, complete: bool) -> web.Response:
    """An attended transfer's end: the target takes the caller (complete) or the caller comes back."""
    identity = require(request)
    call_id = path_text(request, "call_id")
    ctx = context_of(request)
    await ctx.in_session(desk.visible_call, call_id, identity)
    finish = ctx.telephony.complete_transfer if complete else ctx.telephony.cancel_transfer
    await finish(call_id, by_agent=_acting_agent(identity))
    return web.json_response({"call_id": call_id, "transfer": "completed" if complete else "cancelled"})


@routes.post("/api/calls/{call_id}/conference")
async def post_conference(request: web.Request) -> web.Response:
    """Three-way with an expert: the consulted target joins, or the one named is rung straight in."""
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, "Conference")
    to_job, to_number = body.get("to_job_number"), body.get("to_number")
    if to_job is not None and to_number is not None:
        raise ApiError(422, "give at most one of to_job_number and to_number", field="to_job_number")
    ctx = context_of(request)
    await ctx.in_session(desk.visible_call, call_id, identity)
    if to_job is not None:
        await ctx.in_session(desk.agent_by_job_number, to_job)
    await ctx.telephony.conference(call_id, to_job_number=to_job, to_number=to_number,
                                   by_agent=_acting_agent(identity))
    return web.json_response({"call_id": call_id, "to_job_number": to_job, "to_number": to_number,
                              "conference": "joined" if to_job is None and to_number is None else "ringing"})


@routes.post("/api/calls/{call_id}/conference/leave")
async def post_conference_leave(request: web.Request) -> web.Response:
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, "ConferenceLeave")
    ctx = context_of(request)
    await ctx.in_session(desk.visible_call, call_id, identity)
    await ctx.telephony.leave_conference(call_id, body["who"], by_agent=_acting_agent(identity))
    return web.json_response({"call_id": call_id, "left": body["who"]})


@routes.post("/api/calls/{call_id}/queue")
async def post_to_queue(request: web.Request) -> web.Response:
    """Hand the caller to a queue: the expert pool by topic, or any skill's."""
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, "ToQueue")
    topic, skill = body.get("topic"), body.get("skill")
    if (topic is None) == (skill is None):
        raise ApiError(422, "give exactly one of topic and skill", field="topic")
    queue = expert_skill(topic) if topic is not None else str(skill)
    ctx = context_of(request)
    await ctx.in_session(desk.visible_call, call_id, identity)
    await ctx.telephony.to_queue(call_id, queue, by_agent=_acting_agent(identity))
    return web.json_response({"call_id": call_id, "skill": queue})


@routes.post("/api/dial")
async def post_dial(request: web.Request) -> web.Response:
    """Click-to-dial, once the outbound budgets it counts against (the agent's, their department's, the
    campaign's) allow it: a spent budget is a 403 whose message says which."""
    identity = require(request)
    body = await read_body(request, "Dial")
    campaign = body.get("campaign")
    ctx = context_of(request)
    try:
        decision = await ctx.in_session(budgets.check_dial, identity.agent_id, campaign=campaign, now=utcnow())
    except budgets.BudgetError as error:
        raise ApiError(422, str(error), field="campaign") from None
    if not decision.allowed:
        raise ApiError(403, decision.reason, code="budget_spent")
    call_id = await ctx.telephony.dial(identity.agent_id, body["number"])
    if campaign is not None:
        await ctx.in_session(budgets.record_campaign_call, call_id, campaign)
    return web.json_response({"call_id": call_id, "number": body["number"], "campaign": campaign}, status=201)


def _acting_agent(identity: StaffIdentity) -> int | None:
    """Agents control only their own calls; supervisors any call (None: no ownership check)."""
    return None if identity.may("supervise") else identity.agent_id


@routes.get("/api/me/book")
async def get_book(request: web.Request) -> web.Response:
    """The clients assigned to me, with their open complaints, reminders and callbacks; `q` searches name,
    account or phone."""
    identity = require(request)
    search = request.query.get("q", "")[:60]
    lines = await context_of(request).in_session(agent_book, identity.agent_id, search)
    return web.json_response({"investors": [asdict(line) for line in lines]})


@routes.post("/api/callbacks")
async def post_callback(request: web.Request) -> web.Response:
    identity = require(request)
    body = await read_body(request, "Callback")
    at = parse_time("at", body["at"])
    try:
        saved = await context_of(request).in_session(desk.schedule_callback, identity, body["investor_id"], at,
                                                     body.get("note") or "", body.get("skill") or "general")
    except CallbackRefused as refused:
        raise ApiError(409, str(refused), code=refused.code) from None
    return web.json_response(saved, status=201)
