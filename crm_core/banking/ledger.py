"""Double-entry ledger: a journal is a list of signed legs (debit positive, credit negative) summing to zero.

Ledger accounts used:
    broker_cash:<trading account id>   the client's cash at the brokerage (= trading_accounts.cash_cents)
    bank_deposit:<bank account id>     the client's deposit at the built-in bank (= bank_accounts.balance_cents)
    market_settlement                  the exchange side of fills
    opening_equity                     where opening balances come from (demo seeding, migrations of data)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import LedgerEntry

MARKET_SETTLEMENT = "market_settlement"
OPENING_EQUITY = "opening_equity"


class UnbalancedJournal(ValueError):
    pass


def broker_cash(trading_account_id: int) -> str:
    return f"broker_cash:{trading_account_id}"


def bank_deposit(bank_account_id: int) -> str:
    return f"bank_deposit:{bank_account_id}"


def post(session: Session, journal: str, legs: Sequence[tuple[str, int]], at: datetime) -> list[LedgerEntry]:
    """Write one balanced journal; refuses an unbalanced or empty one."""
    if not legs or sum(amount for _, amount in legs) != 0:
        raise UnbalancedJournal(f"journal {journal} does not balance: {legs}")
    entries = [LedgerEntry(journal=journal, ledger_account=account, amount_cents=amount, posted_at=at)
               for account, amount in legs if amount]
    session.add_all(entries)
    return entries


def balance(session: Session, ledger_account: str) -> int:
    session.flush()
    total = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                           .where(LedgerEntry.ledger_account == ledger_account))
    return int(total or 0)


def unbalanced_journals(session: Session) -> list[str]:
    """Journals whose legs do not sum to zero (always empty unless someone wrote entries by hand)."""
    session.flush()
    rows = session.execute(select(LedgerEntry.journal).group_by(LedgerEntry.journal)
                           .having(func.sum(LedgerEntry.amount_cents) != 0))
    return [row[0] for row in rows]
