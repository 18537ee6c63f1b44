"""`hotline complaint ...`: list, show (with the history and the attachments, saved with --save), acknowledge (a
complaint from an unknown sender, once matched to a client), assign, resolve (the client told by the channel it
came in on), upload a scanned letter, name a staff member's supervisor (the first escalation), and run the
escalation now."""

from __future__ import annotations

import argparse
import getpass
import mimetypes
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import staff
from crm_core.complaints import intake, service
from crm_core.complaints.categories import CATEGORIES
from crm_core.complaints.deadlines import SEVERITIES
from crm_core.complaints.escalation import overdue
from crm_core.complaints.service import Attachment, ComplaintNotFound, ComplaintRejected
from crm_core.models import Agent, Complaint, Investor
from crm_core.models.base import utcnow
from hotline.cli_session import Handler, Work, in_session
from hotline.complaint_wiring import complaint_rules
from hotline.settings import Settings

FAILURES = (ComplaintRejected, ComplaintNotFound, OSError, ValueError)  # staff.StaffError is a ValueError
STATUSES = ("open", "acknowledged", "closed", "overdue")


def _in_session(work: Work) -> Handler:
    return in_session(work, FAILURES)


def add_complaint_commands(complaint: argparse.ArgumentParser) -> None:
    commands = complaint.add_subparsers(dest="complaint_command", required=True)

    p = commands.add_parser("list", help="complaints, newest first (tab-separated)")
    p.add_argument("--status", choices=STATUSES, help="overdue: not closed and past a deadline")
    p.set_defaults(handler=cmd_list)

    p = commands.add_parser("show", help="a complaint with its deadlines, history and attachments")
    p.add_argument("complaint", help="its number or reference (C000012)")
    p.add_argument("--save", type=Path, help="write its attachments into this folder")
    p.set_defaults(handler=cmd_show)

    p = commands.add_parser("acknowledge", help="acknowledge to the client (match an unknown sender with --client)")
    p.add_argument("complaint")
    p.add_argument("--client", help="the account number of the client it is from")
    p.set_defaults(handler=cmd_acknowledge)

    p = commands.add_parser("assign", help="make an agent the owner")
    p.add_argument("complaint")
    p.add_argument("job_number")
    p.set_defaults(handler=cmd_assign)

    p = commands.add_parser("resolve", help="close it; the resolution is told to the client by their channel")
    p.add_argument("complaint")
    p.add_argument("--resolution", required=True)
    p.set_defaults(handler=cmd_resolve)

    p = commands.add_parser("letter", help="a letter, scanned: a complaint with the scan attached")
    p.add_argument("account_number")
    p.add_argument("--file", type=Path, required=True, help="the scan (PDF or image)")
    p.add_argument("--category", choices=CATEGORIES, required=True)
    p.add_argument("--summary", required=True)
    p.add_argument("--department", default="")
    p.add_argument("--severity", choices=SEVERITIES, default="normal")
    p.set_defaults(handler=cmd_letter)

    p = commands.add_parser("supervisor", help="whom a staff member's overdue complaints go to first")
    p.add_argument("job_number")
    p.add_argument("supervisor_job_number")
    p.set_defaults(handler=cmd_supervisor)

    p = commands.add_parser("escalate", help="escalate the overdue complaints now (the service does it every few "
                                             "minutes)")
    p.set_defaults(handler=cmd_escalate)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _complaint(session: Session, text: str) -> Complaint:
    digits = text.strip().upper().removeprefix("C")
    if not digits.isdigit():
        raise ValueError(f"not a complaint number or reference: {text!r}")
    return service.get(session, int(digits))


def _line(session: Session, row: Complaint, settings: Settings) -> str:
    tz = settings.complaints.time_zone
    investor = session.get(Investor, row.investor_id) if row.investor_id is not None else None
    late = overdue(service.standing(row), utcnow())
    return "\t".join([service.reference(row), row.status, row.channel, row.category,
                      investor.account_number if investor else (row.sender or "unknown"),
                      service.local_text(row.opened_at, tz), f"resolve by {service.local_text(row.resolve_by, tz)}",
                      "OVERDUE" if late else "", row.escalated_to and f"escalated to {row.escalated_to}"])


@_in_session
def cmd_list(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    rows = service.listed(session, args.status)
    if args.status == "overdue":
        rows = [r for r in rows if overdue(service.standing(r), utcnow())]
    for row in rows:
        print(_line(session, row, settings).rstrip("\t"))
    return 0


@_in_session
def cmd_show(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    row = _complaint(session, args.complaint)
    tz = settings.complaints.time_zone
    owner = session.get(Agent, row.owner_id) if row.owner_id is not None else None
    print(_line(session, row, settings).rstrip("\t"))
    print(f"about: {row.department or '-'}; severity {row.severity}; owner {owner.job_number if owner else '-'}; "
          f"acknowledge by {service.local_text(row.acknowledge_by, tz)}")
    print(f"summary: {row.summary}")
    if row.resolution:
        print(f"resolution: {row.resolution}")
    for step in service.steps_of(session, row.id):
        print(f"  {service.local_text(step.at, tz)}\t{step.actor}\t{step.action}\t{step.detail}")
    for kept in service.attachments_of(session, row.id):
        pages = f", {kept.pages} pages" if kept.pages else ""
        print(f"  attachment {kept.id}: {kept.name} ({kept.media_type}, {kept.size} bytes{pages})")
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{kept.id}-{Path(kept.name).name}").write_bytes(kept.content)
    return 0


@_in_session
def cmd_acknowledge(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    row = _complaint(session, args.complaint)
    investor_id = None
    if args.client:
        investor_id = session.scalar(select(Investor.id).where(Investor.account_number == args.client.strip()))
        if investor_id is None:
            raise ComplaintRejected(f"no client with account number {args.client!r}")
    service.acknowledge(session, row.id, utcnow(), complaint_rules(settings), _actor(), investor_id)
    print(_line(session, row, settings).rstrip("\t"))
    return 0


@_in_session
def cmd_assign(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    row = service.assign(session, _complaint(session, args.complaint).id, args.job_number, utcnow(), _actor())
    print(f"{service.reference(row)}\towner {args.job_number}")
    return 0


@_in_session
def cmd_resolve(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    row = service.resolve(session, _complaint(session, args.complaint).id, args.resolution, utcnow(),
                          complaint_rules(settings), _actor())
    print(_line(session, row, settings).rstrip("\t"))
    return 0


@_in_session
def cmd_letter(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    content = args.file.read_bytes()
    media_type = mimetypes.guess_type(args.file.name)[0] or "application/octet-stream"
    if not (media_type == "application/pdf" or media_type.startswith("image/")):
        raise ComplaintRejected(f"{args.file.name}: a scan is a PDF or an image, not {media_type}")
    scan = Attachment(args.file.name, media_type, content)
    row = intake.from_letter(session, args.account_number, args.category, args.summary, scan, utcnow(),
                             complaint_rules(settings), _actor(), department=args.department, severity=args.severity)
    print(_line(session, row, settings).rstrip("\t"))
    return 0


@_in_session
def cmd_supervisor(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    agent = session.scalars(select(Agent).where(Agent.job_number == args.job_number.strip())).one_or_none()
    if agent is None:
        raise ComplaintRejected(f"no agent with job number {args.job_number!r}")
    staff.set_supervisor(session, agent.id, args.supervisor_job_number)
    print(f"{agent.job_number}\tsupervisor {args.supervisor_job_number.strip()}")
    return 0


@_in_session
def cmd_escalate(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    for step in service.escalate_overdue(session, utcnow(), complaint_rules(settings)):
        print(f"C{step.complaint_id:06d}\tlevel {step.level}\tto {step.to}\t{step.reason}")
    return 0
