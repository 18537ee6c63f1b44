"""The bank adapter interface (third-party depository gateway) and the built-in `LedgerBank`.

A gateway moves the bank side of a transfer and books the transfer's balanced journal; the brokerage side
(`trading_accounts.cash_cents`, available funds, daily limits, exactly once, audit) is `transfers.py`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.banking import ledger
from crm_core.banking.errors import TransferReason, TransferRejected
from crm_core.models import BankAccount, BankTransfer, TradingAccount
from crm_core.passwords import verify_password

BANK_TO_BROKER = "bank_to_broker"
BROKER_TO_BANK = "broker_to_bank"


class BankGateway(Protocol):
    def execute(self, session: Session, account: TradingAccount, transfer: BankTransfer, bank_password: str,
                now: datetime) -> None:
        """Check the bank password and move the money at the bank, or raise TransferRejected (nothing moved).
        Posts the transfer's journal `transfer:<id>` to the ledger."""
        ...

    def balance(self, session: Session, account: TradingAccount, bank_password: str) -> int:
        """The linked bank account's balance in cents; TransferRejected(WRONG_BANK_PASSWORD)."""
        ...


class LedgerBank:
    """The built-in bank: balances in bank_accounts, every movement a balanced journal in ledger_entries."""

    def _bank_account(self, session: Session, account: TradingAccount, bank_password: str) -> BankAccount:
        bank = session.scalars(select(BankAccount).where(BankAccount.trading_account_id == account.id)
                               .with_for_update().execution_options(populate_existing=True)).one_or_none()
        if bank is None:
            raise TransferRejected(TransferReason.NO_BANK_ACCOUNT)
        if not verify_password(bank.password_hash, bank_password):
            raise TransferRejected(TransferReason.WRONG_BANK_PASSWORD)
        return bank

    def execute(self, session: Session, account: TradingAccount, transfer: BankTransfer, bank_password: str,
                now: datetime) -> None:
        bank = self._bank_account(session, account, bank_password)
        amount = transfer.amount_cents
        if transfer.direction == BANK_TO_BROKER and bank.balance_cents < amount:
            raise TransferRejected(TransferReason.INSUFFICIENT_BANK_BALANCE)
        sign = 1 if transfer.direction == BANK_TO_BROKER else -1
        bank.balance_cents -= sign * amount
        ledger.post(session, f"transfer:{transfer.id}", [(ledger.broker_cash(account.id), sign * amount),
                                                         (ledger.bank_deposit(bank.id), -sign * amount)], now)

    def balance(self, session: Session, account: TradingAccount, bank_password: str) -> int:
        return self._bank_account(session, account, bank_password).balance_cents
