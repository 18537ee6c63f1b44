"""Complaints that arrive by themselves: a fax to the complaints number (its pages as a PDF), an e-mail to the
complaints mailbox (its text and attachments), a client's form on the client portal (`from_web`), a letter
scanned and uploaded. Each is opened once per source (the fax's Asterisk unique id, the e-mail's Message-ID, the web
form's request id, the scan's content) and acknowledged automatically when the sender is a known client
(crm_core.complaints.service)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.complaints.categories import CATEGORIES
from crm_core.complaints.rules import ComplaintRules
from crm_core.complaints.service import Attachment, ComplaintRejected, open_complaint
from crm_core.models import Complaint, Investor, InvestorContact, InvestorDetail, InvestorPhone

INTAKE_CATEGORY = "other"  # a person reads the pages and sets the category
SUMMARY_LIMIT = 4000
DEPARTMENT_LIMIT = 60  # complaints.department


@dataclass(frozen=True)
class FaxReceived:
    unique_id: str  # Asterisk's UNIQUEID of the receiving channel
    sender: str  # the calling number (the fax machine's)
    status: str  # FAXSTATUS: SUCCESS, FAILED
    pages: int  # FAXPAGES
    error: str  # FAXERROR


@dataclass(frozen=True)
class MailReceived:
    message_id: str
    sender: str  # the From address
    subject: str
    text: str
    attachments: Sequence[Attachment] = ()


def digits(number: str) -> str:
    found = "".join(ch for ch in number if ch.isdigit())
    return found[2:] if found.startswith("86") and len(found) > 11 else found


def client_by_number(session: Session, number: str) -> int | None:
    """The client whose fax or phone number this is (digits compared, +86 dropped); None if none or several."""
    wanted = digits(number)
    if not wanted:
        return None
    found = {i for i, value in session.execute(select(InvestorContact.investor_id, InvestorContact.value)
                                               .where(InvestorContact.channel.in_(("fax", "phone", "mobile"))))
             if digits(value) == wanted}
    found |= {i for i, value in session.execute(select(InvestorPhone.investor_id, InvestorPhone.number))
              if digits(value) == wanted}
    return found.pop() if len(found) == 1 else None


def client_by_email(session: Session, address: str) -> int | None:
    wanted = address.strip().lower()
    if "@" not in wanted:
        return None
    found = set(session.scalars(select(InvestorContact.investor_id).where(
        InvestorContact.channel == "email", func.lower(InvestorContact.value) == wanted)))
    found |= set(session.scalars(select(InvestorDetail.investor_id).where(func.lower(InvestorDetail.email) == wanted)))
    return found.pop() if len(found) == 1 else None


def from_fax(session: Session, fax: FaxReceived, pdf: bytes, now: datetime, rules: ComplaintRules) -> Complaint:
    """A fax to the complaints number, its pages attached as a PDF; a fax cut off keeps the pages that came."""
    outcome = "" if fax.status == "SUCCESS" else f" (the fax ended {fax.status or 'early'}: {fax.error or 'no reason'})"
    summary = f"Fax of {fax.pages} page(s) from {fax.sender or 'an unknown number'}{outcome}: see the pages."
    return open_complaint(session, category=INTAKE_CATEGORY, summary=summary, channel="fax", now=now, rules=rules,
                          actor=f"fax:{fax.sender or 'unknown'}", investor_id=client_by_number(session, fax.sender),
                          sender=fax.sender, source_key=f"fax:{fax.unique_id}",
                          attachments=[Attachment(f"fax-{fax.unique_id}.pdf", "application/pdf", pdf, fax.pages)])


def from_email(session: Session, mail: MailReceived, now: datetime, rules: ComplaintRules) -> Complaint:
    """An e-mail to the complaints mailbox: its subject and text as the summary, its attachments kept."""
    text = f"{mail.subject.strip()}\n\n{mail.text.strip()}".strip() or "(an empty e-mail)"
    key = mail.message_id.strip() or hashlib.sha256(f"{mail.sender}\n{text}".encode()).hexdigest()
    return open_complaint(session, category=INTAKE_CATEGORY, summary=text[:SUMMARY_LIMIT], channel="email", now=now,
                          rules=rules, actor=f"email:{mail.sender}",
                          investor_id=client_by_email(session, mail.sender), sender=mail.sender,
                          source_key=f"email:{key}"[:300], attachments=mail.attachments)


def from_web(session: Session, investor_id: int, category: str, summary: str, request_id: str, now: datetime,
             rules: ComplaintRules, *, department: str = "", severity: str = "normal") -> Complaint:
    """A complaint a logged-in client sends from the web (the client portal calls this): about one of the
    configured categories, acknowledged by their preferred channel; the same `request_id` (a resubmitted form)
    is the same complaint."""
    if not request_id.strip():
        raise ComplaintRejected("a web complaint needs its request id (a resubmitted form must not open two)")
    if category not in CATEGORIES:
        raise ComplaintRejected(f"the category must be one of: {', '.join(CATEGORIES)}")
    if len(summary) > SUMMARY_LIMIT or len(department) > DEPARTMENT_LIMIT:
        raise ComplaintRejected(f"at most {SUMMARY_LIMIT} characters of text and {DEPARTMENT_LIMIT} of department")
    return open_complaint(session, category=category, summary=summary, channel="web", now=now, rules=rules,
                          actor=f"web:investor:{investor_id}", investor_id=investor_id, department=department,
                          severity=severity, source_key=f"web:{investor_id}:{request_id.strip()}"[:300])


def from_letter(session: Session, account_number: str, category: str, summary: str, scan: Attachment,
                now: datetime, rules: ComplaintRules, actor: str, *, department: str = "",
                severity: str = "normal") -> Complaint:
    """A letter, scanned and uploaded with the client's account number: the scan attached (the same scan
    uploaded again is the same complaint)."""
    investor_id = session.scalar(select(Investor.id).where(Investor.account_number == account_number.strip()))
    if investor_id is None:
        raise ComplaintRejected(f"no client with account number {account_number!r}")
    return open_complaint(session, category=category, summary=summary, channel="letter", now=now, rules=rules,
                          actor=actor, investor_id=investor_id, department=department, severity=severity,
                          source_key=f"letter:{hashlib.sha256(scan.content).hexdigest()}", attachments=[scan])
