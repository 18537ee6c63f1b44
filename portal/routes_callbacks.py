"""Click to call: the client asks to be called now or at a time, about a topic (the ACD skill), and sees and
cancels their callbacks. The callback is crm_core.callbacks' (the desk's "Schedule callback" path): the ACD
makes it at its time, agent first, then the client.

    GET  /api/callbacks                        my callbacks, newest first, with their status
    POST /api/callbacks                        call me now (no `at`) or at a local time, once per request id
    POST /api/callbacks/{callback_id}/cancel   cancel at any time before it is made (waiting for its time or in
                                               the ACD's queue); 409 once an agent is rung or the client dialled
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from crm_core import callbacks
from crm_core.callbacks import CallbackRefused
from crm_core.models import Callback
from crm_core.notifications import reminders
from crm_core.notifications.reminders import ReminderRejected
from portal.auth import require
from portal.context import PortalContext, context_of
from portal.routes_notifications import request_id_of
from portal.schemas import read_body
from webapi.errors import ApiError
from webapi.validation import path_int

routes = web.RouteTableDef()


@routes.get("/api/callbacks")
async def list_callbacks(request: web.Request) -> web.Response:
    identity = require(request)
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_listed, ctx, identity.investor_id))


@routes.post("/api/callbacks")
async def ask_callback(request: web.Request) -> web.Response:
    identity = require(request)
    body = await read_body(request, "CallMe")
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_ask, ctx, identity.investor_id, body), status=201)


@routes.post("/api/callbacks/{callback_id}/cancel")
async def cancel_callback(request: web.Request) -> web.Response:
    identity = require(request)
    callback_id = path_int(request, "callback_id")
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_cancel, ctx, identity.investor_id, callback_id))


def callback_json(row: Callback, time_zone: str) -> dict[str, Any]:
    return {"id": row.id, "status": row.status, "topic": row.skill, "number": masked(row.number),
            "at": reminders.local_text(row.due_at, time_zone),
            "cancellable": row.status in callbacks.CANCELLABLE}


def masked(number: str) -> str:
    """The number called, as the page shows it: the last four digits."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


# --- work in the database executor ----------------------------------------------------------------

def _listed(session: Session, ctx: PortalContext, investor_id: int) -> dict[str, Any]:
    zone = ctx.notify_policy.time_zone
    return {"time_zone": zone, "topics": list(callbacks.CLIENT_TOPICS),
            "callbacks": [callback_json(r, zone) for r in callbacks.of_investor(session, investor_id)]}


def _ask(session: Session, ctx: PortalContext, investor_id: int, body: dict[str, Any]) -> dict[str, Any]:
    zone = ctx.notify_policy.time_zone
    try:
        at = reminders.parse_local(body["at"], zone) if body.get("at") else None
        row = callbacks.request_for_client(session, investor_id, at=at, topic=body["topic"], now=ctx.clock(),
                                           key=request_id_of(investor_id, body["request_id"]))
    except ReminderRejected as error:
        raise ApiError(422, str(error), field="at") from None
    except OverflowError:
        raise ApiError(422, "at is out of range", field="at") from None
    except CallbackRefused as refused:
        raise ApiError(422 if refused.code.startswith("bad_") else 409, str(refused), code=refused.code) from None
    return callback_json(row, zone)


def _cancel(session: Session, ctx: PortalContext, investor_id: int, callback_id: int) -> dict[str, Any]:
    try:
        row = callbacks.cancel(session, investor_id, callback_id, ctx.clock(), by=f"investor:{investor_id}")
    except LookupError:
        raise ApiError(404, "no such callback") from None
    except CallbackRefused as refused:
        raise ApiError(409, str(refused), code=refused.code) from None
    return callback_json(row, ctx.notify_policy.time_zone)
