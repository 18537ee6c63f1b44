"""An investor's customer record in one read: details, contacts, accounts, calls, complaints, reminders."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import (
    Call,
    Complaint,
    Investor,
    InvestorAccount,
    InvestorAssignment,
    InvestorContact,
    InvestorDetail,
    InvestorPhone,
    Reminder,
    SegmentMembership,
)


@dataclass
class CustomerRecord:
    investor: Investor
    detail: InvestorDetail | None
    phones: list[str]
    contacts: list[InvestorContact]
    accounts: list[InvestorAccount]
    segment_path: str | None
    staff: dict[str, int] = field(default_factory=dict)  # role code -> agent id
    calls: list[Call] = field(default_factory=list)  # newest first
    complaints: list[Complaint] = field(default_factory=list)
    open_reminders: list[Reminder] = field(default_factory=list)


def customer_record(session: Session, investor_id: int, *, calls: int = 20) -> CustomerRecord | None:
    investor = session.get(Investor, investor_id)
    if investor is None:
        return None
    return CustomerRecord(
        investor=investor,
        detail=session.get(InvestorDetail, investor_id),
        phones=list(session.scalars(select(InvestorPhone.number).where(InvestorPhone.investor_id == investor_id))),
        contacts=list(session.scalars(select(InvestorContact).where(InvestorContact.investor_id == investor_id))),
        accounts=list(session.scalars(select(InvestorAccount).where(InvestorAccount.investor_id == investor_id))),
        segment_path=session.scalars(select(SegmentMembership.path).where(
            SegmentMembership.investor_id == investor_id, SegmentMembership.valid_to.is_(None))).first(),
        staff={role: agent for role, agent in session.execute(select(
            InvestorAssignment.role_code, InvestorAssignment.agent_id).where(
            InvestorAssignment.investor_id == investor_id))},
        calls=list(session.scalars(select(Call).where(Call.investor_id == investor_id)
                                   .order_by(Call.entered_at.desc()).limit(calls))),
        complaints=list(session.scalars(select(Complaint).where(Complaint.investor_id == investor_id)
                                        .order_by(Complaint.opened_at.desc()))),
        open_reminders=list(session.scalars(select(Reminder).where(
            Reminder.investor_id == investor_id, Reminder.done_at.is_(None)).order_by(Reminder.due_at))),
    )
