"""Exactly once across processes: concurrent repeats of one request id on PostgreSQL give one order or
one transfer (the unique constraint decides; the loser returns the winner's result)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.banking import BANK_TO_BROKER, transfer
from crm_core.models import BankTransfer, LedgerEntry, TradingOrder
from crm_core.trading import funds, place_order
from tests.unit.trading.conftest import ACCOUNT, BANK_PASSWORD, CASH, NOW, Desk

THREADS = 4


def race(desk: Desk, work: Callable[[Session], Any]) -> list[Any]:
    if desk.db.url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers; the race is a PostgreSQL matter")
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with desk.db.session() as session:
                barrier.wait(timeout=30)
                results.append(work(session))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_concurrent_repeats_place_one_order(desk: Desk) -> None:
    results = race(desk, lambda session: place_order(session, ACCOUNT, "buy", "600036", "38.62", 100,
                                                     request_id="call-9/confirm", now=NOW, broker=desk.broker))
    assert len({r.order_id for r in results}) == 1
    assert sorted(r.repeated for r in results) == [False] + [True] * (THREADS - 1)
    with desk.db.session() as session:
        assert session.scalar(select(func.count(TradingOrder.id))) == 1
        assert funds(session, ACCOUNT).frozen_cents == results[0].frozen_cents > 0


def test_concurrent_repeats_move_money_once(desk: Desk) -> None:
    results = race(desk, lambda session: transfer(session, ACCOUNT, BANK_TO_BROKER, 1_000_000, BANK_PASSWORD,
                                                  request_id="call-9/transfer", now=NOW))
    assert len({r.transfer_id for r in results}) == 1 and all(r.completed for r in results)
    with desk.db.session() as session:
        assert session.scalar(select(func.count(BankTransfer.id))) == 1
        assert session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.journal.like("transfer:%"))) == 2
        assert funds(session, ACCOUNT).total_cents == CASH + 1_000_000
