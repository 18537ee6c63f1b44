"""A complaint as its client sees it (the client portal): its status, the deadlines they were promised, the steps
of its history that are theirs to know, and the resolution once given. Internal steps (notes, escalations,
matching an unknown sender) and every step's staff-side detail (who, which notification) stay with the staff.

`client_step` decides, pure, which history kinds are shown and how they read; `of_investor` and `for_client`
read only the investor's own complaints (anyone else's is the same LookupError as none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.complaints import service
from crm_core.models import Complaint, ComplaintStep

# history kind → what the client reads; every other kind (note, escalated, matched, unmatched, ...) is internal
CLIENT_STEPS = {
    "opened": "Received",
    "attached": "A document was added",
    "acknowledged": "Acknowledged: we are looking into it",
    "assigned": "Given to a case handler",
    "resolved": "Resolved",
}


def client_step(action: str) -> str | None:
    """What the client reads for a step of this kind, or None: an internal step, not shown."""
    return CLIENT_STEPS.get(action)


@dataclass(frozen=True)
class ClientStep:
    at: datetime
    text: str


@dataclass(frozen=True)
class ClientComplaint:
    id: int
    reference: str
    status: str  # open, acknowledged, closed
    category: str
    department: str
    summary: str
    opened_at: datetime
    acknowledge_by: datetime | None  # the deadlines it was opened with
    resolve_by: datetime | None
    resolution: str  # "" until resolved
    closed_at: datetime | None
    steps: tuple[ClientStep, ...]


def visible_steps(steps: list[ComplaintStep]) -> tuple[ClientStep, ...]:
    shown = ((step.at, client_step(step.action)) for step in steps)
    return tuple(ClientStep(at, text) for at, text in shown if text is not None)


def of_investor(session: Session, investor_id: int, limit: int = 50) -> list[ClientComplaint]:
    """The investor's complaints, newest first, as they see them."""
    rows = session.scalars(select(Complaint).where(Complaint.investor_id == investor_id)
                           .order_by(Complaint.opened_at.desc(), Complaint.id.desc()).limit(limit))
    return [_seen(session, row) for row in rows]


def for_client(session: Session, investor_id: int, complaint_id: int) -> ClientComplaint:
    """One of the investor's complaints; LookupError for another's as for none."""
    row = session.get(Complaint, complaint_id)
    if row is None or row.investor_id != investor_id:
        raise LookupError(f"no such complaint: {complaint_id}")
    return _seen(session, row)


def _seen(session: Session, row: Complaint) -> ClientComplaint:
    return ClientComplaint(row.id, service.reference(row), row.status, row.category, row.department, row.summary,
                           row.opened_at, row.acknowledge_by, row.resolve_by, row.resolution, row.closed_at,
                           visible_steps(service.steps_of(session, row.id)))
