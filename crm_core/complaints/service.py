"""The complaints service: open (idempotent on what made it), acknowledge, assign, resolve, escalate the
overdue ones; every change is a step in the complaint's history, and the client is told through the outbox.
Stateless functions taking a session; no I/O beyond the database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.complaints import escalation
from crm_core.complaints.deadlines import CHANNELS, SEVERITIES, deadlines
from crm_core.complaints.replies import reply_way
from crm_core.complaints.rules import ComplaintRules
from crm_core.models import (
    Agent,
    Complaint,
    ComplaintAttachment,
    ComplaintStep,
    Investor,
    Notification,
)
from crm_core.notifications.outbox import enqueue
from crm_core.once import claim as claim_once
from crm_core.staff import supervisor_of


class ComplaintRejected(ValueError):
    """Bad input for a complaint: nothing was written."""


class ComplaintNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Attachment:
    name: str
    media_type: str
    content: bytes
    pages: int | None = None


@dataclass(frozen=True)
class Escalated:
    complaint_id: int
    level: int
    to: str
    reason: str


def reference(complaint: Complaint) -> str:
    return f"C{complaint.id:06d}"


def open_complaint(session: Session, *, category: str, summary: str, channel: str, now: datetime,
                   rules: ComplaintRules, actor: str, investor_id: int | None = None, department: str = "",
                   severity: str = "normal", call_id: str | None = None, agent_id: int | None = None,
                   owner_id: int | None = None, sender: str = "", source_key: str | None = None,
                   attachments: Iterable[Attachment] = ()) -> Complaint:
    """A new complaint with its deadlines and an `opened` step; acknowledged at once through the outbox when
    its client is known. The same `source_key` again returns the first complaint, unchanged."""
    if source_key is not None and (found := _by_source(session, source_key)) is not None:
        return found
    category, summary = category.strip(), summary.strip()
    _check(category, summary, channel, severity)
    if investor_id is not None and session.get(Investor, investor_id) is None:
        raise ComplaintRejected(f"no investor {investor_id}")
    acknowledge_by, resolve_by = deadlines(now, category, severity, rules.deadlines, rules.holidays)
    row = Complaint(investor_id=investor_id, call_id=call_id, agent_id=agent_id, category=category,
                    summary=summary, status="open", opened_at=now, channel=channel, department=department.strip(),
                    severity=severity, owner_id=owner_id, acknowledge_by=acknowledge_by, resolve_by=resolve_by,
                    resolution="", escalation_level=0, escalated_to="", sender=sender.strip(),
                    source_key=source_key)
    if not claim_once(session, row):  # another process opened it from the same source first
        winner = _by_source(session, source_key) if source_key else None
        assert winner is not None
        return winner
    _step(session, row, now, actor, "opened", f"by {channel}" + (f" from {row.sender}" if row.sender else ""))
    for attachment in attachments:
        add_attachment(session, row, attachment, now, actor)
    if investor_id is not None:
        _acknowledge(session, row, now, rules, actor)
    else:
        _step(session, row, now, actor, "unmatched",
              f"the sender {row.sender or '(none)'} is not a known client: acknowledge it once matched")
    return row


def acknowledge(session: Session, complaint_id: int, now: datetime, rules: ComplaintRules, actor: str,
                investor_id: int | None = None) -> Complaint:
    """Acknowledge (and tell the client); `investor_id` matches a complaint from an unknown sender first."""
    row = get(session, complaint_id)
    if row.status != "open":
        raise ComplaintRejected(f"complaint {reference(row)} is {row.status}, not open")
    if investor_id is not None:
        if session.get(Investor, investor_id) is None:
            raise ComplaintRejected(f"no investor {investor_id}")
        row.investor_id = investor_id
        _step(session, row, now, actor, "matched", f"investor {investor_id}")
    if row.investor_id is None:
        raise ComplaintRejected(f"complaint {reference(row)} has no client yet: give the investor it is from")
    _acknowledge(session, row, now, rules, actor)
    return row


def assign(session: Session, complaint_id: int, job_number: str, now: datetime, actor: str) -> Complaint:
    row = get(session, complaint_id)
    owner = _agent(session, job_number)
    row.owner_id = owner.id
    _step(session, row, now, actor, "assigned", f"to {owner.job_number} {owner.name}")
    return row


def add_note(session: Session, complaint_id: int, text: str, now: datetime, actor: str) -> Complaint:
    row = get(session, complaint_id)
    if not text.strip():
        raise ComplaintRejected("a note cannot be empty")
    _step(session, row, now, actor, "note", text.strip())
    return row


def resolve(session: Session, complaint_id: int, resolution: str, now: datetime, rules: ComplaintRules,
            actor: str) -> Complaint:
    """Close it with its resolution, told to the client by the channel it came in on (once, whatever retries)."""
    row = get(session, complaint_id)
    if not resolution.strip():
        raise ComplaintRejected("the resolution cannot be empty: it is what the client is told")
    if row.status == "closed":
        raise ComplaintRejected(f"complaint {reference(row)} is already closed")
    row.status, row.closed_at, row.resolution = "closed", now, resolution.strip()
    detail = row.resolution
    if row.investor_id is not None:
        notice = _tell(session, row, "resolution", "complaint_resolution", {"resolution": row.resolution}, now, rules)
        detail += f" (notification {notice.id}, {notice.status} by {notice.channel or 'no channel'})"
    _step(session, row, now, actor, "resolved", detail)
    return row


def add_attachment(session: Session, row: Complaint, attachment: Attachment, now: datetime,
                   actor: str) -> ComplaintAttachment:
    if not attachment.content:
        raise ComplaintRejected(f"the attachment {attachment.name!r} is empty")
    kept = ComplaintAttachment(complaint_id=row.id, name=attachment.name[:200], media_type=attachment.media_type,
                               size=len(attachment.content), sha256=hashlib.sha256(attachment.content).hexdigest(),
                               pages=attachment.pages, content=attachment.content, added_at=now)
    session.add(kept)
    session.flush()
    pages = f", {attachment.pages} pages" if attachment.pages else ""
    _step(session, row, now, actor, "attached", f"{kept.name} ({kept.media_type}, {kept.size} bytes{pages})")
    return kept


def escalate_overdue(session: Session, now: datetime, rules: ComplaintRules) -> list[Escalated]:
    """One escalation step for each overdue complaint that is due one (crm_core.complaints.escalation)."""
    done = []
    rows = session.scalars(select(Complaint).where(Complaint.status != "closed",
                                                   Complaint.escalation_level < escalation.HEAD_OF_SERVICE)
                           .order_by(Complaint.id).with_for_update(skip_locked=True))
    for row in rows:
        step = escalation.decide(standing(row), now, rules.holidays, rules.deadlines.time_zone)
        if step is None:
            continue
        to = rules.head_of_service if step.level == escalation.HEAD_OF_SERVICE else _supervisor_of(session, row, rules)
        row.escalation_level, row.escalated_to, row.escalated_at = step.level, to, now
        whom = "the head of service" if step.level == escalation.HEAD_OF_SERVICE else "the owner's supervisor"
        _step(session, row, now, "system", "escalated", f"to {whom} {to or '(none set)'}: {step.reason}")
        done.append(Escalated(row.id, step.level, to, step.reason))
    return done


def standing(row: Complaint) -> escalation.Standing:
    return escalation.Standing(row.status, row.acknowledge_by, row.resolve_by, row.escalation_level,
                               row.escalated_at)


def get(session: Session, complaint_id: int) -> Complaint:
    row = session.get(Complaint, complaint_id)
    if row is None:
        raise ComplaintNotFound(f"no complaint {complaint_id}")
    return row


def steps_of(session: Session, complaint_id: int) -> list[ComplaintStep]:
    return list(session.scalars(select(ComplaintStep).where(ComplaintStep.complaint_id == complaint_id)
                                .order_by(ComplaintStep.at, ComplaintStep.id)))


def attachments_of(session: Session, complaint_id: int) -> list[ComplaintAttachment]:
    return list(session.scalars(select(ComplaintAttachment).where(ComplaintAttachment.complaint_id == complaint_id)
                                .order_by(ComplaintAttachment.id)))


def listed(session: Session, status: str | None = None, limit: int = 200) -> list[Complaint]:
    query = select(Complaint).order_by(Complaint.opened_at.desc(), Complaint.id.desc()).limit(limit)
    if status == "overdue":
        query = query.where(Complaint.status != "closed")
    elif status is not None:
        query = query.where(Complaint.status == status)
    return list(session.scalars(query))


def local_text(moment: datetime | None, time_zone: str) -> str:
    return "" if moment is None else moment.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")


def _acknowledge(session: Session, row: Complaint, now: datetime, rules: ComplaintRules, actor: str) -> None:
    notice = _tell(session, row, "ack", "complaint_ack", {}, now, rules)
    row.status, row.acknowledged_at = "acknowledged", now
    _step(session, row, now, actor, "acknowledged",
          f"notification {notice.id}, {notice.status} by {notice.channel or 'no channel'}"
          + (f" ({notice.reason})" if notice.reason else ""))


def _tell(session: Session, row: Complaint, what: str, template: str, data: dict[str, str], now: datetime,
          rules: ComplaintRules) -> Notification:
    assert row.investor_id is not None
    way = reply_way(row.channel, row.sender)
    tz = rules.deadlines.time_zone
    content = {"reference": reference(row), "category": row.category, "opened": local_text(row.opened_at, tz),
               "resolve_by": local_text(row.resolve_by, tz), **data}
    notice = enqueue(session, key=f"complaint:{row.id}:{what}", investor_id=row.investor_id, purpose="complaint",
                     template=template, data=content, now=now, policy=rules.notify, channel=way.channel,
                     address=way.address)
    session.flush()
    return notice


def _supervisor_of(session: Session, row: Complaint, rules: ComplaintRules) -> str:
    named = supervisor_of(session, row.owner_id) if row.owner_id is not None else None
    return named or rules.supervisor


def _agent(session: Session, job_number: str) -> Agent:
    agent = session.scalars(select(Agent).where(Agent.job_number == job_number.strip())).one_or_none()
    if agent is None:
        raise ComplaintRejected(f"no agent with job number {job_number!r}")
    return agent


def _check(category: str, summary: str, channel: str, severity: str) -> None:
    if not category or len(category) > 40:
        raise ComplaintRejected("the category must have 1 to 40 characters")
    if not summary:
        raise ComplaintRejected("the summary cannot be empty")
    if channel not in CHANNELS:
        raise ComplaintRejected(f"channel must be one of: {', '.join(CHANNELS)}")
    if severity not in SEVERITIES:
        raise ComplaintRejected(f"severity must be one of: {', '.join(SEVERITIES)}")


def _by_source(session: Session, source_key: str) -> Complaint | None:
    return session.scalars(select(Complaint).where(Complaint.source_key == source_key)).one_or_none()


def _step(session: Session, row: Complaint, now: datetime, actor: str, action: str, detail: str) -> None:
    session.add(ComplaintStep(complaint_id=row.id, at=now, actor=actor, action=action, status=row.status,
                              detail=detail))
