"""The nightly jobs, registered here and nowhere else, run by one APScheduler per service process at their
configured local times (`[scheduler]`); each run is claimed in the database first (crm_core/job_runs.py),
so that however many services run, a job runs once per scheduled time.

    crm-recompute   `hotline crm recompute`: every attribute, segment path and match   (crm_recompute_at)
    survey-batch    asks for a batch of each `survey.batch_campaigns` campaign; a service's survey runner
                    dials it until the call window closes                                (survey_batch_at)
    daily-report    yesterday's queues report e-mailed to each of `daily_report_to`, once per day and
                    address (hotline/daily_report.py)                                    (daily_report_at)
    complaint-escalation  escalates the overdue complaints one step each (crm_core/complaints), and publishes
                    each escalation to the supervisors' board     (every complaints.escalate_every_minutes)
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from crm_core.complaints.rules import ComplaintRules
from crm_core.complaints.service import escalate_overdue
from crm_core.db import Database
from crm_core.events import ComplaintEscalated
from crm_core.job_runs import claim_run, finish_run
from crm_core.models.base import utcnow
from crm_core.surveys.service import request_run
from hotline.complaint_wiring import complaint_rules
from hotline.daily_report import queue_daily_report, recipients
from hotline.settings import Settings, SettingsError

logger = logging.getLogger(__name__)
MISFIRE_GRACE_SECONDS = 600  # a process that was busy or starting may still run a job this late


@dataclass(frozen=True)
class Job:
    name: str
    at: time  # local time in the scheduler's zone
    work: Callable[..., str]  # work(database), or work(database, now) when `clocked`; returns a line for the log
    every_minutes: int = 0  # > 0: run every so many minutes (of the hour) instead of daily at `at`
    clocked: bool = False  # the work is given the time it runs for (a test clock reaches it)

    def trigger(self, timezone: str) -> CronTrigger:
        if self.every_minutes > 0:
            return CronTrigger(minute=f"*/{self.every_minutes}", timezone=timezone)
        return CronTrigger(hour=self.at.hour, minute=self.at.minute, second=self.at.second, timezone=timezone)


def registered_jobs(settings: Settings, publish: Callable[[ComplaintEscalated], None] | None = None) -> list[Job]:
    """`publish` carries each complaint escalation to the live board (from the job's thread)."""
    s = settings.scheduler
    jobs = []
    if s.crm_recompute_at:
        jobs.append(Job("crm-recompute", _time(s.crm_recompute_at, "scheduler.crm_recompute_at"), _recompute))
    campaigns = [c.strip() for c in settings.survey.batch_campaigns.split(",") if c.strip()]
    if s.survey_batch_at and campaigns:
        jobs.append(Job("survey-batch", _time(s.survey_batch_at, "scheduler.survey_batch_at"),
                        lambda database: _survey_batch(database, campaigns)))
    to = recipients(s.daily_report_to)
    if s.daily_report_at and to:
        policy = settings.notify.policy()
        jobs.append(Job("daily-report", _time(s.daily_report_at, "scheduler.daily_report_at"),
                        lambda database: queue_daily_report(database, to, s.daily_report_language, policy,
                                                                   zone=settings.reports.time_zone)))
    every = settings.complaints.escalate_every_minutes
    if every > 0:
        rules = complaint_rules(settings)
        jobs.append(Job("complaint-escalation", time(0), lambda database, now: _escalate(database, now, rules, publish),
                        every_minutes=every, clocked=True))
    return jobs


def _escalate(database: Database, now: datetime, rules: ComplaintRules,
              publish: Callable[[ComplaintEscalated], None] | None) -> str:
    with database.session() as session:
        done = escalate_overdue(session, now, rules)
    for step in done:
        if publish is not None:
            publish(ComplaintEscalated(step.complaint_id, step.level, step.to, step.reason))
    return f"complaints escalated: {len(done)}"


def _recompute(database: Database) -> str:
    from crm_core.rematch import full_recompute  # pandas: loaded by the nightly job, not by every service start

    report = full_recompute(database)
    return f"recomputed: {report}"


def _survey_batch(database: Database, campaigns: list[str]) -> str:
    with database.session() as session:
        for code in campaigns:
            request_run(session, code)
    return f"survey batch requested: {', '.join(campaigns)}"


def _time(text: str, name: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"setting {name}: {text!r} is not a time (HH:MM)") from None


def add_jobs(scheduler: BaseScheduler, jobs: list[Job], database: Database, timezone: str,
             runner: str | None = None) -> None:
    """Each job on a daily cron trigger, wrapped so that one process in all runs each scheduled time."""
    runner = runner or f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    for job in jobs:
        trigger = job.trigger(timezone)
        scheduler.add_job(run_once, trigger, args=[job, trigger, database, runner], id=job.name, name=job.name,
                          misfire_grace_time=MISFIRE_GRACE_SECONDS, coalesce=True, max_instances=1)


def run_once(job: Job, trigger: CronTrigger, database: Database, runner: str, now: datetime | None = None) -> bool:
    """Run `job` for its latest scheduled time unless another process claimed it; True if it ran here."""
    now = now or utcnow()
    scheduled = latest_fire_time(trigger, now)
    if scheduled is None:
        return False
    run_id = claim_run(database, job.name, scheduled, runner)
    if run_id is None:
        logger.info("job %s of %s: run by another process", job.name, scheduled.isoformat())
        return False
    try:
        said = job.work(database, now) if job.clocked else job.work(database)
        logger.info("job %s of %s: %s", job.name, scheduled.isoformat(), said)
        finish_run(database, run_id)
    except Exception as exc:
        logger.exception("job %s of %s failed", job.name, scheduled.isoformat())
        finish_run(database, run_id, f"{type(exc).__name__}: {exc}")
    return True


def latest_fire_time(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest scheduled time at or before `now` within the misfire grace (a job every few minutes has
    several in it: the latest is the one to run)."""
    latest = None
    candidate = trigger.get_next_fire_time(None, now - timedelta(seconds=MISFIRE_GRACE_SECONDS))
    while candidate is not None and candidate <= now:
        latest = candidate
        candidate = trigger.get_next_fire_time(candidate, candidate + timedelta(seconds=1))
    return latest


def build_scheduler(settings: Settings, database: Database,
                    publish: Callable[[ComplaintEscalated], None] | None = None) -> AsyncIOScheduler | None:
    """The service's scheduler (started by the service on its loop), or None when disabled or empty."""
    jobs = registered_jobs(settings, publish)
    if not settings.scheduler.enabled or not jobs:
        return None
    scheduler = AsyncIOScheduler(timezone=settings.scheduler.timezone)
    add_jobs(scheduler, jobs, database, settings.scheduler.timezone)
    return scheduler
