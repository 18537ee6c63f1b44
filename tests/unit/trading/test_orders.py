"""Orders on both backends: every rule, the lifecycle, funds frozen and released, suitability, exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm_core import suitability
from crm_core.models import AuditEntry, LedgerEntry, OrderStatus, TradingOrder
from crm_core.once import RequestIdTaken
from crm_core.trading import (
    BuiltinBroker,
    OffHours,
    OrderRejected,
    RejectReason,
    TradingConfig,
    UnknownAccount,
    cancel_order,
    funds,
    match_orders,
    open_orders,
    place_order,
    positions,
    todays_fills,
    validate_order,
)
from tests.unit.trading.conftest import ACCOUNT, CASH, NOW, OTHER_ACCOUNT, Desk, add_other_account

EVENING = NOW + timedelta(hours=9)  # 19:00 in Shanghai


def place(desk: Desk, session, side: str, code: str, price: str, quantity: int,  # type: ignore[no-untyped-def]
          request_id: str, **options):
    options.setdefault("now", NOW)
    options.setdefault("broker", desk.broker)
    return place_order(session, ACCOUNT, side, code, price, quantity, request_id=request_id, call_id="call-1",
                       **options)


@pytest.mark.parametrize(("side", "code", "price", "quantity", "reason"), [
    ("buy", "999999", "10.00", 100, RejectReason.UNKNOWN_SECURITY),
    ("buy", "600036", "42.49", 100, RejectReason.PRICE_LIMIT),  # limit up is 42.48
    ("buy", "600036", "34.75", 100, RejectReason.PRICE_LIMIT),  # limit down is 34.76
    ("buy", "600036", "38.625", 100, RejectReason.PRICE_TICK),
    ("buy", "600036", "38.62", 150, RejectReason.BOARD_LOT),
    ("buy", "600036", "38.62", 0, RejectReason.BAD_QUANTITY),
    ("buy", "600519", "1600.00", 700, RejectReason.INSUFFICIENT_FUNDS),
    ("sell", "600036", "38.62", 1100, RejectReason.INSUFFICIENT_SHARES),
    ("sell", "600519", "1500.00", 100, RejectReason.INSUFFICIENT_SHARES),
    ("sell", "000001", "11.56", 50, RejectReason.BOARD_LOT),
    ("hold", "600036", "38.62", 100, RejectReason.BAD_SIDE),
])
def test_bad_orders_are_rejected_with_a_reason(desk: Desk, side, code, price, quantity,  # type: ignore[no-untyped-def]
                                               reason) -> None:
    with desk.db.session() as session:
        with pytest.raises(OrderRejected) as caught:
            validate_order(session, ACCOUNT, side, code, price, quantity, now=NOW, broker=desk.broker)
        assert caught.value.code is reason
        result = place(desk, session, side, code, price, quantity, "bad-1")
        assert result.status is OrderStatus.REJECTED and result.code is reason and result.message
        with pytest.raises(OrderRejected):
            result.raise_if_rejected()
    with desk.db.session() as session:  # the rejection and its audit row are kept; nothing is frozen
        assert funds(session, ACCOUNT).frozen_cents == 0
        assert session.scalar(select(TradingOrder.reject_code)) == reason.value
        row = session.scalars(select(AuditEntry).where(AuditEntry.action == "order.place")).one()
        assert row.outcome == f"rejected:{reason.value}" and row.call_id == "call-1"


def test_unknown_account(desk: Desk) -> None:
    with desk.db.session() as session, pytest.raises(UnknownAccount) as caught:
        place_order(session, "nobody", "buy", "600036", "38.62", 100, request_id="x", now=NOW)
    assert caught.value.code is RejectReason.UNKNOWN_ACCOUNT


def test_buy_partial_fill_then_cancel_releases_the_rest(desk: Desk) -> None:
    desk.feed.set("600036", bid_cents=3860, ask_cents=3862, ask_volume=300)
    with desk.db.session() as session:
        preview = validate_order(session, ACCOUNT, "buy", "600036", "38.70", 500, now=NOW, broker=desk.broker)
        assert (preview.name_en, preview.amount_cents, preview.hold_cents) == ("China Merchants Bank", 1_935_000,
                                                                               1_935_500)
        order = place(desk, session, "buy", "600036", "38.70", 500, "buy-1")
        assert order.status is OrderStatus.ACCEPTED and order.frozen_cents == 1_935_500
        assert funds(session, ACCOUNT).available_cents == CASH - 1_935_500
    with desk.db.session() as session:
        fills = match_orders(session, NOW, broker=desk.broker)
        assert [(f.quantity, f.amount_cents, f.fee_cents) for f in fills] == [(300, 1_158_600, 500)]
    with desk.db.session() as session:
        [view] = open_orders(session, ACCOUNT)
        assert (view.status, view.filled_quantity) == (OrderStatus.PARTIALLY_FILLED, 300)
        money = funds(session, ACCOUNT)
        assert money.total_cents == CASH - 1_159_100 and money.frozen_cents == 1_935_500 - 1_159_100
        held = {p.security_code: p for p in positions(session, ACCOUNT, now=NOW, broker=desk.broker)}
        assert held["600036"].quantity == 1300 and held["600036"].sellable == 1000  # T+1
        result = cancel_order(session, ACCOUNT, order.order_id, request_id="cancel-1", now=NOW, broker=desk.broker)
        assert result.cancelled and not result.repeated
        again = cancel_order(session, ACCOUNT, order.order_id, request_id="cancel-1", now=NOW, broker=desk.broker)
        assert again.cancelled and again.repeated
    with desk.db.session() as session:
        money = funds(session, ACCOUNT)
        assert (money.frozen_cents, money.available_cents) == (0, CASH - 1_159_100)
        assert open_orders(session, ACCOUNT) == []
        assert [f.quantity for f in todays_fills(session, ACCOUNT, now=NOW)] == [300]
        late = cancel_order(session, ACCOUNT, order.order_id, request_id="cancel-2", now=NOW, broker=desk.broker)
        assert late.code is RejectReason.NOT_CANCELLABLE
        assert cancel_order(session, ACCOUNT, 999, request_id="cancel-3", now=NOW).code is RejectReason.ORDER_NOT_FOUND
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions.count("order.cancel") == 3 and actions.count("order.place") == 1
        assert session.scalar(select(func.sum(LedgerEntry.amount_cents))) == 0


def test_sell_fills_and_bought_today_is_not_sellable(desk: Desk) -> None:
    desk.feed.set("600036", bid_cents=3900, ask_cents=3902)
    with desk.db.session() as session:
        sell = place(desk, session, "sell", "600036", "38.90", 1000, "sell-1")
        assert sell.status is OrderStatus.ACCEPTED
        match_orders(session, NOW, broker=desk.broker)
        assert positions(session, ACCOUNT, now=NOW, broker=desk.broker)[0].security_code == "000001"
        proceeds = 3_900_000 - 975 - 1950  # commission and stamp duty
        assert funds(session, ACCOUNT).total_cents == CASH + proceeds
        buy = place(desk, session, "buy", "600036", "39.02", 200, "buy-2")
        match_orders(session, NOW, broker=desk.broker)
        again = place(desk, session, "sell", "600036", "39.00", 200, "sell-2")
        assert again.code is RejectReason.T_PLUS_ONE
        tomorrow = NOW + timedelta(days=1)
        assert place(desk, session, "sell", "600036", "39.00", 200, "sell-3", now=tomorrow).accepted
        assert session.get(TradingOrder, buy.order_id).status == OrderStatus.FILLED  # type: ignore[union-attr]


def test_outside_sessions_rejected_or_queued(desk: Desk) -> None:
    queued = BuiltinBroker(desk.feed, TradingConfig(off_hours=OffHours.QUEUE))
    desk.feed.set("600036", bid_cents=3860, ask_cents=3862)
    with desk.db.session() as session:
        assert place(desk, session, "buy", "600036", "38.70", 100, "late-1", now=EVENING).code is (
            RejectReason.OUTSIDE_SESSION)
        order = place(desk, session, "buy", "600036", "38.70", 100, "late-2", now=EVENING, broker=queued)
        assert order.accepted and order.trade_date.isoformat() == "2026-11-26" and order.frozen_cents > 0
        assert match_orders(session, EVENING, broker=queued) == []
        assert [f.order_id for f in match_orders(session, NOW + timedelta(days=1), broker=queued)] == [order.order_id]


def test_unfilled_orders_expire_at_the_close(desk: Desk) -> None:
    desk.feed.set("600036", bid_cents=3860, ask_cents=3862)
    with desk.db.session() as session:
        order = place(desk, session, "buy", "600036", "38.00", 100, "low-1")
        assert match_orders(session, NOW, broker=desk.broker) == []
        match_orders(session, EVENING, broker=desk.broker)
        row = session.get(TradingOrder, order.order_id)
        assert row is not None and row.status == OrderStatus.CANCELLED and "expired" in (row.reason or "")
        assert funds(session, ACCOUNT).frozen_cents == 0


def test_suitability_refuses_or_needs_a_recorded_disclosure(desk: Desk) -> None:
    with desk.db.session() as session:
        needs = place(desk, session, "buy", "300750", "252.60", 100, "catl-1")
        assert needs.code is RejectReason.NEEDS_DISCLOSURE
        disclosure = suitability.record_disclosure(session, desk.investor_id, "300750", call_id=None)
        other = suitability.record_disclosure(session, desk.investor_id, "688981")
        assert place(desk, session, "buy", "300750", "252.60", 100, "catl-2", disclosure_id=other.id).code is (
            RejectReason.BAD_DISCLOSURE)
        ok = place(desk, session, "buy", "300750", "252.60", 100, "catl-3", disclosure_id=disclosure.id)
        assert ok.accepted
        assert session.get(TradingOrder, ok.order_id).disclosure_id == disclosure.id  # type: ignore[union-attr]


def test_same_request_id_twice_is_one_order(desk: Desk) -> None:
    with desk.db.session() as session:
        first = place(desk, session, "buy", "600036", "38.62", 100, "call-1/confirm-1")
    with desk.db.session() as session:
        second = place(desk, session, "buy", "600036", "38.62", 100, "call-1/confirm-1")
        assert second.repeated and second.order_id == first.order_id
        assert session.scalar(select(func.count(TradingOrder.id))) == 1
        assert funds(session, ACCOUNT).frozen_cents == first.frozen_cents


def test_another_accounts_request_id_is_refused_not_answered(desk: Desk) -> None:
    """A repeat names its own account: another account reusing the id gets an error, not the first outcome."""
    add_other_account(desk.db)
    with desk.db.session() as session:
        first = place(desk, session, "buy", "600036", "38.62", 100, "shared-1")
        cancel_order(session, ACCOUNT, first.order_id, request_id="cancel-1", now=NOW, broker=desk.broker)
    with desk.db.session() as session:
        with pytest.raises(RequestIdTaken, match="shared-1"):
            place_order(session, OTHER_ACCOUNT, "buy", "600036", "38.62", 100, request_id="shared-1", now=NOW,
                        broker=desk.broker)
        with pytest.raises(RequestIdTaken, match="cancel-1"):
            cancel_order(session, OTHER_ACCOUNT, first.order_id, request_id="cancel-1", now=NOW, broker=desk.broker)
    with desk.db.session() as session:
        assert session.scalar(select(func.count(TradingOrder.id))) == 1
        assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "order.repeat")) == 0
        assert funds(session, OTHER_ACCOUNT).frozen_cents == 0
