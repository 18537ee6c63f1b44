"""Complaints on the portal: the client lodges one (crm_core.complaints.intake.from_web: acknowledged through the
outbox by their preferred channel, with the deadlines of `[complaints]`) and follows theirs as a client sees them
(crm_core.complaints.client_view: status, deadlines, the steps that are theirs to know, the resolution).

    GET  /api/complaints                  my complaints, newest first; the categories and the time zone
    POST /api/complaints                  lodge one, once per request id
    GET  /api/complaints/{complaint_id}   one of mine (another client's is the same 404 as none)
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from crm_core import audit
from crm_core.complaints import client_view, intake
from crm_core.complaints.categories import CATEGORIES
from crm_core.complaints.client_view import ClientComplaint
from crm_core.complaints.service import ComplaintRejected, local_text
from portal.auth import require
from portal.context import PortalContext, context_of
from portal.schemas import read_body
from webapi.errors import ApiError
from webapi.validation import path_int

routes = web.RouteTableDef()
NO_SUCH = "no such complaint"


@routes.get("/api/complaints")
async def list_complaints(request: web.Request) -> web.Response:
    identity = require(request)
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_listed, ctx, identity.investor_id))


@routes.post("/api/complaints")
async def lodge_complaint(request: web.Request) -> web.Response:
    identity = require(request)
    body = await read_body(request, "Complaint")
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_lodge, ctx, identity.investor_id, body), status=201)


@routes.get("/api/complaints/{complaint_id}")
async def get_complaint(request: web.Request) -> web.Response:
    identity = require(request)
    complaint_id = path_int(request, "complaint_id")
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_one, ctx, identity.investor_id, complaint_id))


def complaint_json(c: ClientComplaint, time_zone: str) -> dict[str, Any]:
    """Times as local 'YYYY-MM-DD HH:MM' in the complaints' time zone ("" when not yet)."""
    return {"id": c.id, "reference": c.reference, "status": c.status, "category": c.category,
            "department": c.department, "text": c.summary, "opened": local_text(c.opened_at, time_zone),
            "acknowledge_by": local_text(c.acknowledge_by, time_zone),
            "resolve_by": local_text(c.resolve_by, time_zone), "resolution": c.resolution,
            "closed": local_text(c.closed_at, time_zone),
            "steps": [{"at": local_text(s.at, time_zone), "what": s.text} for s in c.steps]}


# --- work in the database executor ----------------------------------------------------------------

def _listed(session: Session, ctx: PortalContext, investor_id: int) -> dict[str, Any]:
    zone = ctx.complaint_rules.deadlines.time_zone
    return {"time_zone": zone, "categories": list(CATEGORIES),
            "complaints": [complaint_json(c, zone) for c in client_view.of_investor(session, investor_id)]}


def _lodge(session: Session, ctx: PortalContext, investor_id: int, body: dict[str, Any]) -> dict[str, Any]:
    now = ctx.clock()
    try:  # from_web scopes the request id by the investor: one client's id never returns another's complaint
        row = intake.from_web(session, investor_id, body["category"], body["text"], body["request_id"], now,
                              ctx.complaint_rules, department=body.get("department", ""))
    except ComplaintRejected as rejected:
        raise ApiError(422, str(rejected)) from None
    audit.record(session, actor=f"investor:{investor_id}", action="complaint.web",
                 outcome="opened" if row.opened_at == now else "repeated", channel="web", subject=str(investor_id),
                 complaint_id=row.id)
    return _one(session, ctx, investor_id, row.id)


def _one(session: Session, ctx: PortalContext, investor_id: int, complaint_id: int) -> dict[str, Any]:
    try:
        found = client_view.for_client(session, investor_id, complaint_id)
    except LookupError:
        raise ApiError(404, NO_SUCH) from None
    return complaint_json(found, ctx.complaint_rules.deadlines.time_zone)
