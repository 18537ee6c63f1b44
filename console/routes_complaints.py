"""Complaint endpoints: open one from the desk on the call, read one with its history, resolve it, and the
supervisors' board of overdue and escalated complaints."""

from __future__ import annotations

from aiohttp import BodyPartReader, web

from console import complaints, desk
from console.auth import require
from console.context import context_of
from console.schemas import COMPLAINT_CATEGORIES, read_body
from crm_core.complaints.service import Attachment, ComplaintRejected
from crm_core.models.base import utcnow
from webapi.errors import ApiError
from webapi.validation import path_int, path_text

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


MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_FIELD_CHARS = 4000
SCAN_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff")


@routes.post("/api/complaints/letters")
async def post_letter(request: web.Request) -> web.Response:
    """multipart/form-data: account_number, category, summary and the scan (a PDF or an image, at most 10 MB),
    read as a stream (the console's JSON body limit does not apply)."""
    identity = require(request)
    fields, scan = await _letter_form(request)
    for name in ("account_number", "category", "summary"):
        if not fields.get(name, "").strip():
            raise ApiError(422, f"{name} is required", field=name)
    if fields["category"] not in COMPLAINT_CATEGORIES:
        raise ApiError(422, f"category must be one of: {', '.join(COMPLAINT_CATEGORIES)}", field="category")
    ctx = context_of(request)
    try:
        opened = await ctx.in_session(complaints.letter, identity, account_number=fields["account_number"],
                                      category=fields["category"], summary=fields["summary"], scan=scan,
                                      now=utcnow(), rules=ctx.complaint_rules)
    except ComplaintRejected as error:
        raise ApiError(422, str(error)) from None
    return web.json_response(opened, status=201)


async def _letter_form(request: web.Request) -> tuple[dict[str, str], Attachment]:
    if not request.content_type.startswith("multipart/form-data"):
        raise ApiError(400, "send the letter as multipart/form-data")
    fields: dict[str, str] = {}
    scan: Attachment | None = None
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader):
            raise ApiError(400, "nested multipart is not accepted")
        if part.name == "scan":
            media_type = part.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip()
            if media_type not in SCAN_TYPES:
                raise ApiError(422, f"the scan must be a PDF or an image, not {media_type}", field="scan")
            content = await part.read_chunk(MAX_SCAN_BYTES + 1)
            while len(content) <= MAX_SCAN_BYTES and (chunk := await part.read_chunk()):
                content += chunk
            if len(content) > MAX_SCAN_BYTES:
                raise ApiError(413, f"the scan may be at most {MAX_SCAN_BYTES} bytes", field="scan")
            scan = Attachment(part.filename or "letter", media_type, content)
        elif part.name in ("account_number", "category", "summary"):
            text = await part.text()
            if len(text) > MAX_FIELD_CHARS or "\x00" in text:
                raise ApiError(422, f"{part.name} is too long or has characters that are not allowed", field=part.name)
            fields[part.name] = text
    if scan is None or not scan.content:
        raise ApiError(422, "scan is required", field="scan")
    return fields, scan


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


@routes.post("/api/complaints/{complaint_id}/assign")
async def post_assign(request: web.Request) -> web.Response:
    identity = require(request, "supervise")
    complaint_id = path_int(request, "complaint_id")
    body = await read_body(request, "Assign")
    ctx = context_of(request)
    try:
        assigned = await ctx.in_session(complaints.assign, complaint_id, identity, body["job_number"],
                                        ctx.complaint_rules, utcnow())
    except ComplaintRejected as error:
        raise ApiError(422, str(error), field="job_number") from None
    return web.json_response(assigned)


@routes.get("/api/supervisor/complaints")
async def get_board(request: web.Request) -> web.Response:
    require(request, "supervise")
    ctx = context_of(request)
    return web.json_response({"complaints": await ctx.in_session(complaints.board, ctx.complaint_rules, utcnow())})
