"""Pure rules: price parsing and tick, limits, lots, fees, sessions, the simulated feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.trading import OrderRejected, RejectReason, SimulatedFeed, TradingConfig, calendar, load_securities, rules


@pytest.mark.parametrize(("price", "cents"), [("12.34", 1234), (Decimal("7"), 700), ("0.01", 1)])
def test_prices_in_cents(price, cents) -> None:  # type: ignore[no-untyped-def]
    assert rules.price_cents(price) == cents


@pytest.mark.parametrize(("price", "code"), [("12.345", RejectReason.PRICE_TICK), ("0", RejectReason.BAD_PRICE),
                                             ("-1", RejectReason.BAD_PRICE), ("abc", RejectReason.BAD_PRICE),
                                             ("NaN", RejectReason.BAD_PRICE)])
def test_bad_prices(price, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OrderRejected) as caught:
        rules.price_cents(price)
    assert caught.value.code is code and caught.value.message


def test_limits_by_board() -> None:
    securities = load_securities()
    assert len(securities) >= 30
    moutai, catl, smic = securities["600519"], securities["300750"], securities["688981"]
    assert (moutai.limit_down_cents, moutai.limit_up_cents) == (136800, 167200)
    assert catl.limit_percent == 20 and smic.limit_percent == 20
    assert catl.limit_up_cents == 30312
    rules.check_price(moutai, 167200)
    with pytest.raises(OrderRejected, match="beyond") as caught:
        rules.check_price(moutai, 167201)
    assert caught.value.code is RejectReason.PRICE_LIMIT


def test_lots_and_sell_quantities() -> None:
    rules.check_buy_quantity(300)
    for bad, code in ((150, RejectReason.BOARD_LOT), (0, RejectReason.BAD_QUANTITY), (-100, RejectReason.BAD_QUANTITY)):
        with pytest.raises(OrderRejected) as caught:
            rules.check_buy_quantity(bad)
        assert caught.value.code is code
    rules.check_sell_quantity(550, held=550, sellable=550)  # the odd lot goes with the rest
    for quantity, held, sellable, code in ((600, 550, 550, RejectReason.INSUFFICIENT_SHARES),
                                           (200, 500, 100, RejectReason.T_PLUS_ONE),
                                           (50, 550, 550, RejectReason.BOARD_LOT)):
        with pytest.raises(OrderRejected) as caught:
            rules.check_sell_quantity(quantity, held=held, sellable=sellable)
        assert caught.value.code is code


def test_fees() -> None:
    config = TradingConfig()
    assert rules.commission(100_000, config) == 500  # the 5 yuan minimum
    assert rules.commission(10_000_000, config) == 2500
    assert rules.buy_hold(1000, 100, config) == 100_500
    assert rules.stamp_duty(10_000_000, config) == 5000


def test_sessions_in_shanghai_time() -> None:
    def at(hour: int, minute: int, day: int = 25) -> datetime:  # Shanghai wall time -> UTC
        return datetime(2026, 11, day, hour, minute, tzinfo=calendar.SHANGHAI).astimezone(UTC)

    assert calendar.in_session(at(9, 30)) and calendar.in_session(at(14, 59))
    assert not calendar.in_session(at(9, 29)) and not calendar.in_session(at(12, 0))
    assert not calendar.in_session(at(15, 0)) and not calendar.in_session(at(10, 0, day=28))  # Saturday
    assert calendar.order_trade_date(at(12, 0)) == date(2026, 11, 25)
    assert calendar.order_trade_date(at(16, 0, day=27)) == date(2026, 11, 30)  # Friday evening -> Monday
    assert calendar.trade_date(datetime(2026, 11, 24, 17, 0, tzinfo=UTC)) == date(2026, 11, 25)


@settings(max_examples=200, deadline=None)
@given(code=st.sampled_from(sorted(load_securities())), minutes=st.integers(0, 60 * 24 * 365), seed=st.integers(0, 9))
def test_feed_is_deterministic_and_within_limits(code: str, minutes: int, seed: int) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    quote = SimulatedFeed(seed=seed).quote(code, now)
    assert quote == SimulatedFeed(seed=seed).quote(code, now)
    assert quote.limit_down_cents <= quote.bid_cents <= quote.last_cents <= quote.ask_cents <= quote.limit_up_cents
    assert quote.bid_volume % 100 == 0 and quote.ask_volume > 0
