"""A fund account's past orders and fills between two trading days (both included), newest first."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import TradingFill, TradingOrder
from crm_core.trading.accounts import get_account
from crm_core.trading.results import FillView, OrderView

MAX_ROWS = 500


def orders_between(session: Session, account_number: str, first: date, last: date,
                   limit: int = MAX_ROWS) -> list[OrderView]:
    account = get_account(session, account_number)
    rows = session.scalars(select(TradingOrder).where(TradingOrder.account_id == account.id,
                                                      TradingOrder.trade_date.between(first, last))
                           .order_by(TradingOrder.id.desc()).limit(limit))
    return [OrderView.of(row) for row in rows]


def fills_between(session: Session, account_number: str, first: date, last: date,
                  limit: int = MAX_ROWS) -> list[FillView]:
    account = get_account(session, account_number)
    rows = session.scalars(select(TradingFill).where(TradingFill.account_id == account.id,
                                                     TradingFill.trade_date.between(first, last))
                           .order_by(TradingFill.id.desc()).limit(limit))
    return [FillView.of(row) for row in rows]
