"""Phone orders for the IVR: validate, place (exactly once), cancel (exactly once), query, match.

Every function takes the caller's Session (the caller commits). Rule breaks found while *placing* are
persisted as a `rejected` order and returned (`OrderResult.code`), so a retried request id gets the same
answer and the audit row survives; `validate_order` raises `OrderRejected` instead, for the read-back step.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import audit, once, suitability
from crm_core.models import OrderCancel, OrderStatus, RiskDisclosure, TradingAccount, TradingFill, TradingOrder
from crm_core.models.trading_order import OPEN_STATUSES
from crm_core.suitability import Outcome
from crm_core.trading import calendar, rules
from crm_core.trading.accounts import get_account, lock_account
from crm_core.trading.broker import Broker, Funds, PositionView
from crm_core.trading.builtin import BuiltinBroker
from crm_core.trading.errors import CancelRejected, OrderRejected, RejectReason
from crm_core.trading.market import Quote
from crm_core.trading.results import CancelResult, FillView, OrderPreview, OrderResult, OrderView


def _broker(broker: Broker | None) -> Broker:
    return broker if broker is not None else BuiltinBroker()


def quote(code: str, *, now: datetime, broker: Broker | None = None) -> Quote:
    """Raises OrderRejected(UNKNOWN_SECURITY) for a code not traded."""
    return _broker(broker).quote(code, now)


def _draft(account: TradingAccount, side: str, code: str, price: Decimal | str, quantity: int, now: datetime,
           request_id: str) -> tuple[TradingOrder, OrderRejected | None]:
    problem = None
    try:
        cents = rules.price_cents(price)
    except OrderRejected as error:
        cents, problem = 0, error
    whole = quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else 0
    order = TradingOrder(request_id=request_id, account_id=account.id, security_code=str(code)[:12],
                         side=str(side)[:4], price_cents=cents, quantity=whole, filled_quantity=0,
                         filled_amount_cents=0, fee_cents=0, frozen_cents=0, status=OrderStatus.ACCEPTED.value,
                         trade_date=calendar.trade_date(now), created_at=now, updated_at=now)
    return order, problem


def _suitability(session: Session, account: TradingAccount, order: TradingOrder,
                 disclosure_id: int | None) -> int | None:
    """Buys only: refused -> SUITABILITY_REFUSED; one level above -> NEEDS_DISCLOSURE unless disclosed."""
    if order.side != rules.BUY:
        return None
    try:
        decision = suitability.check(session, account.investor_id, order.security_code)
    except suitability.UnknownError:
        raise OrderRejected(RejectReason.SUITABILITY_REFUSED, "no suitability data for this product") from None
    if decision.outcome is Outcome.REFUSED:
        raise OrderRejected(RejectReason.SUITABILITY_REFUSED, f"not suitable: {decision.reason}")
    if disclosure_id is not None:
        disclosure = session.get(RiskDisclosure, disclosure_id)
        if disclosure is None or (disclosure.investor_id, disclosure.product_code) != (
                account.investor_id, order.security_code):
            raise OrderRejected(RejectReason.BAD_DISCLOSURE)
        return disclosure_id
    if decision.outcome is Outcome.NEEDS_DISCLOSURE:
        raise OrderRejected(RejectReason.NEEDS_DISCLOSURE, f"risk disclosure required: {decision.reason}")
    return decision.disclosure_id


def validate_order(session: Session, account_number: str, side: str, code: str, price: Decimal | str,
                   quantity: int, *, now: datetime, disclosure_id: int | None = None,
                   broker: Broker | None = None) -> OrderPreview:
    """Every rule and the suitability check, nothing written; raises OrderRejected with the reason."""
    broker = _broker(broker)
    account = get_account(session, account_number)
    order, problem = _draft(account, side, code, price, quantity, now, request_id="")
    if problem is not None:
        raise problem
    broker.check(session, account, order, now)
    disclosure = _suitability(session, account, order, disclosure_id)
    security = broker.security(order.security_code)
    amount = order.price_cents * order.quantity
    hold = broker.hold(order) if side == rules.BUY else 0
    return OrderPreview(security_code=security.code, name_zh=security.name_zh, name_en=security.name_en, side=side,
                        price=Decimal(order.price_cents) / 100, quantity=order.quantity, amount_cents=amount,
                        hold_cents=hold, disclosure_id=disclosure)


def place_order(session: Session, account_number: str, side: str, code: str, price: Decimal | str, quantity: int,
                *, request_id: str, now: datetime, channel: str = "phone", call_id: str | None = None,
                disclosure_id: int | None = None, broker: Broker | None = None) -> OrderResult:
    """Place an order once per `request_id`: a repeat returns the first result (`repeated=True`)."""
    account = get_account(session, account_number)
    existing = once.find(session, TradingOrder, request_id, account.id)
    if existing is not None:
        return _repeat(session, existing, account_number, channel, call_id, now)
    broker = _broker(broker)
    order, problem = _draft(account, side, code, price, quantity, now, request_id)
    order.channel, order.call_id = channel, call_id  # inserted with its call, committed with the placement
    if not once.claim(session, order):
        winner = once.find(session, TradingOrder, request_id, account.id)
        assert winner is not None
        return _repeat(session, winner, account_number, channel, call_id, now)
    account = lock_account(session, account.id)
    try:
        if problem is not None:
            raise problem
        broker.check(session, account, order, now)
        order.disclosure_id = _suitability(session, account, order, disclosure_id)
        broker.submit(session, account, order, now)
    except OrderRejected as error:
        order.status, order.reject_code, order.reason = OrderStatus.REJECTED.value, error.code.value, error.message
    session.flush()
    _audit(session, f"account:{account_number}", "order.place", order, channel, call_id, now)
    return OrderResult.of(order, repeated=False)


def _repeat(session: Session, order: TradingOrder, account_number: str, channel: str, call_id: str | None,
            now: datetime) -> OrderResult:
    once.keep_call(order, call_id)
    entry = audit.record(session, actor=f"account:{account_number}", action="order.repeat", outcome="repeated",
                         channel=channel, subject=f"order:{order.id}", call_id=call_id or order.call_id,
                         request_id=order.request_id)
    entry.at = now
    return OrderResult.of(order, repeated=True)


def _audit(session: Session, actor: str, action: str, order: TradingOrder, channel: str, call_id: str | None,
           now: datetime) -> None:
    outcome = order.status if order.reject_code is None else f"rejected:{order.reject_code}"
    entry = audit.record(session, actor=actor, action=action, outcome=outcome, channel=channel,
                         subject=f"order:{order.id}", call_id=call_id, request_id=order.request_id,
                         security_code=order.security_code, side=order.side, price_cents=order.price_cents,
                         quantity=order.quantity, reason=order.reason)
    entry.at = now


def cancel_order(session: Session, account_number: str, order_id: int, *, request_id: str, now: datetime,
                 channel: str = "phone", call_id: str | None = None,
                 broker: Broker | None = None) -> CancelResult:
    """Cancel the unfilled remainder once per `request_id`, releasing frozen funds or shares."""
    account = get_account(session, account_number)
    existing = once.find(session, OrderCancel, request_id, account.id)
    if existing is not None:
        return _repeated_cancel(existing, call_id)
    broker = _broker(broker)
    row = OrderCancel(request_id=request_id, account_id=account.id, order_id=order_id, outcome="cancelled",
                      channel=channel, call_id=call_id, created_at=now)
    if not once.claim(session, row):
        winner = once.find(session, OrderCancel, request_id, account.id)
        assert winner is not None
        return _repeated_cancel(winner, call_id)
    account = lock_account(session, account.id)
    try:
        order = _own_open_order(session, account, order_id)
        broker.cancel(session, account, order, now)
    except CancelRejected as error:
        row.outcome, row.reject_code, row.reason = "rejected", error.code.value, error.message
    session.flush()
    entry = audit.record(session, actor=f"account:{account_number}", action="order.cancel",
                         outcome=row.outcome if row.reject_code is None else f"rejected:{row.reject_code}",
                         channel=channel, subject=f"order:{order_id}", call_id=call_id, request_id=request_id)
    entry.at = now
    return CancelResult.of(row, repeated=False)


def _repeated_cancel(row: OrderCancel, call_id: str | None) -> CancelResult:
    once.keep_call(row, call_id)
    return CancelResult.of(row, repeated=True)


def _own_open_order(session: Session, account: TradingAccount, order_id: int) -> TradingOrder:
    order = session.scalars(select(TradingOrder).where(TradingOrder.id == order_id).with_for_update()
                            .execution_options(populate_existing=True)).one_or_none()
    if order is None or order.account_id != account.id:
        raise CancelRejected(RejectReason.ORDER_NOT_FOUND)
    if not order.is_open:
        raise CancelRejected(RejectReason.NOT_CANCELLABLE, f"the order is already {order.status}")
    return order


def open_orders(session: Session, account_number: str) -> list[OrderView]:
    account = get_account(session, account_number)
    rows = session.scalars(select(TradingOrder).where(TradingOrder.account_id == account.id,
                                                      TradingOrder.status.in_(OPEN_STATUSES))
                           .order_by(TradingOrder.id))
    return [OrderView.of(row) for row in rows]


def todays_fills(session: Session, account_number: str, *, now: datetime) -> list[FillView]:
    account = get_account(session, account_number)
    rows = session.scalars(select(TradingFill).where(TradingFill.account_id == account.id,
                                                     TradingFill.trade_date == calendar.trade_date(now))
                           .order_by(TradingFill.id))
    return [FillView.of(row) for row in rows]


def positions(session: Session, account_number: str, *, now: datetime,
              broker: Broker | None = None) -> list[PositionView]:
    return _broker(broker).positions(session, get_account(session, account_number), now)


def funds(session: Session, account_number: str, *, broker: Broker | None = None) -> Funds:
    return _broker(broker).funds(session, get_account(session, account_number))


def match_orders(session: Session, now: datetime, *, broker: Broker | None = None) -> list[FillView]:
    """One matching round (a scheduler calls it every few seconds during sessions)."""
    return [FillView.of(fill) for fill in _broker(broker).match(session, now)]
