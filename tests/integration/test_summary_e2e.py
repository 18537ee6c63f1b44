"""What the agent sees is what governs the client, end to end: a client buys by phone through the real
Asterisk, the practice market fills the order, the client hears their funds, asks for the trading desk,
and the agent's screen-pop in Chromium shows the new holding and the very frozen / available cash the IVR
read out (both read crm_core.summary). One call of about a minute of real prompts, on SQLite."""

from __future__ import annotations

import asyncio
import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from crm_core import calls, summary
from crm_core.models import AgentState, OrderStatus, TradingFill, TradingOrder
from crm_core.models.base import utcnow
from crm_core.rematch import rematch_investors
from crm_core.seed import seed_reference_data
from crm_core.trading import BuiltinBroker, TradingConfig, load_securities, place_order
from crm_core.trading.demo import seed_demo_trading
from hotline.scripted_call import CallObservation, CallScript
from sounds.phrases import yuan_keys
from tests.integration.conftest import Hotline
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, place_calls, practice_market, wait_for

playwright_api = pytest.importorskip("playwright.sync_api")

ACCOUNT, PHONE, PASSWORD = "100000005", "13800000005", "246810"
# bought by phone and filled / an order left open, holding cash; cheap shares: short numbers to speak
BOUGHT, WAITING = "601988", "601398"


def a_client_with_an_open_order(hotline: Hotline) -> int:
    """A C3 client with 20,000 yuan and no shares, and a buy at the limit-down price (never marketable) that
    keeps part of the cash frozen; returns the open order's id."""
    investor_id = add_investor(hotline.db, ACCOUNT, "Zhao Min", PHONE)
    limit_down = load_securities()[WAITING].limit_down_cents
    with hotline.db.session() as session:
        seed_reference_data(session)  # attributes, products and rules: suitability needs them
        seed_demo_trading(session, investor_id, cash_cents=2_000_000, password=PASSWORD, bank_password="9999",
                          positions={})
        rematch_investors(session, [investor_id], "test client")  # computes the risk class suitability reads
        broker = BuiltinBroker(config=TradingConfig(always_open=True))
        order = place_order(session, ACCOUNT, "buy", WAITING, Decimal(limit_down) / 100, 100,
                            request_id="summary-e2e-open", now=utcnow(), channel="web", broker=broker)
        assert order.status is OrderStatus.ACCEPTED, order
        return order.order_id


def heard_between(heard: list[str], start: str, end: str) -> list[str]:
    """The prompts played after `start` and before the next `end` (keys without the language folder)."""
    first = heard.index(start)
    return [key.split("/", 1)[1] for key in heard[first + 1:heard.index(end, first)]]


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


def cells(page: Any, table: str) -> list[list[str]]:
    rows = page.get_by_test_id(table).locator("tr")
    return [rows.nth(i).locator("td").all_text_contents() for i in range(1, rows.count())]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_phone_buy_shows_on_the_agents_screen_with_the_cash_the_ivr_read(hotline: Hotline, browser: Any) -> None:
    open_order = a_client_with_an_open_order(hotline)
    add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.LOGGED_OUT)])
    hotline.service.start(**practice_market())
    limit_up = load_securities()[BOUGHT].limit_up_cents  # a buy at the limit up is marketable at once
    price = f"{limit_up // 100}*{limit_up % 100:02d}#"
    # main menu 5, log in, 1 buy: code, price, quantity, 1 confirms; 7 funds; 0 the trading desk
    script = CallScript(HOTLINE, PHONE, ["5", ACCOUNT + "#", PASSWORD + "#", "1", BOUGHT, price, "100#", "1", "7",
                                         "0"], talk_seconds=3, timeout=150)
    observed: list[CallObservation] = []
    caller = threading.Thread(target=lambda: observed.extend(asyncio.run(place_calls(hotline.asterisk,
                                                                                      [(0, script)]))))
    caller.start()

    page = browser.new_page()  # the agent goes ready while the client is in the IVR
    page.goto(f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}/login")
    page.get_by_test_id("job-number").fill("2001")
    page.get_by_test_id("password").fill("pw-2001")
    page.get_by_test_id("login-button").click()
    page.wait_for_url("**/agent")
    page.get_by_test_id("ready-button").click()
    expect = playwright_api.expect
    expect(page.get_by_test_id("agent-state")).to_have_text("ready", timeout=10_000)

    expect(page.get_by_test_id("caller-name")).to_have_text("Zhao Min", timeout=120_000)
    expect(page.get_by_test_id("funds")).to_contain_text(ACCOUNT)
    expect(page.get_by_test_id("holdings")).to_contain_text(BOUGHT)
    risk = page.get_by_test_id("risk-class").text_content()
    holdings, funds = cells(page, "holdings"), cells(page, "funds")
    open_orders, fills = cells(page, "open-orders"), cells(page, "fills-today")
    caller.join(60)
    page.close()

    [obs] = observed
    print(f"call {obs.call_id}: inputs {obs.inputs}\nheard {obs.prompts}")
    start = obs.answered_at or 0.0
    queued, agent, ended = ((t or start) - start for t in (obs.queued_at, obs.agent_reached_at, obs.ended_at))
    print(f"seconds after the answer: queued {queued:.1f}, agent {agent:.1f}, ended {ended:.1f}")
    assert wait_for(lambda: _finished(hotline, obs.call_id), timeout=20), "the call was not closed"
    assert obs.agent_channel is not None, "the client never reached the trading desk"
    with hotline.db.session() as session:
        order = session.scalars(select(TradingOrder).where(TradingOrder.security_code == BOUGHT)).one()
        fill = session.scalars(select(TradingFill).where(TradingFill.order_id == order.id)).one()
        book = summary.account_summary(session, ACCOUNT, now=utcnow())
    assert (order.status, order.call_id, fill.quantity) == (OrderStatus.FILLED.value, obs.call_id, 100)
    assert fill.filled_at.timestamp() < obs.input_epochs[-2], "the IVR read the funds before the fill"

    # The screen-pop: the new holding (bought today: none sellable), the open order, today's fill.
    [account, code, _name, quantity, sellable, _last, _value] = holdings[0]
    assert (len(holdings), account, code, quantity, sellable) == (1, ACCOUNT, BOUGHT, "100", "0")
    assert [(row[1], row[3]) for row in open_orders] == [(str(open_order), WAITING)]
    assert [(row[3], row[5]) for row in fills] == [(BOUGHT, "100")]
    assert risk == "C3"
    # ... and the very cash the IVR read out: available and frozen, spoken digit for digit.
    [[account, available, frozen, total, _status]] = funds
    assert heard_between(obs.prompts, "zh/trade_funds_available", "zh/trade_funds_frozen") == yuan_keys(
        cents(available), "zh")
    assert heard_between(obs.prompts, "zh/trade_funds_frozen", "zh/trade_funds_total") == yuan_keys(
        cents(frozen), "zh")
    assert cents(frozen) == book.funds.frozen_cents > 0 and cents(available) == book.funds.available_cents
    assert cents(total) == 2_000_000 - fill.amount_cents - fill.fee_cents == book.funds.total_cents


def _finished(hotline: Hotline, call_id: str) -> bool:
    with hotline.db.session() as session:
        return calls.get_call(session, call_id).status in calls.FINAL_STATUSES
