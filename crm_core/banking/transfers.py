"""Bank <-> brokerage transfers for the IVR, exactly once per request id.

    transfer(session, account_number, direction, amount_cents, bank_password, request_id=, now=) -> TransferResult
    transfer_status(session, request_id) -> TransferResult | None

A refused transfer is persisted (`status='rejected'`, `code`) and returned, so a retried request id gets
the same answer and its audit row survives; nothing moves twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core import audit, once
from crm_core.banking.config import BankConfig
from crm_core.banking.errors import TransferReason, TransferRejected
from crm_core.banking.gateway import BANK_TO_BROKER, BROKER_TO_BANK, BankGateway, LedgerBank
from crm_core.models import BankTransfer, TradingAccount
from crm_core.trading import calendar
from crm_core.trading.accounts import get_account, lock_account


@dataclass(frozen=True)
class TransferResult:
    transfer_id: int
    request_id: str
    direction: str
    amount_cents: int
    status: str  # completed | rejected
    code: TransferReason | None
    message: str
    repeated: bool

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    def raise_if_rejected(self) -> TransferResult:
        if self.code is not None:
            raise TransferRejected(self.code, self.message)
        return self

    @classmethod
    def of(cls, row: BankTransfer, *, repeated: bool) -> TransferResult:
        return cls(transfer_id=row.id, request_id=row.request_id, direction=row.direction,
                   amount_cents=row.amount_cents, status=row.status,
                   code=TransferReason(row.reject_code) if row.reject_code else None,
                   message=row.reason or row.status, repeated=repeated)


def transfer(session: Session, account_number: str, direction: str, amount_cents: int, bank_password: str, *,
             request_id: str, now: datetime, channel: str = "phone", call_id: str | None = None,
             gateway: BankGateway | None = None, config: BankConfig | None = None) -> TransferResult:
    account = get_account(session, account_number)
    existing = once.find(session, BankTransfer, request_id, account.id)
    if existing is not None:
        return _repeated(existing, call_id)
    gateway = gateway if gateway is not None else LedgerBank()
    config = config or BankConfig()
    amount = amount_cents if isinstance(amount_cents, int) and not isinstance(amount_cents, bool) else 0
    row = BankTransfer(request_id=request_id, account_id=account.id, direction=str(direction)[:20],
                       amount_cents=amount, status="pending", channel=channel, call_id=call_id, created_at=now)
    if not once.claim(session, row):
        winner = once.find(session, BankTransfer, request_id, account.id)
        assert winner is not None
        return _repeated(winner, call_id)
    account = lock_account(session, account.id)
    try:
        _check(session, account, row, config, now)
        gateway.execute(session, account, row, bank_password, now)
        account.cash_cents += amount if row.direction == BANK_TO_BROKER else -amount
        row.status, row.completed_at = "completed", now
    except TransferRejected as error:
        row.status, row.reject_code, row.reason = "rejected", error.code.value, error.message
    session.flush()
    outcome = row.status if row.reject_code is None else f"rejected:{row.reject_code}"
    entry = audit.record(session, actor=f"account:{account_number}", action="transfer", outcome=outcome,
                         channel=channel, subject=f"transfer:{row.id}", call_id=call_id, request_id=request_id,
                         direction=row.direction, amount_cents=amount)
    entry.at = now
    return TransferResult.of(row, repeated=False)


def _repeated(row: BankTransfer, call_id: str | None) -> TransferResult:
    once.keep_call(row, call_id)
    return TransferResult.of(row, repeated=True)


def _check(session: Session, account: TradingAccount, row: BankTransfer, config: BankConfig,
           now: datetime) -> None:
    if row.direction not in (BANK_TO_BROKER, BROKER_TO_BANK):
        raise TransferRejected(TransferReason.BAD_DIRECTION)
    if row.amount_cents <= 0:
        raise TransferRejected(TransferReason.BAD_AMOUNT)
    if row.amount_cents > config.single_limit_cents:
        raise TransferRejected(TransferReason.SINGLE_LIMIT)
    limit = config.daily_in_limit_cents if row.direction == BANK_TO_BROKER else config.daily_out_limit_cents
    used = transferred_today(session, account.id, row.direction, now)
    if used + row.amount_cents > limit:
        raise TransferRejected(TransferReason.DAILY_LIMIT, (
            f"today's limit is {limit / 100:.2f} yuan and {used / 100:.2f} have already been transferred"))
    if row.direction == BROKER_TO_BANK and row.amount_cents > account.available_cents:
        raise TransferRejected(TransferReason.INSUFFICIENT_FUNDS, (
            f"{account.available_cents / 100:.2f} yuan are available"))


def transferred_today(session: Session, account_id: int, direction: str, now: datetime) -> int:
    """Completed transfers of this direction on the local (Shanghai) calendar day of `now`."""
    start, end = calendar.day_bounds(now)
    total = session.scalar(select(func.coalesce(func.sum(BankTransfer.amount_cents), 0)).where(
        BankTransfer.account_id == account_id, BankTransfer.direction == direction,
        BankTransfer.status == "completed", BankTransfer.created_at >= start, BankTransfer.created_at < end))
    return int(total or 0)


def transfer_status(session: Session, request_id: str) -> TransferResult | None:
    row = once.find(session, BankTransfer, request_id)
    return None if row is None else TransferResult.of(row, repeated=True)


def recent_transfers(session: Session, account_number: str, limit: int = 10) -> list[TransferResult]:
    account = get_account(session, account_number)
    rows = session.scalars(select(BankTransfer).where(BankTransfer.account_id == account.id)
                           .order_by(BankTransfer.id.desc()).limit(limit))
    return [TransferResult.of(row, repeated=True) for row in rows]


def bank_balance(session: Session, account_number: str, bank_password: str, *,
                 gateway: BankGateway | None = None) -> int:
    """Raises TransferRejected(WRONG_BANK_PASSWORD / NO_BANK_ACCOUNT)."""
    gateway = gateway if gateway is not None else LedgerBank()
    return gateway.balance(session, get_account(session, account_number), bank_password)
