"""crm_core.callbacks on both databases: a callback taken in the queue keeps the caller's place, one open callback
per number (the database itself refuses a second), requests are idempotent, scheduled callbacks open their call
record when due, a restart finds what was pending, and a callback that fails leaves a reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm_core import audit, callbacks, calls
from crm_core.callbacks import CallbackRefused
from crm_core.db import Database
from crm_core.models import Call, Callback, Reminder
from crm_core.models.base import utcnow
from tests.support.hotline import AgentSpec, add_agents, add_investor

ENTERED = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def queued_call(database: Database, number: str = "13800000002") -> str:
    with database.session() as session:
        call = calls.open_call(session, channel_id="ch-1", caller_number=number, dialed_number="95500")
        calls.mark_queued(session, call.id, category="trading", language="zh", priority=10)
        return call.id


def take(database: Database, call_id: str, number: str = "13800000002") -> int | None:
    with database.session() as session:
        row = callbacks.take_in_queue(session, call_id, number=number, skill="trading", language="zh", priority=10,
                                      entered_at=ENTERED)
        return row.id if row else None


def test_a_callback_taken_in_the_queue_keeps_the_callers_place_once(database: Database) -> None:
    first, second = queued_call(database), queued_call(database)
    taken = take(database, first)
    assert taken is not None and take(database, first) == taken  # a second press: the same callback
    assert take(database, second) is None  # one open callback per number
    with database.session() as session:
        row = session.get(Callback, taken)
        assert row is not None and row.entered_at == ENTERED and row.priority == 10 and row.status == "pending"
        assert row.call_id == first and row.origin == "queue"
        assert [e.kind for e in calls.events_of(session, first)][-1] == "callback_requested"
        callbacks.connected(session, first)
    assert take(database, second) is not None  # the first one is done: the number may be called back again


def test_the_database_refuses_two_open_callbacks_for_one_number(database: Database) -> None:
    with pytest.raises(IntegrityError), database.session() as session:
        for key in ("a", "b"):
            session.add(Callback(number="13800000002", open_number="13800000002", skill="trading", language="zh",
                                 priority=0, origin="queue", entered_at=ENTERED, due_at=ENTERED, status="pending",
                                 attempts=0, note="", idempotency=key))
        session.flush()


def test_a_scheduled_callback_opens_its_call_when_due_for_the_agent_who_scheduled_it(database: Database) -> None:
    investor = add_investor(database, "100000002", "Li Wei", "13800000002", vip=True)
    agent = add_agents(database, [AgentSpec("2001", {"trading": 9})])["2001"]
    at = utcnow() + timedelta(minutes=5)
    with database.session() as session:
        row = callbacks.schedule(session, agent_id=agent, investor_id=investor, at=at, skill="trading", note="x",
                                 key="desk:1")
        assert callbacks.schedule(session, agent_id=agent, investor_id=investor, at=at, skill="trading", note="x",
                                  key="desk:1").id == row.id  # a double click
        with pytest.raises(CallbackRefused) as refused:
            callbacks.schedule(session, agent_id=agent, investor_id=investor, at=at, skill="trading", note="",
                               key="desk:2")
        assert refused.value.code == "already_pending"
        assert callbacks.open_due(session, at - timedelta(seconds=1)) == []
        [due] = callbacks.open_due(session, at)
        assert (due.number, due.agent_id, due.priority, due.entered_at) == ("13800000002", agent, 10, at.timestamp())
        call = session.get(Call, due.call_id)
        assert call is not None and call.direction == "outbound" and call.status == "queued"
        assert call.investor_id == investor and call.queued_at == at
        assert callbacks.open_due(session, at + timedelta(hours=1)) == []  # opened once


def test_a_desk_callback_for_an_investor_without_a_phone_is_refused(database: Database) -> None:
    with database.session() as session, pytest.raises(CallbackRefused) as refused:
        callbacks.schedule(session, agent_id=None, investor_id=424242, at=utcnow(), skill="general", note="",
                           key="desk:3")
    assert refused.value.code == "no_number"


def test_a_restart_finds_pending_callbacks_and_a_lost_attempt_is_not_counted(database: Database) -> None:
    call_id = queued_call(database)
    take(database, call_id)
    with database.session() as session:
        callbacks.claim_attempt(session, call_id)
        [pending] = callbacks.open_pending(session)
        assert (pending.call_id, pending.attempts, pending.entered_at) == (call_id, 0, ENTERED.timestamp())
        assert callbacks.of_call(session, call_id).status == "pending"  # type: ignore[union-attr]


def test_retries_then_a_reminder_for_the_agent(database: Database) -> None:
    investor = add_investor(database, "100000002", "Li Wei", "13800000002")
    agent = add_agents(database, [AgentSpec("2001", {"trading": 9})])["2001"]
    call_id = queued_call(database)
    with database.session() as session:
        calls.get_call(session, call_id).investor_id = investor
    take(database, call_id)
    later = utcnow().timestamp() + 300
    with database.session() as session:
        callbacks.retry_later(session, call_id, attempts=1, due_at=later)
        row = callbacks.of_call(session, call_id)
        assert row is not None and row.status == "pending" and row.attempts == 1
        assert abs(row.due_at.timestamp() - later) < 0.01
        callbacks.give_up(session, call_id, attempts=3, agent_id=agent)
        assert row.status == "failed" and row.open_number is None
        reminder = session.scalars(select(Reminder)).one()
        assert reminder.agent_id == agent and reminder.investor_id == investor and "3 attempts" in reminder.text
        assert row.reminder_id == reminder.id


def test_a_client_may_cancel_until_the_callback_is_being_made() -> None:
    for by in ("investor:1", "agent:1001"):
        for status in ("scheduled", "pending", "cancelled"):  # waiting for its time, in the ACD's queue; again
            assert callbacks.cancel_refusal(status, by) is None
        for status in ("done", "failed"):
            over = callbacks.cancel_refusal(status, by)
            assert over is not None and over.code == "finished" and status in str(over)
    # being made: refused, in words for whoever asked (the client on the portal, an agent at the desk)
    ringing = callbacks.cancel_refusal("dialling", "investor:1")
    assert ringing is not None and ringing.code == "in_progress" and "calling you now" in str(ringing)
    at_the_desk = callbacks.cancel_refusal("dialling", "agent:1001")
    assert at_the_desk is not None and at_the_desk.code == "in_progress"
    assert "the client is being called back now" in str(at_the_desk) and "you" not in str(at_the_desk).split()


def portal_callback(database: Database, investor: int) -> tuple[int, str]:
    """A client's "call me now", taken into the ACD's queue (open_due)."""
    with database.session() as session:
        row = callbacks.request_for_client(session, investor, at=None, topic="trading", now=utcnow(), key="web:1")
        [due] = callbacks.open_due(session, utcnow() + timedelta(seconds=1))
        return row.id, due.call_id


def test_a_queued_callback_cancelled_by_its_client_is_never_made(database: Database) -> None:
    investor = add_investor(database, "100000002", "Li Wei", "13800000002")
    callback_id, call_id = portal_callback(database, investor)
    cancelled_at = utcnow()
    with database.session() as session:
        with pytest.raises(LookupError):
            callbacks.cancel(session, investor + 1, callback_id, cancelled_at, by="investor:x")  # not theirs
        row = callbacks.cancel(session, investor, callback_id, cancelled_at, by=f"investor:{investor}")
        assert (row.status, row.open_number, row.cancelled_by) == ("cancelled", None, f"investor:{investor}")
        assert row.cancelled_at == cancelled_at
    with database.session() as session:
        again = callbacks.cancel(session, investor, callback_id, utcnow(), by=f"investor:{investor}")
        assert again.cancelled_at == cancelled_at
        assert callbacks.cancelled_among(session, [call_id, "another"]) == [call_id]  # the ACD's check
        assert callbacks.claim_attempt(session, call_id) is False  # the check before ringing
        call = calls.get_call(session, call_id)
        assert (call.status, call.hangup_by) == ("abandoned", "customer")
        assert callbacks.of_call(session, call_id).status == "cancelled"  # type: ignore[union-attr]
        assert "callback_cancelled" in [e.kind for e in calls.events_of(session, call_id)]
        entries = audit.entries(session, action_prefix="callback.cancel")
        assert [(e.actor, e.outcome) for e in entries] == [(f"investor:{investor}", "cancelled")]  # once
        assert callbacks.open_for(session, "13800000002") is None  # the number may ask again


def test_an_agent_cancels_a_clients_callbacks_for_them_and_their_reminder_is_done(database: Database) -> None:
    """The client called in before their callbacks were made: the agent cancels the one scheduled at the desk
    (its "Call back" reminder is done) and the one in the queue (its call record ends, hung up by the agent's
    side); the rows and the audit name the agent."""
    investor = add_investor(database, "100000002", "Li Wei", "13800000002")
    agent = add_agents(database, [AgentSpec("1001", {"trading": 5})])["1001"]
    due = utcnow() + timedelta(days=1)
    with database.session() as session:
        reminder = Reminder(investor_id=investor, agent_id=agent, text="Call back", due_at=due)
        session.add(reminder)
        session.flush()
        scheduled = callbacks.schedule(session, agent_id=agent, investor_id=investor, at=due, skill="trading",
                                       note="margin", key="desk:1", reminder_id=reminder.id).id
        assert [r.id for r in callbacks.open_of_investor(session, investor)] == [scheduled]
    with database.session() as session:
        callbacks.cancel(session, investor, scheduled, utcnow(), by="agent:1001")
        assert callbacks.open_of_investor(session, investor) == []
        done = session.get(Reminder, reminder.id)
        assert done is not None and done.done_at is not None
    queued_id, call_id = portal_callback(database, investor)  # the number is free again: it may be asked once more
    with database.session() as session:
        with pytest.raises(LookupError):
            callbacks.cancel(session, investor + 1, queued_id, utcnow(), by="agent:1001")
        row = callbacks.cancel(session, investor, queued_id, utcnow(), by="agent:1001")
        assert (row.status, row.cancelled_by) == ("cancelled", "agent:1001")
        call = calls.get_call(session, call_id)
        assert (call.status, call.hangup_by) == ("abandoned", "agent")
        entries = audit.entries(session, action_prefix="callback.cancel")
        assert [(e.actor, e.channel, e.subject) for e in entries] == [("agent:1001", "web", str(investor))] * 2


def test_once_the_agent_is_rung_the_client_can_no_longer_cancel(database: Database) -> None:
    investor = add_investor(database, "100000002", "Li Wei", "13800000002")
    callback_id, call_id = portal_callback(database, investor)
    with database.session() as session:
        assert callbacks.claim_attempt(session, call_id) is True
    with database.session() as session, pytest.raises(CallbackRefused) as refused:
        callbacks.cancel(session, investor, callback_id, utcnow(), by=f"investor:{investor}")
    assert refused.value.code == "in_progress"
    with database.session() as session:
        row = session.get(Callback, callback_id)
        assert row is not None and row.status == "dialling" and row.cancelled_at is None
        assert callbacks.cancelled_among(session, [call_id]) == []
