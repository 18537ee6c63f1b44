"""Complaints from the console: opened on the desk from the call on screen (its client, the call, the agent as
owner, the category the call came in for), shown with their history, resolved, and the supervisors' board of
the overdue and escalated ones. Decisions are crm_core.complaints'; this module reads and shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from console.desk import client_of_call, request_key
from crm_core import audit
from crm_core.complaints import intake, service
from crm_core.complaints.escalation import overdue
from crm_core.complaints.rules import ComplaintRules
from crm_core.models import Agent, Complaint, Investor
from crm_core.web_sessions import StaffIdentity
from webapi.errors import ApiError


def open_on_call(session: Session, call_id: str, identity: StaffIdentity, *, category: str, summary: str,
                 department: str, severity: str, now: datetime, rules: ComplaintRules) -> dict[str, Any]:
    """A complaint by the call's client, owned by the agent; the same content on the same call is one complaint
    (a double click, a retried request). Audited as `desk.complaint`."""
    call = client_of_call(session, call_id, identity)
    row = service.open_complaint(session, category=category, summary=summary, channel="phone", now=now,
                                 rules=rules, actor=f"agent:{identity.job_number}", investor_id=call.investor_id,
                                 department=department, severity=severity, call_id=call_id,
                                 agent_id=identity.agent_id, owner_id=identity.agent_id,
                                 source_key=request_key(call_id, "complaint", category, summary, department, severity))
    audit.record(session, actor=f"agent:{identity.job_number}", action="desk.complaint", outcome=row.status,
                 channel="web", subject=f"investor:{call.investor_id}", call_id=call_id, complaint_id=row.id)
    return complaint_json(session, row, rules, now)


def letter(session: Session, identity: StaffIdentity, *, account_number: str, category: str, summary: str,
           scan: service.Attachment, now: datetime, rules: ComplaintRules) -> dict[str, Any]:
    """A scanned letter uploaded: a complaint by the client with the scan, owned by whoever uploaded it (the
    same scan again is the same complaint); audited as `complaint.letter`."""
    row = intake.from_letter(session, account_number, category, summary, scan, now, rules,
                             f"agent:{identity.job_number}")
    if row.owner_id is None:
        row.owner_id = identity.agent_id
    audit.record(session, actor=f"agent:{identity.job_number}", action="complaint.letter", outcome=row.status,
                 channel="web", subject=f"investor:{row.investor_id}", complaint_id=row.id)
    return complaint_json(session, row, rules, now)


def detail(session: Session, complaint_id: int, identity: StaffIdentity, rules: ComplaintRules,
           now: datetime) -> dict[str, Any]:
    row = _visible(session, complaint_id, identity)
    found = complaint_json(session, row, rules, now)
    found["steps"] = [{"at": s.at.isoformat(), "actor": s.actor, "action": s.action, "status": s.status,
                       "detail": s.detail} for s in service.steps_of(session, row.id)]
    found["attachments"] = [{"id": a.id, "name": a.name, "media_type": a.media_type, "size": a.size,
                             "pages": a.pages} for a in service.attachments_of(session, row.id)]
    return found


def resolve(session: Session, complaint_id: int, identity: StaffIdentity, resolution: str, rules: ComplaintRules,
            now: datetime) -> dict[str, Any]:
    row = _visible(session, complaint_id, identity)
    service.resolve(session, row.id, resolution, now, rules, f"agent:{identity.job_number}")
    audit.record(session, actor=f"agent:{identity.job_number}", action="complaint.resolve", outcome="closed",
                 channel="web", subject=f"complaint:{row.id}")
    return complaint_json(session, row, rules, now)


def assign(session: Session, complaint_id: int, identity: StaffIdentity, job_number: str, rules: ComplaintRules,
           now: datetime) -> dict[str, Any]:
    """A supervisor gives the complaint an owner (an escalated one, typically); audited `complaint.assign`."""
    row = service.assign(session, complaint_id, job_number, now, f"agent:{identity.job_number}")
    audit.record(session, actor=f"agent:{identity.job_number}", action="complaint.assign", outcome="assigned",
                 channel="web", subject=f"complaint:{row.id}", owner=job_number)
    return complaint_json(session, row, rules, now)


def board(session: Session, rules: ComplaintRules, now: datetime) -> list[dict[str, Any]]:
    """The complaints not closed that are overdue or escalated, the most escalated and oldest first."""
    rows = session.scalars(select(Complaint).where(Complaint.status != "closed", or_(
        Complaint.escalation_level > 0, Complaint.acknowledge_by <= now, Complaint.resolve_by <= now))
        .order_by(Complaint.escalation_level.desc(), Complaint.opened_at, Complaint.id).limit(200))
    return [complaint_json(session, row, rules, now) for row in rows
            if row.escalation_level > 0 or overdue(service.standing(row), now)]


def complaint_json(session: Session, row: Complaint, rules: ComplaintRules, now: datetime) -> dict[str, Any]:
    tz = rules.deadlines.time_zone
    investor = session.get(Investor, row.investor_id) if row.investor_id is not None else None
    owner = session.get(Agent, row.owner_id) if row.owner_id is not None else None
    return {"id": row.id, "reference": service.reference(row), "status": row.status, "channel": row.channel,
            "category": row.category, "department": row.department, "severity": row.severity,
            "summary": row.summary, "client": investor.name if investor else None,
            "account_number": investor.account_number if investor else None, "sender": row.sender,
            "call_id": row.call_id, "owner": owner.job_number if owner else None,
            "opened_local": service.local_text(row.opened_at, tz),
            "acknowledge_by_local": service.local_text(row.acknowledge_by, tz),
            "resolve_by_local": service.local_text(row.resolve_by, tz),
            "overdue": overdue(service.standing(row), now), "escalation_level": row.escalation_level,
            "escalated_to": row.escalated_to, "resolution": row.resolution}


def _visible(session: Session, complaint_id: int, identity: StaffIdentity) -> Complaint:
    row = service.get(session, complaint_id)
    if not identity.may("supervise") and identity.agent_id not in (row.owner_id, row.agent_id):
        raise ApiError(403, f"forbidden: complaint {complaint_id} is neither opened nor owned by you")
    return row
