"""crm_core.calls.open_arrivals writes the same rows on both backends (three statements on SQLite, one on
PostgreSQL), the same rows as open_call + identify, and all or none."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from crm_core import calls
from crm_core.calls import Entering
from crm_core.db import Database
from crm_core.models import Call, CallEvent, CallStatus
from tests.unit.agi.test_fastagi import add_investor


def test_a_batch_writes_each_call_and_its_first_two_events(database: Database) -> None:
    vip = add_investor(database, "13800000001", "100000001", vip=True)
    add_investor(database, "13800000002", "100000002", vip=False)
    add_investor(database, "13800000002", "100000003", vip=False)  # a shared family number names no one
    entering = [Entering("1700.1", "+8613800000001", "95500"), Entering("1700.2", "13999999999", "95500"),
                Entering("1700.3", "13800000002", "95501"), Entering("1700.4", "", "95500"),
                Entering("1700.5", "13800000001", "95500")]
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql.split()[0]))
    with database.session() as session:
        arrivals = calls.open_arrivals(session, entering)
    # one INSERT per table, known and unknown callers mixed (the ORM's bulk insert made one per run of either)
    assert statements == (["WITH"] if database.engine.dialect.name == "postgresql" else ["SELECT", "INSERT", "INSERT"])
    assert [(a.channel_id, a.caller_number, a.dialed_number) for a in arrivals] == [
        (e.channel_id, e.caller_number, e.dialed_number) for e in entering]
    assert [a.investor.id if a.investor else None for a in arrivals] == [vip, None, None, None, vip]
    assert arrivals[0].investor is not None and arrivals[0].investor.risk_class  # a whole investor, loaded
    assert len({a.call_id for a in arrivals}) == len(entering)
    with database.session() as session:
        for arrival in arrivals:
            call = calls.get_call(session, arrival.call_id)
            known = arrival.investor is not None
            assert (call.channel_id, call.caller_number, call.dialed_number, call.status, call.direction) == (
                arrival.channel_id, arrival.caller_number, arrival.dialed_number, CallStatus.IVR.value, "inbound")
            assert (call.investor_id, call.identified_by, call.vip, call.priority) == (
                vip if known else None, "number" if known else None, known, 0)
            assert call.entered_at == arrival.at
            events = calls.events_of(session, arrival.call_id)
            assert [(e.kind, e.detail, e.at) for e in events] == [
                ("entered", {"caller": arrival.caller_number, "dialed": arrival.dialed_number}, arrival.at),
                ("identified", {"by": "number", "investor_id": vip, "name": "Wang Fang", "vip": True}, arrival.at)
                if known else
                ("not_identified", {"by": "number", "tried": arrival.caller_number}, arrival.at)]


def test_a_batch_that_fails_leaves_nothing_behind(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """All or none on both backends; on PostgreSQL the one statement runs without a transaction around it, atomic
    by itself. (Two calls given the same id stand for any failure: the second row breaks the primary key.)"""
    add_investor(database, "13800000001", "100000001", vip=False)
    monkeypatch.setattr(calls, "new_id", lambda: "0" * 32)
    entering = [Entering("1700.1", "13800000001", "95500"), Entering("1700.2", "13900000002", "95500")]
    with pytest.raises(IntegrityError), database.session() as session:
        calls.open_arrivals(session, entering)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 0
        assert session.scalar(select(func.count()).select_from(CallEvent)) == 0


def test_values_are_cut_to_their_columns() -> None:
    long = calls.Entering("1" * 150, "+" + "8" * 60, "9" * 50)
    assert calls.fitted(long) == calls.Entering("1" * 100, "+" + "8" * 39, "9" * 40)
    usual = calls.Entering("1700000000.1", "+8613800000001", "95500")
    assert calls.fitted(usual) == usual


def test_a_garbage_caller_id_does_not_lose_the_calls_beside_it(database: Database) -> None:
    """PostgreSQL refuses a value longer than its column; the batch is written all or none: the garbage is cut
    (it names no investor either way) and every call of the batch is recorded."""
    known = add_investor(database, "13800000001", "100000001", vip=False)
    entering = [Entering("1700.1", "13800000001", "95500"), Entering("1700.2", "1" * 60, "95500")]
    with database.session() as session:
        arrivals = calls.open_arrivals(session, entering)
    assert [a.investor.id if a.investor else None for a in arrivals] == [known, None]
    with database.session() as session:
        assert calls.get_call(session, arrivals[1].call_id).caller_number == "1" * 40


def test_the_connection_goes_back_to_the_pool_with_its_transactions(database: Database) -> None:
    """The batch's connection ran without a transaction; the next session on it (the pool's only one here) has
    its transaction again: its work is rolled back on an error, not kept statement by statement."""
    with database.session() as session:
        [arrival] = calls.open_arrivals(session, [Entering("1700.1", "13800000001", "95500")])
    with pytest.raises(RuntimeError), database.session() as session:
        calls.record_event(session, arrival.call_id, "transferred")
        session.flush()
        raise RuntimeError("the work fails after its first statement")
    with database.session() as session:
        assert [e.kind for e in calls.events_of(session, arrival.call_id)] == ["entered", "not_identified"]
