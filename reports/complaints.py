"""Complaints by the interval they were opened in and their category: opened, closed since, still open.
(Their deadlines and escalation are crm_core.complaints'; this report does not count them yet.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import Complaint
from reports.contact_centre import Cell, Options, Report
from reports.periods import bucket, label


def complaints(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    counts: dict[tuple[datetime, str], list[int]] = {}
    query = select(Complaint.opened_at, Complaint.category, Complaint.status).where(
        Complaint.opened_at >= start, Complaint.opened_at < end)
    for opened_at, category, status in session.execute(query):
        row = counts.setdefault((bucket(opened_at, options.interval, options.zone), category), [0, 0, 0])
        row[0] += 1
        row[1 if status == "closed" else 2] += 1
    rows: list[list[Cell]] = [[label(at, options.interval), category, *row]
                              for (at, category), row in sorted(counts.items())]
    return Report(["interval", "category", "opened", "closed", "open"], rows)
