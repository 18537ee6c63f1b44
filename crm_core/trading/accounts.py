"""Finding and locking trading accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import TradingAccount
from crm_core.trading.errors import UnknownAccount


def find_account(session: Session, account_number: str) -> TradingAccount | None:
    return session.scalars(select(TradingAccount).where(TradingAccount.account_number == account_number)
                           ).one_or_none()


def get_account(session: Session, account_number: str) -> TradingAccount:
    account = find_account(session, account_number)
    if account is None:
        raise UnknownAccount(account_number)
    return account


def lock_account(session: Session, account_id: int) -> TradingAccount:
    """The account row, locked until commit (PostgreSQL), re-read so concurrent changes are seen."""
    return session.scalars(select(TradingAccount).where(TradingAccount.id == account_id).with_for_update()
                           .execution_options(populate_existing=True)).one()
