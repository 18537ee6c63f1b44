"""A-share order rules as pure functions: price tick and limits, board lots, fees."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from crm_core.trading.config import TradingConfig
from crm_core.trading.errors import OrderRejected, RejectReason
from crm_core.trading.securities import Security

BOARD_LOT = 100
BUY, SELL = "buy", "sell"


def price_cents(price: Decimal | str | int) -> int:
    """Yuan (Decimal, or text such as '12.34') to integer cents; refuses non-positive and sub-tick prices."""
    try:
        value = Decimal(str(price))
    except InvalidOperation:
        raise OrderRejected(RejectReason.BAD_PRICE, f"not a price: {price!r}") from None
    if not value.is_finite() or value <= 0:
        raise OrderRejected(RejectReason.BAD_PRICE)
    cents = value * 100
    if cents != cents.to_integral_value():
        raise OrderRejected(RejectReason.PRICE_TICK, f"the price {value} is not a multiple of 0.01 yuan")
    return int(cents)


def check_side(side: str) -> str:
    if side not in (BUY, SELL):
        raise OrderRejected(RejectReason.BAD_SIDE)
    return side


def check_price(security: Security, cents: int) -> None:
    if not security.limit_down_cents <= cents <= security.limit_up_cents:
        raise OrderRejected(RejectReason.PRICE_LIMIT, (
            f"the price {cents / 100:.2f} is beyond today's limits "
            f"{security.limit_down_cents / 100:.2f} to {security.limit_up_cents / 100:.2f}"))


def check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise OrderRejected(RejectReason.BAD_QUANTITY)


def check_buy_quantity(quantity: int) -> None:
    check_quantity(quantity)
    if quantity % BOARD_LOT:
        raise OrderRejected(RejectReason.BOARD_LOT, f"{quantity} is not a whole number of lots of 100 shares")


def check_sell_quantity(quantity: int, *, held: int, sellable: int) -> None:
    """Sells: within what is sellable today (T+1); odd lots only by selling the whole odd remainder."""
    check_quantity(quantity)
    if quantity > held:
        raise OrderRejected(RejectReason.INSUFFICIENT_SHARES, f"you hold {held} shares, fewer than {quantity}")
    if quantity > sellable:
        raise OrderRejected(RejectReason.T_PLUS_ONE, (
            f"only {sellable} shares are sellable today; shares bought today can be sold from the next trading day"))
    if quantity % BOARD_LOT and quantity != sellable:
        raise OrderRejected(RejectReason.BOARD_LOT, "odd lots can only be sold all at once")


def commission(amount_cents: int, config: TradingConfig) -> int:
    if amount_cents <= 0:
        return 0
    return max(config.min_commission_cents, math.ceil(amount_cents * config.commission_rate))


def stamp_duty(amount_cents: int, config: TradingConfig) -> int:
    return math.ceil(amount_cents * config.stamp_duty_rate)


def buy_hold(price: int, quantity: int, config: TradingConfig) -> int:
    """What a buy freezes: price x quantity plus the commission on it (fills at a lower price cost less)."""
    return price * quantity + commission(price * quantity, config)
