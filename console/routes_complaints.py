"""Complaint endpoints: open one from the desk on the call, read one with its history, resolve it, and the
supervisors' board of overdue and escalated complaints."""

from __future__ import annotations

from aiohttp import web

from console import complaints, desk
from console.auth import require
from console.context import context_of
from console.errors import ApiError
from console.schemas import path_int, path_text, read_body
from crm_core.complaints.service import ComplaintRejected
from crm_core.models.base import utcnow

routes = web.RouteTableDef()


@routes.post("/api/calls/{call_id}/complaints")
async def post_complaint(request: web.Request) -> web.Response:
    identity = require(request)
    call_id = path_text(request, "call_id")
    body = await read_body(request, "Complaint")
    ctx = context_of(request)
    try:
        opened = await ctx.in_session(complaints.open_on_call, call_id, identity, category=body["category"],
                                      summary=body["summary"], department=body.get("department") or "",
                                      severity=body.get("severity") or "normal", now=utcnow(),
                                      rules=ctx.complaint_rules)
    except (desk.NoClient, ComplaintRejected) as error:
        raise ApiError(422, str(error)) from None
    return web.json_response(opened, status=201)


@routes.get("/api/complaints/{complaint_id}")
async def get_complaint(request: web.Request) -> web.Response:
    identity = require(request)
    complaint_id = path_int(request, "complaint_id")
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(complaints.detail, complaint_id, identity, ctx.complaint_rules,
                                                  utcnow()))


@routes.post("/api/complaints/{complaint_id}/resolve")
async def post_resolve(request: web.Request) -> web.Response:
    identity = require(request)
    complaint_id = path_int(request, "complaint_id")
    body = await read_body(request, "Resolve")
    ctx = context_of(request)
    try:
        resolved = await ctx.in_session(complaints.resolve, complaint_id, identity, body["resolution"],
                                        ctx.complaint_rules, utcnow())
    except ComplaintRejected as error:
        raise ApiError(422, str(error)) from None
    return web.json_response(resolved)


@routes.get("/api/supervisor/complaints")
async def get_board(request: web.Request) -> web.Response:
    require(request, "supervise")
    ctx = context_of(request)
    return web.json_response({"complaints": await ctx.in_session(complaints.board, ctx.complaint_rules, utcnow())})
