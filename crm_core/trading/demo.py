"""Demo seeding: a trading account with cash, positions (bought before today, so sellable) and a linked
bank account at the built-in bank; opening balances are posted to the ledger like any other movement."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from crm_core.banking import ledger
from crm_core.models import BankAccount, Investor, TradingAccount, TradingPosition
from crm_core.passwords import hash_password
from crm_core.trading.securities import ensure_products, load_securities


def seed_demo_trading(session: Session, investor_id: int, *, cash_cents: int, password: str, bank_password: str,
                      positions: Mapping[str, int] | None = None, bank_balance_cents: int = 1_000_000_00,
                      account_number: str | None = None, now: datetime | None = None) -> TradingAccount:
    """positions: {security code: quantity}, at cost = previous close. Returns the new account."""
    now = now or datetime.now(UTC)
    investor = session.get(Investor, investor_id)
    if investor is None:
        raise LookupError(f"no investor {investor_id}")
    ensure_products(session)
    account = TradingAccount(investor_id=investor_id, account_number=account_number or investor.account_number,
                             cash_cents=cash_cents, frozen_cents=0, password_hash=hash_password(password),
                             failed_logins=0, created_at=now)
    session.add(account)
    session.flush()
    bank = BankAccount(trading_account_id=account.id, account_number=f"6222{account.id:012d}",
                       password_hash=hash_password(bank_password), balance_cents=bank_balance_cents, created_at=now)
    session.add(bank)
    session.flush()
    ledger.post(session, f"opening:{account.id}", [(ledger.broker_cash(account.id), cash_cents),
                                                   (ledger.bank_deposit(bank.id), bank_balance_cents),
                                                   (ledger.OPENING_EQUITY, -cash_cents - bank_balance_cents)], now)
    securities = load_securities()
    for code, quantity in (positions or {}).items():
        cost = securities[code].previous_close_cents * quantity
        session.add(TradingPosition(account_id=account.id, security_code=code, quantity=quantity,
                                    frozen_quantity=0, cost_cents=cost, last_buy_date=None, last_buy_quantity=0))
    session.flush()
    return account
