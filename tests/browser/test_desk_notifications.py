"""The outbox seen from the console in Chromium: the caller's notifications on the desk, a reply sent from the
desk's form (queued once in the database, even on a double click), and the supervisors' health per channel."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from crm_core.db import Database
from crm_core.events import ScreenPop
from crm_core.models import Notification
from crm_core.models.base import utcnow
from crm_core.notifications.outbox import enqueue
from crm_core.notifications.rules import NotifyPolicy
from tests.browser.test_console_pages import log_in
from tests.unit.console.conftest import Staff, add_customer
from tests.unit.console.doubles import ServedApp

# A double click must store one row: two requests in flight race differently on PostgreSQL (tests/browser/conftest.py)
pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def test_the_desk_shows_the_notifications_and_queues_a_reply_once(page: Page, console: ServedApp,
                                                                  database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    with database.session() as session:
        enqueue(session, key="fill:1", investor_id=customer.investor_id, purpose="reply", template="message",
                data={"subject": "Fill", "body": "Bought 100 600519"}, now=utcnow(), policy=NotifyPolicy(),
                channel="voice")
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(ScreenPop(staff.agent_id, customer.call_id))
    table = page.get_by_test_id("notifications")
    expect(table.locator("tr")).to_have_count(2)
    expect(table.locator("tr").nth(1)).to_contain_text("voice")
    expect(table.locator("tr").nth(1)).to_contain_text("queued")

    page.get_by_test_id("reply-channel").select_option("sms")
    page.get_by_test_id("reply-subject").fill("Your statement")
    page.get_by_test_id("reply-body").fill("Your statement is ready")
    page.get_by_test_id("reply-send").dblclick()
    expect(page.get_by_test_id("reply-status")).to_have_text("queued by sms")
    expect(table.locator("tr")).to_have_count(3)
    expect(table.locator("tr").nth(1)).to_contain_text("sms")
    with database.session() as session:
        rows = session.scalars(select(Notification).where(Notification.key.startswith(f"desk:{customer.call_id}:")))
        assert [(r.channel, r.status, r.data["body"]) for r in rows] == [("sms", "queued",
                                                                          "Your statement is ready")]


def test_the_supervisor_board_shows_notification_health(page: Page, console: ServedApp, database: Database,
                                                        staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    with database.session() as session:
        for n in range(2):
            enqueue(session, key=f"h:{n}", investor_id=customer.investor_id, purpose="reply", template="message",
                    data={"subject": "s", "body": f"b{n}"}, now=utcnow(), policy=NotifyPolicy(), channel="sms")
    log_in(page, console, "9001")
    row = page.get_by_test_id("notify-sms")
    expect(row).to_contain_text("none (waits)")
    expect(row.locator("td").nth(2)).to_have_text("2")
    expect(page.get_by_test_id("notify-email").locator("td").nth(2)).to_have_text("0")
