"""An agent's own book: the investors assigned to them (in any role), with what is open for each (complaints,
reminders, callbacks still to be made: a callback's own reminder counts as the callback), searchable by name,
account or phone. The desk lists it, each one click from dialling."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from crm_core.models import (
    Callback,
    Complaint,
    Investor,
    InvestorAssignment,
    InvestorPhone,
    Reminder,
    SegmentMembership,
)
from crm_core.models.callback import OPEN_STATUSES


@dataclass
class BookLine:
    investor_id: int
    account_number: str
    name: str
    phone: str | None
    segment: str | None
    roles: list[str] = field(default_factory=list)
    open_complaints: int = 0
    reminders: int = 0
    callbacks: int = 0


def in_book(session: Session, agent_id: int, investor_id: int) -> bool:
    """The investor is assigned to the agent in some role."""
    return session.scalars(select(InvestorAssignment.role_code).where(
        InvestorAssignment.agent_id == agent_id, InvestorAssignment.investor_id == investor_id).limit(1)).first() \
        is not None


def agent_book(session: Session, agent_id: int, search: str = "", limit: int = 200) -> list[BookLine]:
    """The agent's investors (by name), those matching `search` (in name, account or phone) when given."""
    query = (select(Investor.id, Investor.account_number, Investor.name, InvestorAssignment.role_code)
             .join(InvestorAssignment, InvestorAssignment.investor_id == Investor.id)
             .where(InvestorAssignment.agent_id == agent_id))
    if search.strip():
        like = f"%{search.strip().lower()}%"
        phones = select(InvestorPhone.investor_id).where(InvestorPhone.number.like(like))
        query = query.where(or_(func.lower(Investor.name).like(like), Investor.account_number.like(like),
                                Investor.id.in_(phones)))
    lines: dict[int, BookLine] = {}
    for investor_id, account, name, role in session.execute(query.order_by(Investor.name, Investor.id)):
        if investor_id not in lines:
            if len(lines) >= limit:
                break
            lines[investor_id] = BookLine(investor_id, account, name, None, None)
        lines[investor_id].roles.append(role)
    _fill(session, agent_id, lines)
    return list(lines.values())


def _fill(session: Session, agent_id: int, lines: dict[int, BookLine]) -> None:
    ids = list(lines)
    if not ids:
        return
    phones: dict[int, str] = {}
    for investor_id, number in session.execute(select(InvestorPhone.investor_id, InvestorPhone.number)
                                               .where(InvestorPhone.investor_id.in_(ids))
                                               .order_by(InvestorPhone.id)):
        phones.setdefault(investor_id, number)
    segments = dict(session.execute(select(SegmentMembership.investor_id, SegmentMembership.segment_code).where(
        SegmentMembership.investor_id.in_(ids), SegmentMembership.valid_to.is_(None))).all())
    complaints = dict(session.execute(select(Complaint.investor_id, func.count()).where(
        Complaint.investor_id.in_(ids), Complaint.status != "closed").group_by(Complaint.investor_id)).all())
    callbacks = dict(session.execute(select(Callback.investor_id, func.count()).where(
        Callback.investor_id.in_(ids), Callback.status.in_(OPEN_STATUSES)).group_by(Callback.investor_id)).all())
    of_callbacks = select(Callback.reminder_id).where(Callback.reminder_id.is_not(None),
                                                      Callback.status.in_(OPEN_STATUSES))
    reminders: dict[int, int] = defaultdict(int)
    for (investor_id,) in session.execute(select(Reminder.investor_id).where(
            Reminder.investor_id.in_(ids), Reminder.done_at.is_(None), Reminder.id.not_in(of_callbacks),
            or_(Reminder.agent_id == agent_id, Reminder.agent_id.is_(None)))):
        reminders[investor_id] += 1
    for investor_id, line in lines.items():
        line.phone, line.segment = phones.get(investor_id), segments.get(investor_id)
        line.open_complaints = int(complaints.get(investor_id, 0))
        line.callbacks, line.reminders = int(callbacks.get(investor_id, 0)), reminders[investor_id]
