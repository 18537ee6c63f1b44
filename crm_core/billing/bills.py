"""A month's call bill, per client or per department: every call that started in the month (in the billing
time zone), with its charge (its rating under the newest tariff version) and the total."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from crm_core.billing.charges import Charged, charged
from crm_core.billing.rating import E4
from crm_core.billing.tariffs import BILLING_TIME_ZONE
from crm_core.investors import find_by_account
from crm_core.models import Agent, Call, CallDetailRecord, DepartmentMember

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class BillError(LookupError):
    """A month that is not YYYY-MM, an unknown client or department."""


@dataclass(frozen=True)
class BillLine:
    at: datetime  # when the call started, in the billing time zone
    direction: str
    caller: str
    callee: str
    agent: str | None
    duration_seconds: int  # talk time (billable)
    billed_seconds: int
    prefix: str | None  # the tariff line used; None: not rated, or no line matched
    band: str | None
    rate_per_minute: Decimal | None
    tariff_version: int | None
    cost_fen: int


@dataclass(frozen=True)
class Bill:
    kind: str  # client | department
    subject: str  # fund account or department code
    name: str
    month: str
    time_zone: str
    lines: list[BillLine]

    @property
    def total_fen(self) -> int:
        return sum(line.cost_fen for line in self.lines)


def month_bounds(month: str, time_zone: str = BILLING_TIME_ZONE) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in UTC."""
    found = MONTH.match(month)
    if found is None:
        raise BillError(f"a month is YYYY-MM, not {month!r}")
    year, number = int(found[1]), int(found[2])
    zone = ZoneInfo(time_zone)
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def client_bill(session: Session, account: str, month: str) -> Bill:
    investor = find_by_account(session, account)
    if investor is None:
        raise BillError(f"no client with fund account {account!r}")
    return _bill(session, "client", account, investor.name, month, Call.investor_id == investor.id)


def department_bill(session: Session, department: str, month: str) -> Bill:
    jobs = department_jobs(session, department)
    return _bill(session, "department", department, department, month, CallDetailRecord.agent_job_number.in_(jobs))


def department_jobs(session: Session, department: str) -> list[str]:
    """The job numbers of the department's agents (BillError for a department nobody belongs to)."""
    jobs = list(session.scalars(select(Agent.job_number).join(DepartmentMember, DepartmentMember.agent_id == Agent.id)
                                .where(DepartmentMember.department == department)))
    if not jobs:
        raise BillError(f"no department {department!r} (no agent belongs to it)")
    return jobs


def _bill(session: Session, kind: str, subject: str, name: str, month: str, whose: ColumnElement[bool]) -> Bill:
    start, end = month_bounds(month)
    rows = charged(session, whose, CallDetailRecord.started_at >= start, CallDetailRecord.started_at < end)
    return Bill(kind, subject, name, month, BILLING_TIME_ZONE, [_line(row) for row in rows])


def _line(row: Charged) -> BillLine:
    cdr, call, rating = row
    return BillLine(at=cdr.started_at.astimezone(ZoneInfo(BILLING_TIME_ZONE)), direction=call.direction,
                    caller=cdr.source, callee=cdr.destination, agent=cdr.agent_job_number,
                    duration_seconds=cdr.billable_seconds, billed_seconds=rating.billed_seconds if rating else 0,
                    prefix=rating.prefix if rating else None, band=rating.band if rating else None,
                    rate_per_minute=Decimal(rating.rate_e4) * E4 if rating and rating.prefix else None,
                    tariff_version=rating.tariff_version_id if rating else None,
                    cost_fen=rating.cost_fen if rating else 0)


def bill_document(bill: Bill) -> dict[str, Any]:
    """The bill as a document's data (crm_core.documents renders it: `call_bill.html.j2`)."""
    return {"kind": "call_bill", "bill_kind": bill.kind, "subject": bill.subject, "name": bill.name,
            "month": bill.month, "time_zone": bill.time_zone, "total": bill.total_fen,
            "lines": [{"time": f"{line.at:%Y-%m-%d %H:%M:%S}", "direction": line.direction, "caller": line.caller,
                       "callee": line.callee, "agent": line.agent or "", "duration": line.duration_seconds,
                       "billed": line.billed_seconds, "prefix": line.prefix or "",
                       "band": line.band or "", "rate": str(line.rate_per_minute or ""),
                       "cost": line.cost_fen} for line in bill.lines]}
