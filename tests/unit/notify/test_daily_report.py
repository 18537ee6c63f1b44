"""The daily report: a scheduled job queues yesterday's queues report once per recipient and day (however often
it runs), and the e-mail sender delivers it to a real SMTP server (aiosmtpd) with the report as a PDF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_core.call_figures import Step, Timeline
from crm_core.db import Database
from crm_core.models import Notification
from crm_core.notifications.outbox import enqueue_to_staff
from hotline.daily_report import key_of, queue_daily_report, recipients
from hotline.jobs import registered_jobs
from hotline.settings import load_settings
from tests.support.smtp import SmtpServer
from tests.unit.notify.test_email import Clock, dispatch
from tests.unit.notify.test_fax import pdf_text
from tests.unit.notify.test_outbox import POLICY
from tests.unit.reports.timelines import ensure_agents, write_call

DAY = datetime(2026, 12, 1, tzinfo=UTC)
RUN_AT = DAY + timedelta(days=1, hours=1)  # 09:00 in Shanghai on 2 December: 1 December (UTC) is over


def calls_of_the_day(database: Database) -> None:
    """09:10 answered after 10 s, 14:00 answered after 40 s: service level (20 s) 50 %."""
    with database.session() as session:
        ensure_agents(session, 1)
        for at, wait in ((DAY + timedelta(hours=9, minutes=10), 10), (DAY + timedelta(hours=14), 40)):
            queued = at + timedelta(seconds=5)
            write_call(session, Timeline(entered_at=at, ended_at=queued + timedelta(seconds=wait + 60),
                                         status="completed", skill="funds", queued_at=queued,
                                         steps=[Step(queued + timedelta(seconds=wait), "answered", {"agent_id": 1})]))


def test_the_job_is_registered_only_with_recipients_and_the_list_is_read_once_each() -> None:
    assert "daily-report" not in [j.name for j in registered_jobs(load_settings(environ={}))]
    settings = load_settings(environ={"HOTLINE_SCHEDULER_DAILY_REPORT_TO": "ops@example.com, lead@example.com"})
    [job] = [j for j in registered_jobs(settings) if j.name == "daily-report"]
    assert job.at.isoformat() == "09:00:00"
    assert recipients(" a@x.cn, ,B@x.cn,b@X.cn ") == ["a@x.cn", "B@x.cn"]
    assert key_of("2026-12-01", "B@x.cn") == key_of("2026-12-01", "b@x.cn") != key_of("2026-12-02", "b@x.cn")


def test_one_email_per_recipient_per_day_however_often_the_job_runs(database: Database, smtp_server: SmtpServer,
                                                                    tmp_path: Path) -> None:
    calls_of_the_day(database)
    to = ["ops@example.com", "lead@example.com"]
    line = queue_daily_report(database, to, "en", POLICY, now=RUN_AT)
    assert line == "daily report 2026-12-01 queued for 2 recipient(s)"
    queue_daily_report(database, to, "en", POLICY, now=RUN_AT + timedelta(minutes=5))  # a retry, another process
    with database.session() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [(r.address, r.investor_id, r.purpose, r.channel) for r in rows] == [
            ("ops@example.com", None, "daily_report", "email"), ("lead@example.com", None, "daily_report", "email")]

    assert dispatch(database, smtp_server, Clock(RUN_AT)) == 2
    messages = sorted(smtp_server.mailbox.messages, key=lambda m: m["To"])
    assert [m["To"] for m in messages] == ["lead@example.com", "ops@example.com"]
    message = messages[0]
    assert message["Subject"] == "Hotline daily report 2026-12-01"
    body = message.get_body(("plain",))
    assert body is not None and "2 calls offered, 2 answered, 0 abandoned; service level 50.0 %" in body.get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "contact_centre_report.pdf"
    text = pdf_text(attachment.get_content(), tmp_path)
    assert "Hotline report: queues by hour" in text and "2026-12-01 14:00" in text
    with database.session() as session:
        assert {r.status for r in session.scalars(select(Notification))} == {"sent"}
    assert dispatch(database, smtp_server, Clock(RUN_AT + timedelta(hours=1))) == 0  # never twice


def test_the_day_is_yesterday_in_the_reports_zone(database: Database) -> None:
    """Run at 09:00 Shanghai time on 2 December, the report is of 1 December in Shanghai (16:00 UTC on
    30 November to 16:00 UTC on 1 December): a call at 20:00 UTC on 30 November is in it, one at 17:00 UTC on
    1 December is not; the job passes `[reports] time_zone`."""
    with database.session() as session:
        ensure_agents(session, 1)
        for at in (DAY - timedelta(hours=4), DAY + timedelta(hours=17)):
            write_call(session, Timeline(entered_at=at, ended_at=at + timedelta(seconds=60), status="abandoned",
                                         skill="funds", queued_at=at + timedelta(seconds=5)))
    line = queue_daily_report(database, ["ops@example.com"], "en", POLICY, now=RUN_AT, zone="Asia/Shanghai")
    assert line == "daily report 2026-12-01 queued for 1 recipient(s)"
    with database.session() as session:
        [row] = session.scalars(select(Notification)).all()
        assert (row.data["day"], row.data["offered"], row.data["abandoned"]) == ("2026-12-01", 1, 1)
        assert "2026-12-01 04:00" in row.data["document"]["html"]  # the hour, in Shanghai time


def test_a_bad_address_is_refused_and_nothing_is_queued(database: Database) -> None:
    with database.session() as session, pytest.raises(ValueError, match="not an e-mail address: 'ops at example'"):
        enqueue_to_staff(session, key="k", purpose="daily_report", template="daily_report",
                         data={"day": "2026-12-01", "offered": 0, "answered": 0, "abandoned": 0,
                               "service_level": None}, language="en", email="ops at example", now=RUN_AT,
                         policy=POLICY)
    with database.session() as session:
        assert session.scalars(select(Notification)).all() == []
