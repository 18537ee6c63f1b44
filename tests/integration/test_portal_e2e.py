"""The client portal served by the real `hotline serve` (its own port, the service's broker): a client logs in
in Chromium, sees the funds the phone reads, buys through the web, and the service's matching round fills it
(the fill and the new holding show after a reload). On SQLite; no call is placed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from crm_core import summary
from crm_core.models import OrderStatus, TradingOrder
from crm_core.models.base import utcnow
from crm_core.rematch import rematch_investors
from crm_core.seed import seed_reference_data
from crm_core.trading import load_securities
from crm_core.trading.demo import seed_demo_trading
from portal.views import yuan
from tests.integration.conftest import Hotline
from tests.support.hotline import add_investor, practice_market, wait_for

playwright_api = pytest.importorskip("playwright.sync_api")

ACCOUNT, PASSWORD, CODE = "100000007", "246810", "601988"  # Bank of China, R3: within a C3 client's tolerance


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_web_buy_is_filled_by_the_service_and_shows_as_the_phone_reads_it(hotline: Hotline, browser: Any) -> None:
    investor_id = add_investor(hotline.db, ACCOUNT, "Zhao Min", "13800000007")
    with hotline.db.session() as session:
        seed_reference_data(session)
        seed_demo_trading(session, investor_id, cash_cents=2_000_000, password=PASSWORD, bank_password="9999",
                          positions={})
        rematch_investors(session, [investor_id], "test client")
    hotline.service.start(**practice_market())
    url = f"http://127.0.0.1:{hotline.service.env['HOTLINE_PORTAL_PORT']}"
    expect = playwright_api.expect
    page = browser.new_page()
    page.goto(f"{url}/login")
    page.get_by_test_id("account").fill(ACCOUNT)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-button").click()
    page.wait_for_url("**/home")
    expect(page.get_by_test_id("funds-available")).to_have_text("20000.00")

    limit_up = load_securities()[CODE].limit_up_cents  # a buy at the limit up is marketable at once
    page.get_by_test_id("order-code").fill(CODE)
    page.get_by_test_id("order-price").fill(yuan(limit_up))
    page.get_by_test_id("order-quantity").fill("100")
    page.get_by_test_id("order-check").click()
    page.get_by_test_id("order-confirm").click()
    expect(page.get_by_test_id("order-message")).to_contain_text("accepted")
    assert wait_for(lambda: _filled(hotline), timeout=20), "the service's matching round never filled the order"

    page.reload()
    expect(page.get_by_test_id("fills").locator("tbody tr").first).to_contain_text(CODE)
    expect(page.get_by_test_id("holdings").locator("tbody tr").first).to_contain_text(CODE)
    with hotline.db.session() as session:
        book = summary.account_summary(session, ACCOUNT, now=utcnow())
    expect(page.get_by_test_id("funds-available")).to_have_text(yuan(book.funds.available_cents))
    expect(page.get_by_test_id("funds-total")).to_have_text(yuan(book.funds.total_cents))
    page.close()


def _filled(hotline: Hotline) -> bool:
    with hotline.db.session() as session:
        order = session.scalars(select(TradingOrder)).one()
        return order.status == OrderStatus.FILLED.value and order.channel == "web"
