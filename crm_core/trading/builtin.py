"""The built-in broker: the counter system's rules and book kept in this database.

Cash lives in trading_accounts (cash, frozen), shares in trading_positions, executions in trading_fills;
every fill also posts a balanced journal to the ledger (broker_cash against market_settlement).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.banking import ledger
from crm_core.models import OrderStatus, TradingAccount, TradingFill, TradingOrder, TradingPosition
from crm_core.models.trading_order import OPEN_STATUSES
from crm_core.trading import calendar, rules
from crm_core.trading.accounts import lock_account as _lock
from crm_core.trading.broker import Funds, PositionView
from crm_core.trading.config import OffHours, TradingConfig
from crm_core.trading.errors import OrderRejected, RejectReason
from crm_core.trading.market import MarketData, Quote, SimulatedFeed
from crm_core.trading.securities import Security


class BuiltinBroker:
    def __init__(self, market: MarketData | None = None, config: TradingConfig | None = None) -> None:
        self.config = config or TradingConfig()
        self.market: MarketData = market if market is not None else SimulatedFeed(seed=self.config.feed_seed)
        self.hours = calendar.ALWAYS_OPEN if self.config.always_open else calendar.EXCHANGE

    # -- reference data ---------------------------------------------------------------------------------
    def security(self, code: str) -> Security:
        return self.market.security(code)

    def quote(self, code: str, now: datetime) -> Quote:
        return self.market.quote(code, now)

    # -- orders -----------------------------------------------------------------------------------------
    def check(self, session: Session, account: TradingAccount, order: TradingOrder, now: datetime) -> None:
        rules.check_side(order.side)
        security = self.security(order.security_code)
        rules.check_price(security, order.price_cents)
        order.trade_date = self._trade_date(now)
        if order.side == rules.BUY:
            rules.check_buy_quantity(order.quantity)
            need = self.hold(order)
            if need > account.available_cents:
                raise OrderRejected(RejectReason.INSUFFICIENT_FUNDS, (
                    f"the order needs {need / 100:.2f} yuan, {account.available_cents / 100:.2f} are available"))
        else:
            position = session.get(TradingPosition, (account.id, order.security_code))
            held = position.quantity - position.frozen_quantity if position else 0
            sellable = position.sellable(order.trade_date) if position else 0
            rules.check_sell_quantity(order.quantity, held=held, sellable=sellable)

    def _trade_date(self, now: datetime) -> date:
        if self.hours.in_session(now):
            return calendar.trade_date(now)
        if self.config.off_hours is OffHours.QUEUE:
            return self.hours.order_trade_date(now)
        raise OrderRejected(RejectReason.OUTSIDE_SESSION)

    def hold(self, order: TradingOrder) -> int:
        return rules.buy_hold(order.price_cents, order.quantity, self.config)

    def submit(self, session: Session, account: TradingAccount, order: TradingOrder, now: datetime) -> None:
        self.check(session, account, order, now)
        if order.side == rules.BUY:
            order.frozen_cents = self.hold(order)
            account.frozen_cents += order.frozen_cents
        else:
            position = session.get(TradingPosition, (account.id, order.security_code))
            assert position is not None
            position.frozen_quantity += order.quantity
        order.status = OrderStatus.ACCEPTED.value
        order.updated_at = now

    def cancel(self, session: Session, account: TradingAccount, order: TradingOrder, now: datetime,
               reason: str = "cancelled by the client") -> None:
        self._release(session, account, order)
        order.status = OrderStatus.CANCELLED.value
        order.reason = reason
        order.updated_at = now

    def _release(self, session: Session, account: TradingAccount, order: TradingOrder) -> None:
        if order.side == rules.BUY:
            account.frozen_cents -= order.frozen_cents
            order.frozen_cents = 0
            return
        position = session.get(TradingPosition, (account.id, order.security_code))
        if position is not None:
            position.frozen_quantity -= order.remaining

    # -- matching ---------------------------------------------------------------------------------------
    def match(self, session: Session, now: datetime) -> list[TradingFill]:
        self._expire(session, now)
        if not self.hours.in_session(now):
            return []
        today = calendar.trade_date(now)
        ids = session.scalars(select(TradingOrder.id).where(TradingOrder.status.in_(OPEN_STATUSES),
                                                            TradingOrder.trade_date == today)
                              .order_by(TradingOrder.id)).all()
        depth: dict[tuple[str, str], int] = defaultdict(int)  # volume taken this round per code and side
        fills = []
        for order_id in ids:
            order = _lock_open_order(session, order_id)
            fill = None if order is None else self._fill_one(session, order, now, depth)
            if fill is not None:
                fills.append(fill)
        return fills

    def _expire(self, session: Session, now: datetime) -> None:
        stale = session.scalars(select(TradingOrder.id).where(TradingOrder.status.in_(OPEN_STATUSES),
                                                              TradingOrder.trade_date <= calendar.trade_date(now))
                                .order_by(TradingOrder.id)).all()
        for order_id in stale:
            order = _lock_open_order(session, order_id)
            if order is not None and now >= self.hours.close_of(order.trade_date):
                account = _lock(session, order.account_id)
                self.cancel(session, account, order, now, reason="expired: not filled by the close")

    def _fill_one(self, session: Session, order: TradingOrder, now: datetime,
                  depth: dict[tuple[str, str], int]) -> TradingFill | None:
        quote = self.quote(order.security_code, now)
        if order.side == rules.BUY:
            price, volume, marketable = quote.ask_cents, quote.ask_volume, order.price_cents >= quote.ask_cents
        else:
            price, volume, marketable = quote.bid_cents, quote.bid_volume, order.price_cents <= quote.bid_cents
        free = volume - depth[(order.security_code, order.side)]
        quantity = min(order.remaining, free)
        if order.side == rules.BUY:
            quantity -= quantity % rules.BOARD_LOT
        if not marketable or quantity <= 0:
            return None
        depth[(order.security_code, order.side)] += quantity
        return self.execute(session, order, price, quantity, now)

    def execute(self, session: Session, order: TradingOrder, price: int, quantity: int,
                now: datetime) -> TradingFill:
        """Book one execution: order, cash, position, fill row and its ledger journal."""
        account = _lock(session, order.account_id)
        amount = price * quantity
        cumulative = order.filled_amount_cents + amount
        fee = rules.commission(cumulative, self.config) - order.fee_cents
        if order.side == rules.BUY:
            cash_change = -(amount + fee)
            order.frozen_cents += cash_change
            account.frozen_cents += cash_change
            self._add_shares(session, account, order, quantity, amount + fee)
        else:
            fee = min(amount, fee + rules.stamp_duty(amount, self.config))
            cash_change = amount - fee
            self._remove_shares(session, account, order, quantity)
        account.cash_cents += cash_change
        order.filled_quantity += quantity
        order.filled_amount_cents = cumulative
        order.fee_cents += fee
        order.updated_at = now
        if order.remaining == 0:
            order.status = OrderStatus.FILLED.value
            self._release(session, account, order)
        else:
            order.status = OrderStatus.PARTIALLY_FILLED.value
        fill = TradingFill(order_id=order.id, account_id=account.id, security_code=order.security_code,
                           side=order.side, price_cents=price, quantity=quantity, amount_cents=amount,
                           fee_cents=fee, trade_date=order.trade_date, filled_at=now)
        session.add(fill)
        session.flush()
        ledger.post(session, f"fill:{fill.id}", [(ledger.broker_cash(account.id), cash_change),
                                                 (ledger.MARKET_SETTLEMENT, -cash_change)], now)
        return fill

    def _add_shares(self, session: Session, account: TradingAccount, order: TradingOrder, quantity: int,
                    cost: int) -> None:
        position = session.get(TradingPosition, (account.id, order.security_code))
        if position is None:
            position = TradingPosition(account_id=account.id, security_code=order.security_code, quantity=0,
                                       frozen_quantity=0, cost_cents=0, last_buy_quantity=0)
            session.add(position)
        position.quantity += quantity
        position.cost_cents += cost
        if position.last_buy_date == order.trade_date:
            position.last_buy_quantity += quantity
        else:
            position.last_buy_date, position.last_buy_quantity = order.trade_date, quantity

    def _remove_shares(self, session: Session, account: TradingAccount, order: TradingOrder,
                       quantity: int) -> None:
        position = session.get(TradingPosition, (account.id, order.security_code))
        assert position is not None, "a sell order holds shares"
        position.cost_cents -= position.cost_cents * quantity // position.quantity
        position.quantity -= quantity
        position.frozen_quantity -= quantity
        if position.quantity == 0:
            session.delete(position)

    # -- queries ----------------------------------------------------------------------------------------
    def positions(self, session: Session, account: TradingAccount, now: datetime) -> list[PositionView]:
        rows = session.scalars(select(TradingPosition).where(TradingPosition.account_id == account.id,
                                                             TradingPosition.quantity > 0)
                               .order_by(TradingPosition.security_code)).all()
        today = calendar.trade_date(now)
        return [self._view(row, today, now) for row in rows]

    def _view(self, row: TradingPosition, today: date, now: datetime) -> PositionView:
        quote = self.quote(row.security_code, now)
        value = quote.last_cents * row.quantity
        average = (Decimal(row.cost_cents) / 100 / row.quantity).quantize(Decimal("0.001"), ROUND_HALF_UP)
        return PositionView(security_code=row.security_code, name_zh=quote.name_zh, name_en=quote.name_en,
                            quantity=row.quantity, sellable=row.sellable(today), average_cost=average,
                            last_cents=quote.last_cents, market_value_cents=value,
                            unrealised_pnl_cents=value - row.cost_cents)

    def funds(self, session: Session, account: TradingAccount) -> Funds:
        return Funds(available_cents=account.available_cents, frozen_cents=account.frozen_cents,
                     total_cents=account.cash_cents)



def _lock_open_order(session: Session, order_id: int) -> TradingOrder | None:
    """Lock the order's account, then the order (the order every writer takes); None if no longer open."""
    account_id = session.scalars(select(TradingOrder.account_id).where(TradingOrder.id == order_id)).one()
    _lock(session, account_id)
    order = session.scalars(select(TradingOrder).where(TradingOrder.id == order_id).with_for_update()
                            .execution_options(populate_existing=True)).one()
    return order if order.is_open else None
