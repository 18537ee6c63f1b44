"""The clients' portal in a real Chromium: log in, the funds and holdings the phone reads, web orders with the
suitability rule (a C2 client refused an R4 share; a C4 senior confirms after the risk disclosure), reminders,
click to call, and a complaint followed from its deadline to its resolution."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from console.ports import LiveEvents
from crm_core.complaints import service
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.models import Callback, ClientReminder, Complaint, InvestorPhone, RiskDisclosure, TradingOrder
from crm_core.summary import account_summary
from portal.app import build_app
from portal.views import yuan
from tests.unit.console.doubles import ServedApp
from tests.unit.portal.conftest import (  # noqa: F401  (the clients fixture, shared)
    CAUTIOUS,
    PASSWORD,
    R4_CODE,
    R4_PRICE,
    SENIOR,
    Clients,
    clients,
    practice_broker,
)


@pytest.fixture
def portal(database: Database, clients: Clients) -> Iterator[ServedApp]:  # noqa: F811
    served = ServedApp(lambda: build_app(database, practice_broker()), LiveEvents()).start()
    yield served
    served.stop()


def log_in(page: Page, portal: ServedApp, account: str, password: str = PASSWORD) -> None:
    page.goto(f"{portal.url}/login")
    page.get_by_test_id("account").fill(account)
    page.get_by_test_id("password").fill(password)
    page.get_by_test_id("login-button").click()


def order(page: Page, code: str, price: str, quantity: int) -> None:
    page.get_by_test_id("order-side").select_option("buy")
    page.get_by_test_id("order-code").fill(code)
    page.get_by_test_id("order-price").fill(price)
    page.get_by_test_id("order-quantity").fill(str(quantity))
    page.get_by_test_id("order-check").click()


def test_a_wrong_password_is_refused_with_a_message(page: Page, portal: ServedApp) -> None:
    log_in(page, portal, SENIOR, "000000")
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong fund account or trading password.")
    expect(page).to_have_url(f"{portal.url}/login")


def test_a_client_sees_what_the_phone_reads_and_orders_with_the_disclosure(page: Page, portal: ServedApp,
                                                                          database: Database) -> None:
    with database.session() as session:
        phone = account_summary(session, SENIOR, now=datetime.now(UTC))
    log_in(page, portal, SENIOR)
    expect(page).to_have_url(f"{portal.url}/home")
    expect(page.get_by_test_id("who")).to_contain_text("Wang Fang")
    expect(page.get_by_test_id("funds-available")).to_have_text(yuan(phone.funds.available_cents))
    expect(page.get_by_test_id("funds-total")).to_have_text(yuan(phone.funds.total_cents))
    holding = page.get_by_test_id("holdings").locator("tbody tr").first
    expect(holding).to_contain_text("600036")
    expect(holding).to_contain_text(str(phone.holdings[0].quantity))

    order(page, R4_CODE, R4_PRICE, 100)
    expect(page.get_by_test_id("disclosure")).to_be_visible()
    expect(page.get_by_test_id("disclosure-text")).to_contain_text("lose part or all")
    expect(page.get_by_test_id("preview")).to_be_hidden()
    page.get_by_test_id("disclosure-accept").click()
    expect(page.get_by_test_id("preview-text")).to_contain_text("Buy 100 300750 CATL at 252.60 yuan")
    page.get_by_test_id("order-confirm").click()
    expect(page.get_by_test_id("order-message")).to_contain_text("accepted")
    expect(page.get_by_test_id("orders").locator("tbody tr").first).to_contain_text(R4_CODE)
    with database.session() as session:
        placed = session.scalars(select(TradingOrder)).one()
        disclosure = session.scalars(select(RiskDisclosure)).one()
        assert (placed.channel, placed.disclosure_id, disclosure.channel) == ("web", disclosure.id, "web")
    expect(page.get_by_test_id("funds-frozen")).not_to_have_text("0.00")
    page.get_by_test_id(f"cancel-{placed.id}").click()
    expect(page.get_by_test_id("order-message")).to_have_text(f"Order {placed.id} cancelled.")
    expect(page.get_by_test_id("funds-frozen")).to_have_text("0.00")
    expect(page.get_by_test_id("orders").locator("tbody tr").first).to_contain_text("cancelled")
    expect(page.get_by_test_id("history").locator("tbody tr").first).to_contain_text("cancelled")
    page.get_by_test_id("history-from").fill("2020-01-01")
    page.get_by_test_id("history-show").click()
    expect(page.get_by_test_id("history-error")).to_contain_text("at most 366 days")
    page.get_by_test_id("history-from").fill("2020-01-01")
    page.get_by_test_id("history-to").fill("2020-01-31")
    page.get_by_test_id("history-show").click()
    expect(page.get_by_test_id("history").locator("tbody tr").first).to_have_text("none")


def test_a_c2_client_is_refused_an_r4_share(page: Page, portal: ServedApp, database: Database) -> None:
    log_in(page, portal, CAUTIOUS)
    expect(page.get_by_test_id("who")).to_contain_text("Li Wei")
    order(page, R4_CODE, R4_PRICE, 100)
    expect(page.get_by_test_id("order-message")).to_contain_text("Refused: not suitable")
    expect(page.get_by_test_id("disclosure")).to_be_hidden()
    expect(page.get_by_test_id("preview")).to_be_hidden()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{portal.url}/login")
    with database.session() as session:
        assert session.scalars(select(TradingOrder)).all() == []
        assert session.scalars(select(RiskDisclosure)).all() == []


def test_a_client_sets_a_reminder_an_alert_and_how_to_be_reached(page: Page, portal: ServedApp,
                                                                 database: Database) -> None:
    log_in(page, portal, CAUTIOUS)
    expect(page.get_by_test_id("time-zone")).to_have_text("Asia/Shanghai")
    page.get_by_test_id("reminder-at").fill("2099-12-10 09:30")
    page.get_by_test_id("reminder-text").fill("renew the questionnaire")
    page.get_by_test_id("reminder-add").click()
    expect(page.get_by_test_id("reminders")).to_contain_text("2099-12-10 09:30 renew the questionnaire")
    page.get_by_test_id("reminder-at").fill("yesterday")
    page.get_by_test_id("reminder-add").click()
    expect(page.get_by_test_id("reminder-message")).to_contain_text("Refused")
    page.get_by_test_id("alert-code").fill("600036")
    page.get_by_test_id("alert-direction").select_option("below")
    page.get_by_test_id("alert-price").fill("35.00")
    page.get_by_test_id("alert-add").click()
    expect(page.get_by_test_id("price-alerts")).to_contain_text("600036 below 35.00")
    page.get_by_test_id("preferred-channel").select_option("email")
    page.get_by_test_id("fill-reports").select_option("sms")
    page.get_by_test_id("preferences-save").click()
    expect(page.get_by_test_id("preferences-message")).to_have_text("Saved.")
    page.reload()
    expect(page.get_by_test_id("preferred-channel")).to_have_value("email")
    expect(page.get_by_test_id("fill-reports")).to_have_value("sms")
    with database.session() as session:
        assert session.scalars(select(ClientReminder.text)).all() == ["renew the questionnaire"]


def test_a_client_asks_to_be_called_at_a_time_then_cancels(page: Page, portal: ServedApp, database: Database,
                                                           clients: Clients) -> None:  # noqa: F811
    with database.session() as session:
        session.add(InvestorPhone(investor_id=clients.cautious_id, number="13900000012"))
    at = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).strftime("%Y-%m-%d 10:00")
    log_in(page, portal, CAUTIOUS)
    page.get_by_test_id("callme-topic").select_option("products")
    page.get_by_test_id("callme-at").fill(at)
    page.get_by_test_id("callme-now").click()
    expect(page.get_by_test_id("callme-message")).to_have_text(f"We will call you at {at}.")
    first = page.get_by_test_id("callbacks").locator("tbody tr").first
    for shown in (at, "products", "*******0012", "scheduled"):
        expect(first).to_contain_text(shown)
    page.get_by_test_id("callme-at").fill("yesterday")
    page.get_by_test_id("callme-now").click()
    expect(page.get_by_test_id("callme-message")).to_contain_text("Refused")
    page.get_by_test_id("callback-cancel").click()
    expect(page.get_by_test_id("callme-message")).to_have_text("Cancelled.")
    expect(first).to_contain_text("cancelled")
    expect(page.get_by_test_id("callback-cancel")).to_have_count(0)
    with database.session() as session:
        assert [(c.status, c.skill, c.origin) for c in session.scalars(select(Callback))] == [
            ("cancelled", "products", "portal")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the page's path: the database does not matter
def test_a_client_lodges_a_complaint_sees_its_deadline_then_its_resolution(page: Page, portal: ServedApp,
                                                                          database: Database) -> None:
    log_in(page, portal, CAUTIOUS)
    expect(page.get_by_test_id("complaints-time-zone")).to_have_text("Asia/Shanghai")
    page.get_by_test_id("complaint-category").select_option("fees")
    page.get_by_test_id("complaint-department").fill("Lujiazui branch")
    page.get_by_test_id("complaint-text").fill("The transfer fee was charged twice.")
    page.get_by_test_id("complaint-send").click()
    expect(page.get_by_test_id("complaint-message")).to_contain_text("received. We will reply by")
    with database.session() as session:
        row = session.scalars(select(Complaint)).one()
        reference, resolve_by = service.reference(row), service.local_text(row.resolve_by, "Asia/Shanghai")
    listed = page.get_by_test_id("complaints").locator("tbody tr").first
    for shown in (reference, "fees (Lujiazui branch)", "acknowledged", resolve_by, "Received"):
        expect(listed).to_contain_text(shown)
    expect(page.get_by_test_id("complaint-message")).to_contain_text(resolve_by)

    with database.session() as session:  # the complaints desk resolves it, as a staff member would
        service.resolve(session, row.id, "The second fee was refunded on 3 Dec.", datetime.now(UTC),
                        ComplaintRules(), "agent:1003")
    page.reload()
    listed = page.get_by_test_id("complaints").locator("tbody tr").first
    expect(listed).to_contain_text("closed")
    expect(listed).to_contain_text("The second fee was refunded on 3 Dec.")
    expect(listed).to_contain_text("Resolved")
    expect(page.get_by_test_id("complaints").locator("tbody tr")).to_have_count(1)
