"""Every order, cancel and transfer carries the call it came from, however it was finished: placed at once,
repeated with its request id, or finished by the recovered call after the service was killed mid-way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.banking import BANK_TO_BROKER, transfer
from crm_core.models import AuditEntry, BankTransfer, OrderCancel, OrderStatus, TradingOrder
from crm_core.trading import cancel_order, funds, place_order
from tests.unit.trading.conftest import ACCOUNT, BANK_PASSWORD, CASH, NOW, Desk

CALL = "call-7"


class Killed(Exception):
    """The service died before its transaction committed (what SIGKILL does to a transaction)."""


def buy(desk: Desk, session: Session, request_id: str, call_id: str | None = CALL) -> Any:
    return place_order(session, ACCOUNT, "buy", "600036", "38.62", 100, request_id=request_id, now=NOW,
                       call_id=call_id, broker=desk.broker)


def cancel(desk: Desk, session: Session, request_id: str, call_id: str | None = CALL) -> Any:
    order_id = session.scalars(select(TradingOrder.id).where(TradingOrder.request_id == "open")).one()
    return cancel_order(session, ACCOUNT, order_id, request_id=request_id, now=NOW, call_id=call_id,
                        broker=desk.broker)


def deposit(desk: Desk, session: Session, request_id: str, call_id: str | None = CALL) -> Any:
    return transfer(session, ACCOUNT, BANK_TO_BROKER, 1_000_000, BANK_PASSWORD, request_id=request_id, now=NOW,
                    call_id=call_id)


Action = Callable[..., Any]
ACTIONS: dict[str, tuple[Action, type[Any]]] = {
    "order": (buy, TradingOrder), "cancel": (cancel, OrderCancel), "transfer": (deposit, BankTransfer)}


@pytest.fixture
def open_order(desk: Desk) -> Desk:
    """The desk with one open buy (request id "open") that a cancel can take back."""
    with desk.db.session() as session:
        assert buy(desk, session, "open", call_id="call-0").accepted
    return desk


def row_of(session: Session, model: type[Any], request_id: str) -> Any:
    return session.scalars(select(model).where(model.request_id == request_id)).one_or_none()


@pytest.mark.parametrize("action", ACTIONS)
def test_work_cut_short_by_a_kill_leaves_no_row_and_the_retry_does_it_all(open_order: Desk, action: str) -> None:
    """The row claiming the request id is committed with the work or not at all: a half-made row (no call,
    nothing frozen or moved) would be taken by the recovered call's retry for the finished work."""
    desk, (act, model) = open_order, ACTIONS[action]
    with desk.db.session() as before:
        funds_before = funds(before, ACCOUNT)
    with pytest.raises(Killed), desk.db.session() as session:
        act(desk, session, f"{CALL}:1")
        with desk.db.session() as onlooker:  # another connection sees nothing of an uncommitted claim
            assert row_of(onlooker, model, f"{CALL}:1") is None
        raise Killed
    with desk.db.session() as session:
        assert row_of(session, model, f"{CALL}:1") is None, "nothing of the killed transaction was kept"
        assert funds(session, ACCOUNT) == funds_before
        retried = act(desk, session, f"{CALL}:1")
        assert not retried.repeated
    with desk.db.session() as session:
        row = row_of(session, model, f"{CALL}:1")
        assert row.call_id == CALL
        audited = [e for e in session.scalars(select(AuditEntry)) if e.detail.get("request_id") == f"{CALL}:1"]
        assert [(e.action, e.call_id) for e in audited] == [(_audit_action(action), CALL)]
        assert funds(session, ACCOUNT) != funds_before, "the retry froze, released or moved the money"


def _audit_action(action: str) -> str:
    return {"order": "order.place", "cancel": "order.cancel", "transfer": "transfer"}[action]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("repeat_call", [None, "call-other"])
def test_a_repeat_never_unlinks_or_relinks_the_call(open_order: Desk, action: str, repeat_call: str | None) -> None:
    desk, (act, model) = open_order, ACTIONS[action]
    with desk.db.session() as session:
        act(desk, session, f"{CALL}:2")
    with desk.db.session() as session:
        again = act(desk, session, f"{CALL}:2", repeat_call)
        assert again.repeated
    with desk.db.session() as session:
        assert row_of(session, model, f"{CALL}:2").call_id == CALL


@pytest.mark.parametrize("action", ACTIONS)
def test_a_repeat_from_a_call_links_a_row_made_without_one(open_order: Desk, action: str) -> None:
    desk, (act, model) = open_order, ACTIONS[action]
    with desk.db.session() as session:
        act(desk, session, "no-call:1", None)
    with desk.db.session() as session:
        assert row_of(session, model, "no-call:1").call_id is None
        assert act(desk, session, "no-call:1", CALL).repeated
    with desk.db.session() as session:
        assert row_of(session, model, "no-call:1").call_id == CALL


def test_an_order_repeat_is_audited_on_the_call_of_the_order(desk: Desk) -> None:
    with desk.db.session() as session:
        first = buy(desk, session, f"{CALL}:3")
    with desk.db.session() as session:
        assert buy(desk, session, f"{CALL}:3", call_id=None).order_id == first.order_id
    with desk.db.session() as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.subject == f"order:{first.order_id}")
                                  .order_by(AuditEntry.id)).all()
        assert [(e.action, e.call_id) for e in audited] == [("order.place", CALL), ("order.repeat", CALL)]
        order = session.get(TradingOrder, first.order_id)
        assert order is not None and order.status == OrderStatus.ACCEPTED.value
        assert funds(session, ACCOUNT).frozen_cents == order.frozen_cents > 0
        assert funds(session, ACCOUNT).total_cents == CASH
