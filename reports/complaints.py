"""Complaints by the interval they were opened in and their category, as they stood at the period's end (or now,
if that is earlier), so that a past period's report does not change:

- opened; acknowledged on time / late and resolved on time / late against the deadlines the complaint was given
  when it was opened (crm_core/complaints/deadlines.py; a step taken at the deadline's instant is late, as the
  escalation counts it overdue then; a complaint with no deadline is on time);
- still open and overdue at that moment (escalation.overdue, the escalation job's own test);
- escalated to the owner's supervisor (level 1) and to the head of service (level 2): the escalation goes one
  level a step, so a complaint's first `escalated` step is level 1, its second level 2;
- the median time to acknowledge and to resolve, in working days (only the hours of working days count, on the
  complaints' calendar and in their time zone, `[complaints]`)."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.complaints.deadlines import missed, working_time
from crm_core.complaints.escalation import HEAD_OF_SERVICE, SUPERVISOR, Standing, overdue
from crm_core.models import Complaint, ComplaintStep
from crm_core.models.base import utcnow
from reports.charts import BarChart
from reports.contact_centre import Cell, Options, Report
from reports.periods import bucket, label

COLUMNS = ["interval", "category", "opened", "acknowledged_on_time", "acknowledged_late", "resolved_on_time",
           "resolved_late", "open_overdue", "escalated_supervisor", "escalated_head", "median_ack_working_days",
           "median_resolve_working_days"]


@dataclass(frozen=True)
class ComplaintFacts:
    opened_at: datetime
    category: str
    acknowledge_by: datetime | None
    resolve_by: datetime | None
    acknowledged_at: datetime | None
    closed_at: datetime | None
    escalated: tuple[datetime, ...] = ()  # when each `escalated` step was taken, in order


@dataclass(frozen=True)
class Calendar:
    holidays: Container[date]
    time_zone: str

    def days(self, start: datetime, end: datetime) -> float:
        return working_time(start, end, self.holidays, self.time_zone) / timedelta(days=1)


@dataclass
class Tally:
    opened: int = 0
    ack_on_time: int = 0
    ack_late: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    open_overdue: int = 0
    escalated_supervisor: int = 0
    escalated_head: int = 0
    ack_days: list[float] = field(default_factory=list)
    resolve_days: list[float] = field(default_factory=list)

    def add(self, c: ComplaintFacts, as_of: datetime, calendar: Calendar) -> None:
        self.opened += 1
        acknowledged = c.acknowledged_at if c.acknowledged_at is not None and c.acknowledged_at < as_of else None
        closed = c.closed_at if c.closed_at is not None and c.closed_at < as_of else None
        if acknowledged is not None:
            late = missed(c.acknowledge_by, acknowledged)
            self.ack_late, self.ack_on_time = self.ack_late + late, self.ack_on_time + (not late)
            self.ack_days.append(calendar.days(c.opened_at, acknowledged))
        if closed is not None:
            late = missed(c.resolve_by, closed)
            self.resolved_late, self.resolved_on_time = self.resolved_late + late, self.resolved_on_time + (not late)
            self.resolve_days.append(calendar.days(c.opened_at, closed))
        else:
            status = "acknowledged" if acknowledged is not None else "open"
            self.open_overdue += overdue(Standing(status, c.acknowledge_by, c.resolve_by, 0, None), as_of) is not None
        levels = sum(1 for at in c.escalated if at < as_of)
        self.escalated_supervisor += levels >= SUPERVISOR
        self.escalated_head += levels >= HEAD_OF_SERVICE

    def row(self) -> list[Cell]:
        return [self.opened, self.ack_on_time, self.ack_late, self.resolved_on_time, self.resolved_late,
                self.open_overdue, self.escalated_supervisor, self.escalated_head, _median(self.ack_days),
                _median(self.resolve_days)]


def _median(days: list[float]) -> float | None:
    return round(median(days), 2) if days else None


def tally(facts: Iterable[ComplaintFacts], as_of: datetime, interval: str, zone: str,
          calendar: Calendar) -> list[list[Cell]]:
    """The report's rows, by interval opened (in `zone`) and category."""
    by_key: dict[tuple[datetime, str], Tally] = {}
    for c in facts:
        by_key.setdefault((bucket(c.opened_at, interval, zone), c.category), Tally()).add(c, as_of, calendar)
    return [[label(at, interval), category, *t.row()] for (at, category), t in sorted(by_key.items())]


def facts_of(session: Session, start: datetime, end: datetime) -> list[ComplaintFacts]:
    """The complaints opened in [start, end), with the times of their escalations."""
    rows = session.scalars(select(Complaint).where(Complaint.opened_at >= start, Complaint.opened_at < end)
                           .order_by(Complaint.opened_at, Complaint.id)).all()
    escalated: dict[int, list[datetime]] = {}
    for complaint_id, at in session.execute(
            select(ComplaintStep.complaint_id, ComplaintStep.at)
            .join(Complaint, Complaint.id == ComplaintStep.complaint_id)
            .where(Complaint.opened_at >= start, Complaint.opened_at < end, ComplaintStep.action == "escalated")
            .order_by(ComplaintStep.at, ComplaintStep.id)):
        escalated.setdefault(complaint_id, []).append(at)
    return [ComplaintFacts(c.opened_at, c.category, c.acknowledge_by, c.resolve_by, c.acknowledged_at, c.closed_at,
                           tuple(escalated.get(c.id, ()))) for c in rows]


def calendar_of(options: Options) -> Calendar:
    return Calendar(options.complaints.holidays, options.complaints.deadlines.time_zone)


def complaints(session: Session, start: datetime, end: datetime, options: Options,
               now: datetime | None = None) -> Report:
    as_of = min(end, (now or utcnow()).astimezone(UTC))
    return Report(COLUMNS, tally(facts_of(session, start, end), as_of, options.interval, options.zone,
                                 calendar_of(options)))


def complaint_charts(session: Session, start: datetime, end: datetime, options: Options,
                     now: datetime | None = None) -> list[BarChart]:
    """Complaints resolved on time and late per week opened (weeks from Monday, in the report's zone)."""
    as_of = min(end, (now or utcnow()).astimezone(UTC))
    weeks: dict[str, Tally] = {}
    calendar = calendar_of(options)
    for c in facts_of(session, start, end):
        day = bucket(c.opened_at, "day", options.zone)
        weeks.setdefault(f"{day - timedelta(days=day.weekday()):%Y-%m-%d}", Tally()).add(c, as_of, calendar)
    labels = sorted(weeks)
    return [BarChart("Complaints resolved on time, by week opened", labels,
                     [float(weeks[w].resolved_on_time) for w in labels]),
            BarChart("Complaints resolved late, by week opened", labels,
                     [float(weeks[w].resolved_late) for w in labels])]
