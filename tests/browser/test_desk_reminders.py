"""The desk sets a reminder and a price alert for the client on screen, in Chromium: each is stored once through
crm_core's services (a double click sets one) and audited; bad input is refused with the reason and stores
nothing; a reminder set from the desk is queued into the outbox when it falls due like any other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from crm_core.db import Database
from crm_core.events import ScreenPop
from crm_core.models import AuditEntry, ClientReminder, Notification, PriceAlert
from crm_core.models.base import utcnow
from crm_core.notifications.reminders import queue_due_reminders
from crm_core.notifications.rules import NotifyPolicy
from tests.browser.test_console_pages import log_in
from tests.unit.console.conftest import Customer, Staff, add_customer
from tests.unit.console.doubles import ServedApp

# A double click must store one row: two requests in flight race differently on PostgreSQL (tests/browser/conftest.py)
pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def on_screen(page: Page, console: ServedApp, database: Database, staff: Staff) -> Customer:
    customer = add_customer(database, staff.agent_id)
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(ScreenPop(staff.agent_id, customer.call_id))
    expect(page.get_by_test_id("notifications").locator("tr")).to_have_count(1)  # the screen-pop is shown
    return customer


def test_the_desk_sets_a_reminder_once_and_it_is_queued_when_due(page: Page, console: ServedApp,
                                                                 database: Database, staff: Staff) -> None:
    customer = on_screen(page, console, database, staff)
    page.get_by_test_id("remind-at").fill("2030-12-10T09:30")
    page.get_by_test_id("remind-kind").select_option("subscription")
    page.get_by_test_id("remind-code").fill("732001")
    page.get_by_test_id("remind-text").fill("Subscribe to 732001")
    page.get_by_test_id("remind-channel").select_option("sms")
    page.get_by_test_id("remind-set").dblclick()
    expect(page.get_by_test_id("remind-status")).to_contain_text("set for 2030-12-10 09:30 by sms")

    with database.session() as session:
        [row] = session.scalars(select(ClientReminder)).all()
        assert (row.investor_id, row.kind, row.code, row.text, row.channel) == (
            customer.investor_id, "subscription", "732001", "Subscribe to 732001", "sms")
        assert row.due_at.strftime("%Y-%m-%d %H:%M") == "2030-12-10 01:30"  # 09:30 in Shanghai, in UTC
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "desk.remind")).all()
        assert len(audits) >= 1 and audits[0].actor == "agent:1001"
        assert queue_due_reminders(session, row.due_at + timedelta(minutes=1), NotifyPolicy()) == 1
    with database.session() as session:
        [notification] = session.scalars(select(Notification)).all()
        assert (notification.key, notification.channel) == (f"reminder:{row.id}", "sms")


def test_the_desk_sets_a_price_alert_and_bad_input_is_refused_with_the_reason(page: Page, console: ServedApp,
                                                                             database: Database,
                                                                             staff: Staff) -> None:
    customer = on_screen(page, console, database, staff)
    page.get_by_test_id("alert-code").fill("999999")
    page.get_by_test_id("alert-price").fill("1800")
    page.get_by_test_id("alert-set").click()
    expect(page.get_by_test_id("desk-error")).to_contain_text("unknown security code '999999'")
    page.get_by_test_id("remind-at").fill("2020-01-01T09:30")
    page.get_by_test_id("remind-text").fill("Too late")
    page.get_by_test_id("remind-set").click()
    expect(page.get_by_test_id("desk-error")).to_contain_text("is in the past")

    page.get_by_test_id("alert-code").fill("600519")
    page.get_by_test_id("alert-direction").select_option("below")
    page.get_by_test_id("alert-price").fill("1,450.50")
    page.get_by_test_id("alert-set").dblclick()
    expect(page.get_by_test_id("alert-status")).to_contain_text("600519 below 1450.50 by preferred")
    expect(page.get_by_test_id("desk-error")).to_be_hidden()
    with database.session() as session:
        [alert] = session.scalars(select(PriceAlert)).all()
        assert (alert.investor_id, alert.security_code, alert.direction, alert.price_cents, alert.triggered_at) == (
            customer.investor_id, "600519", "below", 145_050, None)
        assert session.scalars(select(ClientReminder)).all() == []
        assert alert.created_at <= utcnow()
