"""The practice market (`always_open`) trades at any hour and expires orders at local midnight; the exchange's
hours reject or queue an order at night."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from crm_core.models import OrderStatus
from crm_core.trading import BuiltinBroker, OffHours, TradingConfig, calendar, match_orders, open_orders, place_order
from tests.unit.trading.conftest import ACCOUNT, Desk

NIGHT = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # Wednesday 22:00 in Shanghai


def test_always_open_hours() -> None:
    assert calendar.ALWAYS_OPEN.in_session(NIGHT) and not calendar.EXCHANGE.in_session(NIGHT)
    assert calendar.ALWAYS_OPEN.order_trade_date(NIGHT) == date(2026, 11, 25)
    assert calendar.EXCHANGE.order_trade_date(NIGHT) == date(2026, 11, 26)
    assert calendar.ALWAYS_OPEN.close_of(date(2026, 11, 25)) == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def test_a_night_order_fills_on_the_practice_market_and_waits_on_the_exchange(desk: Desk) -> None:
    desk.feed.set("600036", bid_cents=3860, ask_cents=3862)
    practice = BuiltinBroker(desk.feed, TradingConfig(always_open=True))
    exchange = BuiltinBroker(desk.feed, TradingConfig(off_hours=OffHours.QUEUE))
    with desk.db.session() as session:
        now_open = place_order(session, ACCOUNT, "buy", "600036", Decimal("38.70"), 100, request_id="p1", now=NIGHT,
                               broker=practice)
        queued = place_order(session, ACCOUNT, "buy", "600036", Decimal("38.70"), 100, request_id="q1", now=NIGHT,
                             broker=exchange)
        assert now_open.trade_date == date(2026, 11, 25) and queued.trade_date == date(2026, 11, 26)
        fills = match_orders(session, NIGHT, broker=practice)
        assert [f.order_id for f in fills] == [now_open.order_id], "the queued order waits for its session"
        assert match_orders(session, NIGHT, broker=exchange) == []
        status = {row.order_id: row.status for row in open_orders(session, ACCOUNT)}
        assert status == {queued.order_id: OrderStatus.ACCEPTED}
