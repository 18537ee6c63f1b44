"""A trading call recovered after the service was killed between the caller's confirmation and the answer.

The new service rebuilds the call from the channel Asterisk kept (its channel variables), finds the
confirmation that was not reported and finishes it with the same request id (the desk's finishers do the
executor work below, then speak). What it finishes carries the call, and so the call's recording and audit
rows (`crm_core.recordings.evidence_of_order`), whether the kill came before or after the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any

import pytest
from sqlalchemy import select

from ari_apps.ivr.app import IvrApp
from ari_apps.ivr.deps import IvrDeps
from ari_apps.ivr.flow import IvrCall, IvrState
from ari_apps.ivr.settings import IvrSettings
from ari_apps.ivr.trading import bank, cancel, once, orders
from ari_apps.ivr.trading.desk import TradingDesk
from ari_apps.ivr.trading.services import TradingServices
from ari_apps.prompts import Prompts
from crm_core import calls, recordings
from crm_core.banking import BANK_TO_BROKER, BankConfig, LedgerBank
from crm_core.db import AsyncDatabase
from crm_core.models import BankTransfer, OrderCancel
from crm_core.trading import AuthConfig, funds
from dialplan import variables as v
from tests.unit.trading.conftest import ACCOUNT, BANK_PASSWORD, NOW, Desk

ORDER = {"side": "buy", "code": "600036", "price": "38.62", "quantity": 100, "disclosure_id": None}


class Killed(Exception):
    """The service died before its transaction committed (what SIGKILL does to a transaction)."""


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=1)
    yield pool
    pool.shutdown()


@pytest.fixture
def call_id(desk: Desk) -> str:
    """A recorded trading call (the recording started at login, before the confirmation)."""
    with desk.db.session() as session:
        call = calls.open_call(session, channel_id="trunk-1", caller_number="13800000001", dialed_number="95500")
        recordings.add(session, call.id, f"trading-{call.id}", format="wav", purpose="trading", at=NOW)
        return call.id


def trading_desk(desk: Desk, executor: ThreadPoolExecutor, call_id: str) -> TradingDesk:
    """The desk of the call as a service builds it from the channel Asterisk holds (ivr/app.py's recover)."""
    services = TradingServices(broker=desk.broker, bank=LedgerBank(), auth=AuthConfig(), bank_limits=BankConfig(),
                               named_securities=frozenset(), record_calls=False, clock=lambda: NOW)
    deps = IvrDeps(AsyncDatabase(desk.db, executor), Prompts("hotline"), IvrSettings(), "acd", services)
    channel = {"id": "trunk-1", "caller": {"number": "13800000001"},
               "channelvars": {v.CALL_ID: call_id, v.LANGUAGE: "zh", v.TRADING_ACCOUNT: ACCOUNT}}
    call = IvrCall(IvrApp("ivr", deps), channel, deps)
    assert call.state is IvrState.TRADING and call.call_id == call_id, "the call resumes at the trading desk"
    resumed = TradingDesk(call, services)
    resumed.account = call.resumed_account
    return resumed


def confirmed(desk: Desk, call_id: str, action: str, params: dict[str, Any]) -> str:
    """The confirmation written down before the work (once.carry_out's first half)."""
    with desk.db.session() as session:
        return once._confirm(session, call_id, action, params)


def pending(desk: Desk, resumed: TradingDesk) -> dict[str, Any]:
    with desk.db.session() as session:
        detail = once.pending(session, resumed.call.call_id)
    assert detail is not None, "the recovered call finds the confirmation it has to finish"
    return detail


@pytest.mark.parametrize("killed", ["before the commit", "after the commit"])
def test_an_order_finished_by_the_recovered_call_has_its_call_recording_and_audit(
        desk: Desk, executor: ThreadPoolExecutor, call_id: str, killed: str) -> None:
    request_id = confirmed(desk, call_id, "order", ORDER)
    first = trading_desk(desk, executor, call_id)
    with suppress(Killed), desk.db.session() as session:  # either way the answer was never spoken
        orders._place(session, first, ORDER, request_id)
        if killed == "before the commit":
            raise Killed

    resumed = trading_desk(desk, executor, call_id)
    detail = pending(desk, resumed)
    with desk.db.session() as session:
        result = orders._place(session, resumed, detail, detail["request_id"])  # orders.finish
    assert result.accepted and result.request_id == f"{call_id}:1"
    assert result.repeated is (killed == "after the commit")
    with desk.db.session() as session:
        evidence = recordings.evidence_of_order(session, result.order_id)
        assert (evidence.call_id, evidence.recordings) == (call_id, [f"trading-{call_id}"])
        expected = [("order.place", call_id)] + ([("order.repeat", call_id)] if result.repeated else [])
        assert [(e.action, e.call_id) for e in evidence.audit] == expected
        assert funds(session, ACCOUNT, broker=desk.broker).frozen_cents > 0, "the order was submitted, not half made"


def test_a_cancel_finished_by_the_recovered_call_has_its_call(
        desk: Desk, executor: ThreadPoolExecutor, call_id: str) -> None:
    first = trading_desk(desk, executor, call_id)
    with desk.db.session() as session:
        placed = orders._place(session, first, ORDER, confirmed(desk, call_id, "order", ORDER))
    request_id = confirmed(desk, call_id, "cancel", {"order_id": placed.order_id})
    with pytest.raises(Killed), desk.db.session() as session:
        cancel._cancel(session, first, placed.order_id, request_id)
        raise Killed

    resumed = trading_desk(desk, executor, call_id)
    detail = pending(desk, resumed)
    with desk.db.session() as session:
        result = cancel._cancel(session, resumed, int(detail["order_id"]), detail["request_id"])  # cancel.finish
    assert result.cancelled and not result.repeated
    with desk.db.session() as session:
        row = session.scalars(select(OrderCancel).where(OrderCancel.request_id == request_id)).one()
        assert row.call_id == call_id
        assert funds(session, ACCOUNT, broker=desk.broker).frozen_cents == 0


def test_a_transfer_cut_short_is_reported_not_done_and_moved_nothing(
        desk: Desk, executor: ThreadPoolExecutor, call_id: str) -> None:
    """The bank password is not kept, so the recovered call can only report: a half-made transfer row
    (status pending, nothing moved) would be read back as a refusal without a reason."""
    params = {"direction": BANK_TO_BROKER, "amount_cents": 1_000_000}
    request_id = confirmed(desk, call_id, "transfer", params)
    first = trading_desk(desk, executor, call_id)
    with desk.db.session() as session:
        before = funds(session, ACCOUNT, broker=desk.broker)
    with pytest.raises(Killed), desk.db.session() as session:
        bank._transfer_once(session, first, params, BANK_PASSWORD, request_id)
        raise Killed

    detail = pending(desk, trading_desk(desk, executor, call_id))
    with desk.db.session() as session:
        assert bank._status(session, detail["request_id"]) is None  # bank.finish: "not done"
        assert session.scalars(select(BankTransfer)).all() == []
        assert funds(session, ACCOUNT, broker=desk.broker) == before
