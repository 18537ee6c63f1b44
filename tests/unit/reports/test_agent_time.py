"""Agents' time per state: split between the intervals it spans, written when a state ends (crm_core.agents
.set_state, with the history row), rebuilt from the history for any period, and reported as login, ready,
not ready by reason, wrap-up and occupancy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from crm_core.agent_time import state_time
from crm_core.agents import set_state
from crm_core.db import Database
from crm_core.models import AgentState, AgentStateChange, report_agent_states
from crm_core.report_intervals import rebuild_agent_states
from reports import contact_centre
from reports.contact_centre import Options
from tests.unit.reports.timelines import ensure_agents

DAY = datetime(2026, 12, 1, tzinfo=UTC)


def hm(hour: int, minute: int) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


def state_rows(database: Database) -> list[tuple[object, ...]]:
    with database.session() as session:
        return [tuple(r) for r in session.execute(select(report_agent_states).order_by(
            *report_agent_states.c))]


def test_a_state_is_split_between_the_intervals_it_spans() -> None:
    assert state_time(1, "ready", None, hm(10, 10), hm(10, 50)) == {
        (hm(10, 0), 1, "ready", ""): 5 * 60_000, (hm(10, 15), 1, "ready", ""): 15 * 60_000,
        (hm(10, 30), 1, "ready", ""): 15 * 60_000, (hm(10, 45), 1, "ready", ""): 5 * 60_000}
    assert state_time(1, "not_ready", "lunch", hm(23, 50), hm(24, 5)) == {
        (hm(23, 45), 1, "not_ready", "lunch"): 10 * 60_000, (hm(24, 0), 1, "not_ready", "lunch"): 5 * 60_000}
    assert state_time(1, "logged_out", None, hm(10, 0), hm(12, 0)) == {}


def test_login_ready_not_ready_wrap_up_and_occupancy_from_the_history(database: Database) -> None:
    history = [(9, 50, "ready", ""), (10, 10, "not_ready", "lunch"), (10, 40, "ready", ""), (10, 50, "busy", ""),
               (11, 0, "wrap_up", ""), (11, 1, "ready", ""), (11, 30, "logged_out", "")]
    with database.session() as session:
        ensure_agents(session, 1)
        session.add_all([AgentStateChange(agent_id=1, state=state, reason=reason, at=hm(h, m))
                         for h, m, state, reason in history])
    with database.session() as session:
        assert rebuild_agent_states(session, DAY, DAY + timedelta(days=1)) == len(history)
    whole_day = state_rows(database)
    with database.session() as session:  # a rebuild from inside the lunch break finds the state it began in
        assert rebuild_agent_states(session, hm(10, 15), hm(11, 15)) == 6  # 10:10 to 11:30
    assert state_rows(database) == whole_day
    with database.session() as session, pytest.raises(ValueError, match="one interval's start to another's"):
        rebuild_agent_states(session, hm(10, 20), hm(11, 15))
    with database.session() as session:
        report = contact_centre.agents(session, DAY, DAY + timedelta(days=1), Options("hour"))
        assert [row[:2] + row[8:13] for row in report.rows] == [
            ["2026-12-01 09:00", "8001", 600.0, 600.0, 0.0, 0.0, 0.0],
            ["2026-12-01 10:00", "8001", 3600.0, 1200.0, 1800.0, 0.0, 33.3],
            ["2026-12-01 11:00", "8001", 1800.0, 1740.0, 0.0, 60.0, 3.3]]
        assert contact_centre.not_ready(session, DAY, DAY + timedelta(days=1), Options("day")).rows == [
            ["2026-12-01", "8001", "lunch", 1800.0]]


def test_set_state_adds_the_state_that_ends_as_a_rebuild_would(database: Database) -> None:
    with database.session() as session:
        ensure_agents(session, 2)
    for agent, state, reason in [(1, AgentState.READY, None), (2, AgentState.READY, None),
                                 (1, AgentState.NOT_READY, "training"), (1, AgentState.READY, None),
                                 (2, AgentState.LOGGED_OUT, None), (1, AgentState.LOGGED_OUT, None)]:
        with database.session() as session:
            set_state(session, agent, state, reason)
    incremental = state_rows(database)
    assert {row[2] for row in incremental} == {"ready", "not_ready"}
    assert {row[3] for row in incremental if row[2] == "not_ready"} == {"training"}
    with database.session() as session:
        first = session.scalar(select(AgentStateChange.at).order_by(AgentStateChange.at))
        assert first is not None
        start = first.replace(minute=0, second=0, microsecond=0)
        session.execute(delete(report_agent_states))
        assert rebuild_agent_states(session, start, start + timedelta(days=1)) == 6
    assert state_rows(database) == incremental
