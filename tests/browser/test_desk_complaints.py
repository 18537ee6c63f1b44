"""Complaints in Chromium: an agent on a call opens a complaint pre-filled from the screen-pop (the client, the
phone, the category the call came in for), once however often it is clicked, acknowledged through the outbox;
the supervisor's board shows an overdue complaint once the escalation job's service escalated it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from crm_core.complaints import service
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.events import ScreenPop
from crm_core.models import Complaint, Notification
from crm_core.models.base import utcnow
from tests.browser.test_console_pages import log_in
from tests.unit.console.conftest import Staff, add_customer
from tests.unit.console.doubles import ServedApp

# A double click must store one row: two requests in flight race differently on PostgreSQL (tests/browser/conftest.py)
pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def test_an_agent_on_a_call_opens_a_complaint_pre_filled_from_the_screen_pop(page: Page, console: ServedApp,
                                                                             database: Database,
                                                                             staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(ScreenPop(staff.agent_id, customer.call_id))
    expect(page.get_by_test_id("complaint-client")).to_have_text("Chen Jing (A138000)")
    expect(page.get_by_test_id("complaint-channel")).to_have_text("phone")
    expect(page.get_by_test_id("complaint-category")).to_have_value("trading")  # the call came in for trading
    page.get_by_test_id("complaint-department").fill("Shanghai branch")
    page.get_by_test_id("complaint-summary").fill("My sell order was filled an hour late")
    page.get_by_test_id("complaint-open").dblclick()
    expect(page.get_by_test_id("complaint-status")).to_contain_text("acknowledged, resolve by")
    complaints = page.get_by_test_id("complaints").locator("li")
    expect(complaints).to_have_count(2)  # the one the customer had, and this one, shown once despite the double click
    expect(complaints.nth(1)).to_contain_text("trading: My sell order was filled an hour late (acknowledged)")
    with database.session() as session:
        [row] = session.scalars(select(Complaint).where(Complaint.call_id == customer.call_id)).all()
        assert (row.investor_id, row.category, row.channel, row.department, row.owner_id, row.status) == (
            customer.investor_id, "trading", "phone", "Shanghai branch", staff.agent_id, "acknowledged")
        assert row.summary == "My sell order was filled an hour late"
        [ack] = session.scalars(select(Notification).where(Notification.key == f"complaint:{row.id}:ack")).all()
        assert ack.investor_id == customer.investor_id
    expect(page.get_by_test_id("complaint-status")).to_contain_text(f"C{row.id:06d}")


def test_the_supervisor_board_shows_an_escalated_complaint(page: Page, console: ServedApp, database: Database,
                                                          staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    rules = ComplaintRules(supervisor="9001", head_of_service="9002")
    with database.session() as session:
        late = service.open_complaint(session, category="fees", summary="no answer to my letter", channel="letter",
                                      now=utcnow() - timedelta(days=6), rules=rules, actor="agent:1001")
        service.open_complaint(session, category="fees", summary="in time", channel="phone", now=utcnow(),
                               rules=rules, actor="agent:1001", investor_id=customer.investor_id)
        [escalated] = service.escalate_overdue(session, utcnow(), rules)
        reference = service.reference(late)
    assert escalated.to == "9001"
    log_in(page, console, "9001")
    row = page.get_by_test_id(f"complaint-{reference}")
    expect(row).to_contain_text("letter")
    expect(row).to_contain_text("not acknowledged by")
    expect(row).to_contain_text("9001 (supervisor)")
    expect(page.get_by_test_id("complaint-board").locator("tbody tr")).to_have_count(1)
    page.get_by_test_id(f"assign-job-{reference}").fill("7777")
    page.get_by_test_id(f"assign-{reference}").click()
    expect(page.get_by_test_id("console-error")).to_contain_text("no agent with job number '7777'")
    page.get_by_test_id(f"assign-job-{reference}").fill("1002")
    page.get_by_test_id(f"assign-{reference}").click()
    expect(row.locator("td").nth(5)).to_have_text("1002")  # the owner column
    with database.session() as session:
        assert service.get(session, late.id).owner_id == staff.other_agent_id


def test_a_scanned_letter_is_uploaded_as_a_complaint_and_a_wrong_file_refused(page: Page, console: ServedApp,
                                                                            database: Database, staff: Staff,
                                                                            tmp_path: Path) -> None:
    customer = add_customer(database, staff.agent_id)
    scan, notes = tmp_path / "letter.pdf", tmp_path / "notes.txt"
    scan.write_bytes(b"%PDF-1.4 the client's letter, scanned")
    notes.write_text("not a scan")
    log_in(page, console, "1001")
    page.get_by_test_id("letter-account").fill("A138000")
    page.get_by_test_id("letter-category").select_option("fees")
    page.get_by_test_id("letter-summary").fill("Charged twice for one transfer")
    page.get_by_test_id("letter-scan").set_input_files(str(notes))
    page.get_by_test_id("letter-upload").click()
    expect(page.get_by_test_id("desk-error")).to_contain_text("the scan must be a PDF or an image")
    page.get_by_test_id("letter-scan").set_input_files(str(scan))
    page.get_by_test_id("letter-upload").click()
    expect(page.get_by_test_id("letter-status")).to_contain_text("acknowledged for Chen Jing")
    with database.session() as session:
        [row] = session.scalars(select(Complaint).where(Complaint.channel == "letter")).all()
        assert (row.investor_id, row.category, row.owner_id) == (customer.investor_id, "fees", staff.agent_id)
        [kept] = service.attachments_of(session, row.id)
        assert (kept.name, kept.media_type, kept.content) == ("letter.pdf", "application/pdf",
                                                              b"%PDF-1.4 the client's letter, scanned")
