"""The nightly jobs: registered in one place, run by APScheduler at their time, once however many schedulers
(service processes) run them, on each backend."""

from __future__ import annotations

import threading
import time as clock
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from crm_core.db import Database
from crm_core.job_runs import recent_runs
from crm_core.models import SurveyCampaign
from crm_core.surveys.service import create_campaign, publish
from hotline.jobs import Job, add_jobs, registered_jobs, run_once
from hotline.settings import SettingsError, load_settings
from tests.unit.surveys.test_definition import example

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_jobs_are_the_nightly_recompute_and_the_configured_survey_batch() -> None:
    settings = load_settings(environ={"HOTLINE_SURVEY_BATCH_CAMPAIGNS": "dec, vip"})
    assert [(j.name, j.at.isoformat()) for j in registered_jobs(settings) if not j.every_minutes] == [
        ("crm-recompute", "02:00:00"), ("survey-batch", "19:00:00")]
    assert [j.name for j in registered_jobs(load_settings(environ={}))] == ["crm-recompute", "complaint-escalation"]
    with pytest.raises(SettingsError, match="scheduler.crm_recompute_at: '2am' is not a time"):
        registered_jobs(load_settings(environ={"HOTLINE_SCHEDULER_CRM_RECOMPUTE_AT": "2am"}))


def test_two_schedulers_run_a_job_once(database_url: str) -> None:
    ran: list[str] = []
    lock = threading.Lock()

    def work(_: Database) -> str:
        with lock:
            ran.append(threading.current_thread().name)
        clock.sleep(0.3)
        return "counted"

    at = (datetime.now(SHANGHAI) + timedelta(seconds=2)).time().replace(microsecond=0)
    job = Job("count", at, work)
    databases = [Database(database_url), Database(database_url)]
    schedulers = [BackgroundScheduler(timezone="Asia/Shanghai") for _ in databases]
    try:
        for n, (scheduler, database) in enumerate(zip(schedulers, databases, strict=True)):
            add_jobs(scheduler, [job], database, "Asia/Shanghai", runner=f"process-{n}")
            scheduler.start()
        deadline = clock.monotonic() + 10
        while clock.monotonic() < deadline and not (ran and all(r.finished_at for r in recent_runs(databases[0]))):
            clock.sleep(0.2)
        clock.sleep(1.0)  # the slower scheduler has fired too by now
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=True)
    runs = recent_runs(databases[0])
    for database in databases:
        database.dispose()
    assert len(ran) == 1, ran
    assert [(r.job, r.error) for r in runs] == [("count", "")] and runs[0].finished_at is not None
    assert runs[0].scheduled_for.astimezone(SHANGHAI).time() == at


def test_a_run_is_claimed_once_per_scheduled_time_and_a_failure_is_kept(database: Database) -> None:
    trigger = CronTrigger(hour=2, minute=0, timezone="Asia/Shanghai")
    calls = []

    def failing(_: Database) -> str:
        calls.append(1)
        raise RuntimeError("disk full")

    job = Job("crm-recompute", datetime(2026, 1, 1, 2).time(), failing)
    night = datetime(2026, 12, 1, 18, 0, 5, tzinfo=UTC)  # 02:00:05 in Shanghai
    assert run_once(job, trigger, database, "a", night)
    assert not run_once(job, trigger, database, "b", night + timedelta(seconds=1))
    assert not run_once(job, trigger, database, "b", night - timedelta(hours=1))  # nothing due yet
    assert run_once(job, trigger, database, "b", night + timedelta(days=1))  # the next night
    assert len(calls) == 2
    runs = recent_runs(database)
    assert [(r.runner, r.error) for r in runs] == [("b", "RuntimeError: disk full"), ("a", "RuntimeError: disk full")]


def test_the_survey_batch_job_asks_for_its_campaigns(database: Database) -> None:
    with database.session() as session:
        publish(session, "satisfaction", example())
        create_campaign(session, "dec", "satisfaction", "segment:retail")
    (job,) = [j for j in registered_jobs(load_settings(environ={
        "HOTLINE_SURVEY_BATCH_CAMPAIGNS": "dec", "HOTLINE_SCHEDULER_CRM_RECOMPUTE_AT": "",
        "HOTLINE_COMPLAINTS_ESCALATE_EVERY_MINUTES": "0"}))]
    assert job.work(database) == "survey batch requested: dec"
    with database.session() as session:
        assert session.query(SurveyCampaign.status).scalar() == "requested"


def test_the_complaint_escalation_job_escalates_overdue_complaints_once_on_a_test_clock(database: Database) -> None:
    from crm_core.complaints import service
    from crm_core.events import ComplaintEscalated

    settings = load_settings(environ={"HOTLINE_COMPLAINTS_ESCALATE_EVERY_MINUTES": "5"})
    published: list[ComplaintEscalated] = []
    [job] = [j for j in registered_jobs(settings, published.append) if j.name == "complaint-escalation"]
    opened = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai: acknowledge by Wednesday 24:00
    with database.session() as session:
        complaint_id = service.open_complaint(session, category="fees", summary="no answer", channel="email",
                                              now=opened, rules=settings.complaints.rules(settings.notify.policy()),
                                              actor="email", sender="who@example.org").id
    trigger = job.trigger("Asia/Shanghai")
    assert run_once(job, trigger, database, "a", datetime(2026, 12, 2, 15, 55, 1, tzinfo=UTC))
    assert published == []  # not yet overdue
    late = datetime(2026, 12, 2, 16, 5, 1, tzinfo=UTC)
    assert run_once(job, trigger, database, "a", late)
    assert not run_once(job, trigger, database, "b", late + timedelta(seconds=30))  # that run is taken
    assert [(e.complaint_id, e.level, e.to) for e in published] == [(complaint_id, 1, "9001")]
    assert [r.scheduled_for for r in recent_runs(database) if r.job == "complaint-escalation"][0] == \
        datetime(2026, 12, 2, 16, 5, tzinfo=UTC)  # the latest five minutes, not the oldest in the grace
    with pytest.raises(SettingsError, match="complaints: not category=ACK/RESOLVE"):
        registered_jobs(load_settings(environ={"HOTLINE_COMPLAINTS_POLICY": "fees"}))
