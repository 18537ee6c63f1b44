"""Relationship routing in Chromium: the desk lists the agent's own clients, searchable, each one click from
dialling; the screen-pop of a client in the book says "your client"; the supervisor board shows the service
targets per segment."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from crm_core.db import Database
from crm_core.events import ScreenPop
from crm_core.models import Investor, InvestorPhone
from crm_core.seed import seed_reference_data
from tests.browser.test_console_pages import log_in, wait_for
from tests.unit.console.conftest import Staff, add_customer
from tests.unit.console.doubles import FakeTelephony, ServedApp
from tests.unit.console.test_book_api import assign


def test_my_clients_are_listed_searched_and_dialled_in_one_click(page: Page, console: ServedApp, database: Database,
                                                                 staff: Staff, telephony: FakeTelephony) -> None:
    customer = add_customer(database, staff.agent_id)
    with database.session() as session:
        other = Investor(account_number="A000777", name="Sun Li", investor_class="ordinary", risk_class="C2")
        session.add(other)
        session.flush()
        session.add(InvestorPhone(investor_id=other.id, number="13900007777"))
        other_id = other.id
    assign(database, customer.investor_id, staff.agent_id)
    assign(database, other_id, staff.agent_id)
    log_in(page, console, "1001")
    rows = page.get_by_test_id("book-list").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Chen Jing")
    page.get_by_test_id("book-search").fill("7777")
    page.get_by_test_id("book-search-button").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sun Li")
    page.get_by_test_id("book-call-A000777").click()
    expect(page.get_by_test_id("dial-result")).to_contain_text("calling")
    wait_for(lambda: telephony.named("dial") == [("dial", staff.agent_id, "13900007777")])

    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(ScreenPop(staff.agent_id, customer.call_id))
    expect(page.get_by_test_id("caller-relationship")).to_have_text("your client")


def test_the_supervisor_board_shows_the_service_targets_per_segment(page: Page, console: ServedApp,
                                                                    database: Database) -> None:
    with database.session() as session:
        seed_reference_data(session)
    log_in(page, console, "9001")
    rows = page.get_by_test_id("service-levels").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("investor.assets >= 5_000_000")
    expect(page.locator('tr[data-rule="SL-HIGH-ASSETS"] td').nth(3)).to_have_text("10")
