"""The broker adapter interface (the counter system) and what it hands back.

The domain services in `orders.py` (exactly once, suitability, audit) speak only to `Broker`; the built-in
implementation is `builtin.BuiltinBroker`. See README.md for what a real counter-system adapter implements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session

from crm_core.models import TradingAccount, TradingFill, TradingOrder
from crm_core.trading.market import Quote
from crm_core.trading.securities import Security


@dataclass(frozen=True)
class PositionView:
    security_code: str
    name_zh: str
    name_en: str
    quantity: int
    sellable: int
    average_cost: Decimal  # yuan per share, fees included, 3 decimals
    last_cents: int
    market_value_cents: int
    unrealised_pnl_cents: int


@dataclass(frozen=True)
class Funds:
    available_cents: int
    frozen_cents: int
    total_cents: int  # cash, frozen included


class Broker(Protocol):
    def security(self, code: str) -> Security:
        """The security, or OrderRejected(UNKNOWN_SECURITY)."""
        ...

    def quote(self, code: str, now: datetime) -> Quote:
        """Last, previous close, limits, best bid/ask; OrderRejected(UNKNOWN_SECURITY) for a bad code."""
        ...

    def check(self, session: Session, account: TradingAccount, order: TradingOrder, now: datetime) -> None:
        """Every exchange/counter rule, without side effects; raises OrderRejected with the reason.
        Sets `order.trade_date` (today, or the next session when queued)."""
        ...

    def hold(self, order: TradingOrder) -> int:
        """Cents a buy order freezes when accepted (amount plus the most fees it can cost)."""
        ...

    def submit(self, session: Session, account: TradingAccount, order: TradingOrder, now: datetime) -> None:
        """check(), then hold the funds (buy) or shares (sell); the order becomes `accepted`."""
        ...

    def cancel(self, session: Session, account: TradingAccount, order: TradingOrder, now: datetime) -> None:
        """Cancel the unfilled remainder of an open order and release what it holds."""
        ...

    def match(self, session: Session, now: datetime) -> list[TradingFill]:
        """Execute what is marketable now (possibly partly), expire what outlived its session."""
        ...

    def positions(self, session: Session, account: TradingAccount, now: datetime) -> list[PositionView]: ...

    def funds(self, session: Session, account: TradingAccount) -> Funds: ...
