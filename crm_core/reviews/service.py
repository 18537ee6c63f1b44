"""Quality review: publish a review form, find calls to review (by agent, time, skill, disposition, customer),
save a supervisor's review scored on the latest form, and read reviews (an agent reads only their own)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from crm_core.models import Agent, Call, CallDisposition, CallRecording, CallReview, Investor, ReviewFormVersion
from crm_core.reviews.form import ReviewForm, ReviewFormError, parse, score

MAX_CALLS = 200


class ReviewError(ValueError):
    """A review that cannot be saved (no such call or form, a call no agent answered); the message says why."""


@dataclass(frozen=True)
class CallFilter:
    agent: str | None = None  # the agent's job number
    start: datetime | None = None  # entered at or after
    end: datetime | None = None  # entered before
    skill: str | None = None  # the call's category (the skill it queued for)
    disposition: str | None = None
    customer: str | None = None  # part of the number, the client's name or account number


def publish(session: Session, code: str, document: str | Mapping[str, Any], by: str = "") -> ReviewFormVersion:
    """A new version of form `code` (the first is 1). Raises ReviewFormError for an unusable document."""
    if not code or len(code) > 60:
        raise ReviewFormError("a form code of 1 to 60 characters")
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False, indent=1)
    parse(text)
    last = session.scalar(select(func.max(ReviewFormVersion.version)).where(ReviewFormVersion.code == code)) or 0
    row = ReviewFormVersion(code=code, version=last + 1, document=text, published_by=by)
    session.add(row)
    session.flush()
    return row


def latest_forms(session: Session) -> list[ReviewFormVersion]:
    """The newest version of each form, by code."""
    newest = (select(ReviewFormVersion.code, func.max(ReviewFormVersion.version).label("v"))
              .group_by(ReviewFormVersion.code).subquery())
    return list(session.scalars(select(ReviewFormVersion).join(
        newest, (ReviewFormVersion.code == newest.c.code) & (ReviewFormVersion.version == newest.c.v))
        .order_by(ReviewFormVersion.code)))


def form_version(session: Session, code: str) -> tuple[ReviewFormVersion, ReviewForm]:
    row = next((r for r in latest_forms(session) if r.code == code), None)
    if row is None:
        raise ReviewError(f"no review form {code!r}")
    return row, parse(row.document)


def find_calls(session: Session, where: CallFilter) -> list[dict[str, Any]]:
    """Calls an agent answered or that were recorded (a phone-trading call in the IVR), matching every given
    criterion, newest first (at most MAX_CALLS), with their recordings, dispositions and reviews."""
    reviewable = or_(Call.agent_id.is_not(None), Call.id.in_(select(CallRecording.call_id)))
    query = select(Call).where(reviewable).order_by(Call.entered_at.desc(), Call.id).limit(MAX_CALLS)
    if where.agent is not None:
        query = query.where(Call.agent_id.in_(select(Agent.id).where(Agent.job_number == where.agent)))
    if where.start is not None:
        query = query.where(Call.entered_at >= where.start)
    if where.end is not None:
        query = query.where(Call.entered_at < where.end)
    if where.skill:
        query = query.where(Call.category == where.skill)
    if where.disposition:
        disposed = select(CallDisposition.call_id).where(CallDisposition.code == where.disposition)
        query = query.where(Call.id.in_(disposed))
    if where.customer:
        text = where.customer
        investors = select(Investor.id).where(or_(Investor.name.contains(text, autoescape=True),
                                                  Investor.account_number.contains(text, autoescape=True)))
        query = query.where(or_(Call.caller_number.contains(text, autoescape=True), Call.investor_id.in_(investors)))
    found = list(session.scalars(query))
    return _describe(session, found)


def _describe(session: Session, found: list[Call]) -> list[dict[str, Any]]:
    ids = [c.id for c in found]
    agents = {a.id: a for a in session.scalars(select(Agent).where(Agent.id.in_({c.agent_id for c in found})))}
    investors = {i.id: i for i in session.scalars(select(Investor).where(
        Investor.id.in_({c.investor_id for c in found if c.investor_id})))}
    recordings = _grouped(session.scalars(select(CallRecording).where(CallRecording.call_id.in_(ids))
                                          .order_by(CallRecording.id)))
    dispositions = _grouped(session.scalars(select(CallDisposition).where(CallDisposition.call_id.in_(ids))
                                            .order_by(CallDisposition.id)))
    reviews = _grouped(session.scalars(select(CallReview).where(CallReview.call_id.in_(ids)).order_by(CallReview.id)))
    rows = []
    for call in found:
        agent = agents.get(call.agent_id or 0)
        investor = investors.get(call.investor_id or 0)
        rows.append({
            "call_id": call.id, "entered_at": call.entered_at.isoformat(), "direction": call.direction,
            "skill": call.category, "number": call.caller_number,
            "customer": investor.name if investor else None,
            "agent": {"id": call.agent_id, "job_number": agent.job_number if agent else None,
                      "name": agent.name if agent else None},
            "talk_s": round((call.ended_at - call.answered_at).total_seconds())
            if call.ended_at and call.answered_at else None,
            "dispositions": [d.code for d in dispositions.get(call.id, [])],
            "recordings": [{"id": r.id, "format": r.format, "purpose": r.purpose} for r in recordings.get(call.id, [])],
            "reviews": [{"id": r.id, "total_pct": r.total_tenths / 10} for r in reviews.get(call.id, [])],
        })
    return rows


def _grouped(rows: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for row in rows:
        out.setdefault(row.call_id, []).append(row)
    return out


def save_review(session: Session, call_id: str, form_code: str, scores: Mapping[str, Any], *, reviewer_id: int,
                comment: str = "") -> CallReview:
    """Score the call on the latest version of `form_code`; ScoreError for missing, unknown or out-of-range items,
    ReviewError for an unknown call or form or a call no agent took."""
    call = session.get(Call, call_id)
    if call is None:
        raise ReviewError(f"no call {call_id}")
    if call.agent_id is None:
        raise ReviewError(f"call {call_id} was not answered by an agent: nothing to review")
    row, form = form_version(session, form_code)
    result = score(form, scores)
    review = CallReview(call_id=call.id, form_id=row.id, agent_id=call.agent_id, reviewer_id=reviewer_id,
                        scores=json.dumps({i.id: scores[i.id] for i in form.items()}), total_tenths=result.total_tenths,
                        comment=comment, call_at=call.entered_at)
    session.add(review)
    session.flush()
    return review


def may_read(review_agent_id: int, reader_agent_id: int, reader_supervises: bool) -> bool:
    """A supervisor (or administrator) reads any review; an agent only the reviews of their own calls."""
    return reader_supervises or review_agent_id == reader_agent_id


def review_of(session: Session, review_id: int, *, reader_agent_id: int, reader_supervises: bool) -> dict[str, Any]:
    """The review with its form laid out (sections, items, points); LookupError if none, PermissionError if the
    reader may not read it."""
    review = session.get(CallReview, review_id)
    if review is None:
        raise LookupError(f"no review {review_id}")
    if not may_read(review.agent_id, reader_agent_id, reader_supervises):
        raise PermissionError(f"review {review_id} is another agent's")
    form_row = session.get(ReviewFormVersion, review.form_id)
    assert form_row is not None  # a foreign key
    form = parse(form_row.document)
    points = json.loads(review.scores)
    result = score(form, points)
    names = {a.id: a for a in session.scalars(select(Agent).where(Agent.id.in_([review.agent_id, review.reviewer_id])))}
    return {
        "id": review.id, "call_id": review.call_id, "call_at": review.call_at.isoformat(),
        "reviewed_at": review.reviewed_at.isoformat(), "total_pct": review.total_tenths / 10,
        "comment": review.comment, "form": {"code": form_row.code, "version": form_row.version, "title": form.title},
        "agent": _who(names.get(review.agent_id)), "reviewer": _who(names.get(review.reviewer_id)),
        "sections": [{"id": s.id, "title": s.title, "weight": s.weight, "score_pct": result.sections_pct[s.id],
                      "items": [{"id": i.id, "text": i.text, "weight": i.weight, "max": i.max, "points": points[i.id]}
                                for i in s.items]} for s in form.sections],
    }


def _who(agent: Agent | None) -> dict[str, str] | None:
    return {"job_number": agent.job_number, "name": agent.name} if agent else None


def reviews_of_agent(session: Session, agent_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(CallReview).where(CallReview.agent_id == agent_id)
                           .order_by(CallReview.reviewed_at.desc(), CallReview.id.desc()).limit(MAX_CALLS))
    return [{"id": r.id, "call_id": r.call_id, "call_at": r.call_at.isoformat(),
             "reviewed_at": r.reviewed_at.isoformat(), "total_pct": r.total_tenths / 10} for r in rows]


def scores_by_agent(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, int, int]]:
    """(call time, agent id, total in tenths) of the reviews of calls that entered in [start, end)."""
    query = (select(CallReview.call_at, CallReview.agent_id, CallReview.total_tenths)
             .where(CallReview.call_at >= start, CallReview.call_at < end))
    return [(at, agent_id, tenths) for at, agent_id, tenths in session.execute(query)]
