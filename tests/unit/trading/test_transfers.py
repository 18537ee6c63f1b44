"""Bank <-> brokerage transfers: double entry, limits, bank password, exactly once, status."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm_core.banking import (
    BANK_TO_BROKER,
    BROKER_TO_BANK,
    BankConfig,
    TransferReason,
    TransferRejected,
    bank_balance,
    ledger,
    transfer,
    transfer_status,
)
from crm_core.models import AuditEntry, BankTransfer, LedgerEntry, TradingAccount
from crm_core.once import RequestIdTaken
from crm_core.trading import funds, place_order
from tests.unit.trading.conftest import (
    ACCOUNT,
    BANK,
    BANK_PASSWORD,
    CASH,
    NOW,
    OTHER_ACCOUNT,
    Desk,
    add_other_account,
)


def move(session, direction: str, cents: int, request_id: str, password: str = BANK_PASSWORD,  # type: ignore[no-untyped-def]
         **options):
    return transfer(session, ACCOUNT, direction, cents, password, request_id=request_id, now=NOW, call_id="c7",
                    **options)


def test_in_and_out_post_balanced_journals(desk: Desk) -> None:
    with desk.db.session() as session:
        assert move(session, BANK_TO_BROKER, 2_000_000, "t1").completed
        assert move(session, BROKER_TO_BANK, 500_000, "t2").completed
    with desk.db.session() as session:
        account = session.scalars(select(TradingAccount)).one()
        assert account.cash_cents == CASH + 1_500_000
        assert bank_balance(session, ACCOUNT, BANK_PASSWORD) == BANK - 1_500_000
        assert ledger.balance(session, ledger.broker_cash(account.id)) == account.cash_cents
        assert ledger.unbalanced_journals(session) == []
        legs = session.execute(select(LedgerEntry.journal, func.count(), func.sum(LedgerEntry.amount_cents))
                               .where(LedgerEntry.journal.like("transfer:%")).group_by(LedgerEntry.journal)).all()
        assert sorted((count, total) for _, count, total in legs) == [(2, 0), (2, 0)]
        status = transfer_status(session, "t1")
        assert status is not None and status.completed and status.amount_cents == 2_000_000
        assert transfer_status(session, "nope") is None
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "transfer")).all()
        assert [a.outcome for a in audit] == ["completed", "completed"] and audit[0].call_id == "c7"


@pytest.mark.parametrize(("direction", "cents", "password", "reason"), [
    (BANK_TO_BROKER, 100, "975310", TransferReason.WRONG_BANK_PASSWORD),
    (BANK_TO_BROKER, BANK + 1, BANK_PASSWORD, TransferReason.INSUFFICIENT_BANK_BALANCE),
    (BROKER_TO_BANK, CASH + 1, BANK_PASSWORD, TransferReason.INSUFFICIENT_FUNDS),
    (BANK_TO_BROKER, 0, BANK_PASSWORD, TransferReason.BAD_AMOUNT),
    (BANK_TO_BROKER, 60_000_001, BANK_PASSWORD, TransferReason.DAILY_LIMIT),
    ("sideways", 100, BANK_PASSWORD, TransferReason.BAD_DIRECTION),
])
def test_refusals_move_nothing(desk: Desk, direction, cents, password, reason) -> None:  # type: ignore[no-untyped-def]
    config = BankConfig(daily_in_limit_cents=60_000_000, daily_out_limit_cents=200_000_000,
                        single_limit_cents=200_000_000)
    with desk.db.session() as session:
        result = move(session, direction, cents, "bad", password=password, config=config)
        assert result.status == "rejected" and result.code is reason
        with pytest.raises(TransferRejected):
            result.raise_if_rejected()
    with desk.db.session() as session:
        assert funds(session, ACCOUNT).total_cents == CASH
        assert session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.journal.like("transfer:%"))) == 0
        row = session.scalars(select(AuditEntry).where(AuditEntry.action == "transfer")).one()
        assert row.outcome == f"rejected:{reason.value}"
        assert "975310" not in repr(row.detail) and BANK_PASSWORD not in repr(row.detail)


def test_daily_limit_counts_the_day_and_frozen_cash_is_not_transferable(desk: Desk) -> None:
    config = BankConfig(daily_out_limit_cents=1_000_000)
    with desk.db.session() as session:
        assert move(session, BROKER_TO_BANK, 600_000, "d1", config=config).completed
        assert move(session, BROKER_TO_BANK, 500_000, "d2", config=config).code is TransferReason.DAILY_LIMIT
        assert move(session, BROKER_TO_BANK, 400_000, "d3", config=config).completed
        order = place_order(session, ACCOUNT, "buy", "600519", "1500.00", 600, request_id="o1", now=NOW)
        assert order.accepted
        available = funds(session, ACCOUNT).available_cents
        assert move(session, BROKER_TO_BANK, available + 1, "d4").code is TransferReason.INSUFFICIENT_FUNDS


def test_same_request_id_moves_money_once(desk: Desk) -> None:
    with desk.db.session() as session:
        first = move(session, BANK_TO_BROKER, 1_000_000, "same")
    with desk.db.session() as session:
        again = move(session, BANK_TO_BROKER, 1_000_000, "same")
        assert again.repeated and again.transfer_id == first.transfer_id
        assert session.scalar(select(func.count(BankTransfer.id))) == 1
        assert funds(session, ACCOUNT).total_cents == CASH + 1_000_000


def test_another_accounts_request_id_moves_nothing(desk: Desk) -> None:
    add_other_account(desk.db)
    with desk.db.session() as session:
        move(session, BANK_TO_BROKER, 1_000_000, "shared")
    with desk.db.session() as session:
        with pytest.raises(RequestIdTaken):
            transfer(session, OTHER_ACCOUNT, BANK_TO_BROKER, 1_000_000, BANK_PASSWORD, request_id="shared", now=NOW)
        assert funds(session, OTHER_ACCOUNT).total_cents == CASH
        assert session.scalar(select(func.count(BankTransfer.id))) == 1
