"""Quality review: supervisors find calls, play their recordings (streamed, seekable: HTTP Range answered with
206) and save reviews scored on a review form; an agent reads the reviews of their own calls, no one else's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from console.auth import require
from console.context import context_of
from console.schemas import read_body
from crm_core import audit, reviews
from crm_core.models import CallRecording
from crm_core.recordings import AUDIO_TYPES, file_of
from crm_core.reviews import CallFilter, ReviewError, ReviewFormError, ScoreError
from crm_core.web_sessions import StaffIdentity
from webapi.errors import ApiError
from webapi.validation import path_int, query_day, query_text

routes = web.RouteTableDef()


@routes.get("/api/quality/calls")
async def get_calls(request: web.Request) -> web.Response:
    """Calls by agent (job number), day range, skill, disposition and customer (number, name, account)."""
    require(request, "supervise")
    where = call_filter(request)
    return web.json_response({"calls": await context_of(request).in_session(reviews.find_calls, where)})


def call_filter(request: web.Request) -> CallFilter:
    """The query's criteria; 422 naming the parameter for a day that means nothing or a text too long."""
    start, last = query_day(request, "from"), query_day(request, "to")
    return CallFilter(agent=query_text(request, "agent", 20), start=start,
                      end=last + timedelta(days=1) if last else None, skill=query_text(request, "skill", 40),
                      disposition=query_text(request, "disposition", 40), customer=query_text(request, "customer", 60))


@routes.get("/api/quality/forms")
async def get_forms(request: web.Request) -> web.Response:
    """The newest version of each review form, laid out (sections, items, weights, maxima)."""
    require(request, "supervise")
    return web.json_response({"forms": await context_of(request).in_session(_forms)})


def _forms(session: Session) -> list[dict[str, Any]]:
    out = []
    for row in reviews.latest_forms(session):
        form = reviews.parse(row.document)
        out.append({"code": row.code, "version": row.version, "title": form.title, "sections": [
            {"id": s.id, "title": s.title, "weight": s.weight,
             "items": [{"id": i.id, "text": i.text, "weight": i.weight, "max": i.max} for i in s.items]}
            for s in form.sections]})
    return out


@routes.post("/api/quality/reviews")
async def post_review(request: web.Request) -> web.Response:
    identity = require(request, "supervise")
    body = await read_body(request, "Review")
    ctx = context_of(request)

    def save(session: Session) -> dict[str, Any]:
        review = reviews.save_review(session, body["call_id"], body["form"], body["scores"],
                                     reviewer_id=identity.agent_id, comment=body.get("comment") or "")
        audit.record(session, actor=f"agent:{identity.job_number}", action="review.save", outcome="ok",
                     channel="web", subject=f"review:{review.id}", call_id=review.call_id,
                     total_tenths=review.total_tenths)
        return {"id": review.id, "call_id": review.call_id, "total_pct": review.total_tenths / 10}

    try:
        saved = await ctx.in_session(save)
    except (ScoreError, ReviewError, ReviewFormError) as refused:
        raise ApiError(422, str(refused)) from None
    return web.json_response(saved, status=201)


@routes.get("/api/reviews/{review_id}")
async def get_review(request: web.Request) -> web.Response:
    """A review: a supervisor reads any, an agent only the reviews of their own calls (403 otherwise)."""
    identity = require(request)
    return web.json_response(await read_review(request, identity, path_int(request, "review_id")))


async def read_review(request: web.Request, identity: StaffIdentity, review_id: int) -> dict[str, Any]:
    return await context_of(request).in_session(reviews.review_of, review_id, reader_agent_id=identity.agent_id,
                                                reader_supervises=identity.may("supervise"))


@routes.get("/api/me/reviews")
async def get_my_reviews(request: web.Request) -> web.Response:
    identity = require(request)
    return web.json_response({"reviews": await context_of(request).in_session(reviews.reviews_of_agent,
                                                                                identity.agent_id)})


@routes.get("/api/recordings/{recording_id}")
async def get_recording(request: web.Request) -> web.StreamResponse:
    """The recording's audio file; a Range request is answered with 206 and those bytes (seeking)."""
    identity = require(request, "supervise")
    ctx = context_of(request)
    recording_id = path_int(request, "recording_id")
    found = await ctx.in_session(_recording, recording_id)
    if found is None:
        raise ApiError(404, f"no such recording: {recording_id}")
    name, audio_format, call_id = found
    path = file_of(ctx.recording_dirs, name, audio_format)
    if path is None:
        raise ApiError(404, f"recording {recording_id} has no file (yet): it may still be in Asterisk's spool")
    if request.http_range.start in (None, 0):  # one audit row per listening, not per seek
        await ctx.in_session(audit.record, actor=f"agent:{identity.job_number}", action="recording.play",
                             outcome="ok", channel="web", subject=f"recording:{recording_id}", call_id=call_id)
    return web.FileResponse(path, headers={"Content-Type": AUDIO_TYPES[audio_format]})  # no-store: the API's default


def _recording(session: Session, recording_id: int) -> tuple[str, str, str] | None:
    row = session.get(CallRecording, recording_id)
    return None if row is None else (row.name, row.format, row.call_id)
