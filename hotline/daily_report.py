"""The daily report job: yesterday's queues (a day in the reports' zone) by hour, with its charts, queued
through the outbox as one e-mail per recipient of `scheduler.daily_report_to`, once per day and address (the
idempotency key), whatever retries or however many services run the job.
The SMTP sender attaches the report as a PDF."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crm_core.db import Database
from crm_core.models.base import utcnow
from crm_core.notifications.outbox import enqueue_to_staff
from crm_core.notifications.rules import NotifyPolicy
from reports.day import totals
from reports.views import ReportViews

PURPOSE = "daily_report"


def recipients(text: str) -> list[str]:
    """The comma-separated list, trimmed, each address once (compared without case), in the order given."""
    seen: dict[str, str] = {}
    for address in (part.strip() for part in text.split(",")):
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def key_of(day: str, address: str) -> str:
    return f"{PURPOSE}:{day}:{hashlib.sha256(address.lower().encode()).hexdigest()[:24]}"


def queue_daily_report(database: Database, to: list[str], language: str, policy: NotifyPolicy,
                       now: datetime | None = None, zone: str = "UTC") -> str:
    """Queue the report of the day (in `zone`) before `now`'s to each address; returns a line for the log."""
    now = now or utcnow()
    day = f"{(now.astimezone(ZoneInfo(zone)) - timedelta(days=1)):%Y-%m-%d}"
    views = ReportViews(zone)
    with database.session() as session:
        view = views.build(session, "queues", day, day, "hour", 20, 5)
        figures = totals(session, view.start, view.end, view.options)
        document = {"kind": "contact_centre_report", "html": views.html(view, now)}
        for address in to:
            enqueue_to_staff(session, key=key_of(day, address), purpose=PURPOSE, template="daily_report",
                             data={"day": day, **figures, "document": document}, language=language, email=address,
                             now=now, policy=policy)
    return f"daily report {day} queued for {len(to)} recipient(s)"
