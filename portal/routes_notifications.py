"""The client's reminders, price alerts and notification preferences (crm_core.notifications, as the desk
sets them for a caller):

    GET  /api/reminders       reminders and price alerts, times in the notifications' time zone
    POST /api/reminders       a reminder at a local time, once per request id
    POST /api/price-alerts    a one-shot alert above or below a price, once per request id
    GET  /api/preferences     the preferred channel (the CRM's), declared one, preferred hours, fill reports
    PUT  /api/preferences     declare the preferred channel; fill reports by a channel, or off
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from crm_core.models import ClientReminder, PriceAlert
from crm_core.notifications import preferences, price_alerts, reminders
from crm_core.notifications.reminders import ReminderRejected
from portal.auth import require
from portal.context import PortalContext, context_of
from portal.schemas import read_body
from portal.views import yuan
from webapi.errors import ApiError

routes = web.RouteTableDef()


def request_id_of(investor_id: int, presented: str) -> str:
    return f"web:{investor_id}:{presented}"


@routes.get("/api/reminders")
async def list_reminders(request: web.Request) -> web.Response:
    identity = require(request)
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_listed, ctx, identity.investor_id))


@routes.post("/api/reminders")
async def add_reminder(request: web.Request) -> web.Response:
    identity = require(request)
    body = await read_body(request, "Reminder")
    ctx = context_of(request)
    row = await ctx.in_session(_add_reminder, ctx, identity.investor_id, body)
    return web.json_response(row, status=201)


@routes.post("/api/price-alerts")
async def add_price_alert(request: web.Request) -> web.Response:
    identity = require(request)
    body = await read_body(request, "PriceAlert")
    ctx = context_of(request)
    row = await ctx.in_session(_add_alert, ctx, identity.investor_id, body)
    return web.json_response(row, status=201)


@routes.get("/api/preferences")
async def get_preferences(request: web.Request) -> web.Response:
    identity = require(request)
    found = await context_of(request).in_session(preferences.preferences, identity.investor_id)
    return web.json_response(preferences_json(found))


@routes.put("/api/preferences")
async def put_preferences(request: web.Request) -> web.Response:
    identity = require(request)
    body = await read_body(request, "Preferences")
    if body.get("preferred_channel") is None and body.get("fill_reports") is None:
        raise ApiError(422, "give preferred_channel, fill_reports or both", field="preferred_channel")
    ctx = context_of(request)
    found = await ctx.in_session(_set_preferences, ctx, identity.investor_id, body)
    return web.json_response(preferences_json(found))


def preferences_json(p: preferences.Preferences) -> dict[str, Any]:
    return {"preferred_channel": p.preferred_channel, "declared_channel": p.declared_channel,
            "preferred_hours": p.preferred_hours, "fill_reports": p.fill_reports or "off"}


def reminder_json(row: ClientReminder, time_zone: str) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "text": row.text, "code": row.code,
            "at": reminders.local_text(row.due_at, time_zone), "channel": row.channel,
            "sent": row.queued_at is not None}


def alert_json(row: PriceAlert) -> dict[str, Any]:
    return {"id": row.id, "code": row.security_code, "direction": row.direction, "price": yuan(row.price_cents),
            "channel": row.channel, "triggered": row.triggered_at is not None,
            "triggered_price": yuan(row.triggered_price_cents) if row.triggered_price_cents is not None else None}


# --- work in the database executor ----------------------------------------------------------------

def _listed(session: Session, ctx: PortalContext, investor_id: int) -> dict[str, Any]:
    zone = ctx.notify_policy.time_zone
    return {"time_zone": zone,
            "reminders": [reminder_json(r, zone) for r in reminders.of_investor(session, investor_id)],
            "price_alerts": [alert_json(a) for a in price_alerts.of_investor(session, investor_id)]}


def _add_reminder(session: Session, ctx: PortalContext, investor_id: int, body: dict[str, Any]) -> dict[str, Any]:
    zone = ctx.notify_policy.time_zone
    try:
        row = reminders.add_reminder(session, investor_id, due_at=reminders.parse_local(body["at"], zone),
                                     text=body["text"], now=ctx.clock(), kind=body.get("kind") or "custom",
                                     code=body.get("code") or None, channel=body.get("channel") or "preferred",
                                     request_id=request_id_of(investor_id, body["request_id"]))
    except ReminderRejected as error:
        raise ApiError(422, str(error)) from None
    except OverflowError:  # a year 1 time in a zone ahead of UTC
        raise ApiError(422, "at is out of range", field="at") from None
    return reminder_json(row, zone)


def _add_alert(session: Session, ctx: PortalContext, investor_id: int, body: dict[str, Any]) -> dict[str, Any]:
    try:
        row = price_alerts.add_alert(session, investor_id, code=body["code"], direction=body["direction"],
                                     price_cents=price_alerts.parse_price(body["price"]), now=ctx.clock(),
                                     market=ctx.broker, channel=body.get("channel") or "preferred",
                                     request_id=request_id_of(investor_id, body["request_id"]))
    except ReminderRejected as error:
        raise ApiError(422, str(error)) from None
    return alert_json(row)


def _set_preferences(session: Session, ctx: PortalContext, investor_id: int,
                     body: dict[str, Any]) -> preferences.Preferences:
    try:
        if body.get("fill_reports") is not None:
            wanted = body["fill_reports"]
            preferences.set_fill_reports(session, investor_id, None if wanted == "off" else wanted, now=ctx.clock())
        if body.get("preferred_channel") is not None:
            preferences.set_preferred_channel(session, investor_id, body["preferred_channel"], now=ctx.clock())
    except ReminderRejected as error:
        raise ApiError(422, str(error)) from None
    return preferences.preferences(session, investor_id)
