"""Scheduled jobs run once across processes: before a job runs, its process claims the run (job, scheduled
time) by inserting its row; the unique constraint lets one process win, whatever the database (SQLite or
PostgreSQL), and the others skip that run. The row keeps who ran it, when it ended and how."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm_core.db import Database
from crm_core.models import JobRun
from crm_core.models.base import utcnow


def claim_run(database: Database, job: str, scheduled_for: datetime, runner: str) -> int | None:
    """The run's id if this runner won it, None if another process has it."""
    try:
        with database.session() as session:
            row = JobRun(job=job, scheduled_for=scheduled_for, runner=runner, started_at=utcnow(), error="")
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return None


def finish_run(database: Database, run_id: int, error: str = "") -> None:
    with database.session() as session:
        row = session.get(JobRun, run_id)
        if row is not None:
            row.finished_at, row.error = utcnow(), error[:500]


def recent_runs(database: Database, limit: int = 20) -> list[JobRun]:
    with database.session() as session:
        rows = list(session.scalars(select(JobRun).order_by(JobRun.scheduled_for.desc(), JobRun.id.desc())
                                    .limit(limit)))
        session.expunge_all()
        return rows
