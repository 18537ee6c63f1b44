"""The aggregates on both backends: written as calls end (through calls.finish), they give the same queue
figures as a plain GROUP BY over the raw rows, for any generated set of timelines and every interval; a
rebuild from the raw records gives back the same rows; a call finished twice counts once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from crm_core import calls
from crm_core.call_figures import Step, Timeline
from crm_core.db import Database
from crm_core.models import Call, CallStatus, Complaint, Investor
from crm_core.models.report_interval import report_intervals
from crm_core.report_intervals import rebuild
from reports import contact_centre
from reports.complaints import complaints
from reports.contact_centre import Options
from reports.raw import queues_raw, same_figures
from tests.unit.reports.timelines import aggregate_rows, ensure_agents, write_call

DAY = datetime(2026, 11, 30, tzinfo=UTC)
WHOLE = (DAY - timedelta(days=31), DAY + timedelta(days=40))
ZONES = ("UTC", "Asia/Shanghai", "America/New_York")  # New York leaves daylight saving on 1 November 2026


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    """Calls over two days around midnight and a month's end: IVR-only, abandoned, answered (waits landing
    on the thresholds exactly or a millisecond past them), held, transferred blind or attended."""
    entered = DAY + timedelta(minutes=draw(st.integers(-60, 36 * 60)), milliseconds=draw(st.integers(0, 59_999)))
    if draw(st.integers(0, 5)) == 0:
        return Timeline(entered_at=entered, ended_at=entered + timedelta(seconds=draw(st.integers(1, 300))),
                        status=draw(st.sampled_from(["completed", "abandoned", "failed"])))
    queued = entered + timedelta(seconds=draw(st.integers(1, 60)))
    wait = timedelta(milliseconds=draw(st.one_of(st.sampled_from([5000, 5001, 20000, 20001, 180000]),
                                                 st.integers(0, 250_000))))
    skill = draw(st.sampled_from(["trading", "funds", "operator"]))
    outcome = draw(st.sampled_from(["answered", "answered", "abandoned", "failed"]))
    if outcome != "answered":
        return Timeline(entered_at=entered, ended_at=queued + wait, status=outcome, skill=skill, queued_at=queued)
    answered = queued + wait
    agent = draw(st.integers(1, 4))
    steps = [Step(answered, "offered", {"agent_id": agent, "reason": draw(st.sampled_from(["skill", "overflow"]))}),
             Step(answered, "answered", {"agent_id": agent})]
    now = answered
    for kind in draw(st.lists(st.sampled_from(["hold", "unhold", "blind", "attended"]), max_size=4)):
        now += timedelta(seconds=draw(st.integers(1, 120)))
        target = draw(st.integers(1, 4))
        if kind in ("hold", "unhold"):
            steps.append(Step(now, kind, {"agent_id": agent}))
        elif kind == "attended":
            steps.append(Step(now, "transferred", {"from_agent_id": agent, "to_agent_id": target, "attended": True}))
        else:
            steps.append(Step(now, "transferred", {"from_agent_id": agent, "to_agent_id": target}))
            now += timedelta(seconds=draw(st.integers(1, 30)))
            steps.append(Step(now, "answered", {"agent_id": target}))
        agent = target
    return Timeline(entered_at=entered, ended_at=now + timedelta(seconds=draw(st.integers(1, 600))),
                    status="completed", skill=skill, queued_at=queued, steps=steps)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(timelines(), min_size=1, max_size=25))
def test_aggregates_agree_with_a_group_by_over_the_raw_rows(database: Database, generated: list[Timeline]) -> None:
    with database.session() as session:
        session.execute(delete(report_intervals))
        session.execute(delete(Call))
        ensure_agents(session, 4)
        for timeline in generated:
            write_call(session, timeline)
    with database.session() as session:
        for zone in ZONES:
            for interval in ("15m", "hour", "day", "month"):
                options = Options(interval, service_level_seconds=20, short_abandon_seconds=5, zone=zone)
                aggregate = same_figures(contact_centre.queues(session, *WHOLE, options))
                assert aggregate.rows == queues_raw(session, *WHOLE, options).rows, (zone, interval)
        queued = sum(1 for t in generated if t.queued_at is not None)
        assert sum(int(row[2] or 0) for row in aggregate.rows) == queued
        incremental = aggregate_rows(session)
        assert rebuild(session, *WHOLE) == len(generated)
        assert aggregate_rows(session) == incremental


def test_a_call_finished_twice_counts_once_and_a_rebuild_of_one_day_leaves_the_others(database: Database) -> None:
    first, second = DAY + timedelta(hours=9), DAY + timedelta(days=1, hours=9)
    with database.session() as session:
        ensure_agents(session, 1)
        for entered in (first, second):
            call_id = write_call(session, Timeline(
                entered_at=entered, ended_at=entered + timedelta(seconds=100), status="completed", skill="funds",
                queued_at=entered + timedelta(seconds=10), steps=[
                    Step(entered + timedelta(seconds=25), "answered", {"agent_id": 1})]))
        calls.finish(session, call_id, status=CallStatus.ABANDONED, hangup_by="caller")
    day = Options("day")
    with database.session() as session:
        assert [row[2:4] for row in contact_centre.queues(session, *WHOLE, day).rows] == [[1, 1], [1, 1]]
        session.execute(delete(report_intervals).where(report_intervals.c.interval_start >= second))
    with database.session() as session:
        assert rebuild(session, DAY + timedelta(days=1), DAY + timedelta(days=2)) == 1
    with database.session() as session:
        report = contact_centre.queues(session, *WHOLE, day)
        assert [row[:4] for row in report.rows] == [["2026-11-30", "funds", 1, 1], ["2026-12-01", "funds", 1, 1]]
        assert report.rows[0][9:14] == [15.0, 75.0, 75.0, 0.0, 15.0]  # asa, aht, talk, hold, longest wait
        agents = contact_centre.agents(session, *WHOLE, Options("month"))
        assert agents.rows == [
            ["2026-11", "8001", "Agent 1", 1, 75.0, 0.0, 75.0, 0, 0.0, 0.0, 0.0, 0.0, None, 0, None],
            ["2026-12", "8001", "Agent 1", 1, 75.0, 0.0, 75.0, 0, 0.0, 0.0, 0.0, 0.0, None, 0, None]]


def test_service_level_leaves_short_abandons_out(database: Database) -> None:
    """3 offered: answered at 20.000 s, answered at 25 s, abandoned at 3 s: SL(20 s) = 1 / (3 - 1) = 50 %."""
    entered = DAY + timedelta(hours=23, minutes=59, seconds=50)  # the calls run past midnight
    with database.session() as session:
        ensure_agents(session, 2)
        for wait, agent in ((20, 1), (25, 2)):
            queued = entered + timedelta(seconds=5)
            write_call(session, Timeline(entered_at=entered, ended_at=queued + timedelta(seconds=wait + 60),
                                         status="completed", skill="trading", queued_at=queued,
                                         steps=[Step(queued + timedelta(seconds=wait), "answered",
                                                     {"agent_id": agent})]))
        write_call(session, Timeline(entered_at=entered, ended_at=entered + timedelta(seconds=8), status="abandoned",
                                     skill="trading", queued_at=entered + timedelta(seconds=5)))
    with database.session() as session:
        hour = contact_centre.queues(session, *WHOLE, Options("hour")).rows
        assert hour == [["2026-11-30 23:00", "trading", 3, 2, 1, 1, 0, 0, 50.0, 22.5, 60.0, 60.0, 0.0, 25.0,
                         0, 0, 0, 0, 0, 0, 0]]  # no callbacks
        at_30 = contact_centre.queues(session, *WHOLE, Options("hour", service_level_seconds=30)).rows
        assert at_30[0][8] == 100.0
        assert queues_raw(session, *WHOLE, Options("hour")).rows == same_figures(
            contact_centre.queues(session, *WHOLE, Options("hour"))).rows
        assert contact_centre.queues(session, DAY + timedelta(days=1), DAY + timedelta(days=2), Options()).rows == []


def test_ivr_trading_and_complaints_reports(database: Database) -> None:
    with database.session() as session:
        for n, actions in enumerate((["order", "order"], ["cancel"], [])):
            entered = DAY + timedelta(hours=10, minutes=n)
            write_call(session, Timeline(entered_at=entered, ended_at=entered + timedelta(seconds=90),
                                         status="completed", steps=[
                                             Step(entered + timedelta(seconds=10 + i), "trade_confirmed",
                                                  {"action": action}) for i, action in enumerate(actions)]))
        write_call(session, Timeline(entered_at=DAY + timedelta(hours=10, minutes=30),
                                     ended_at=DAY + timedelta(hours=10, minutes=31), status="abandoned",
                                     skill="funds", queued_at=DAY + timedelta(hours=10, minutes=30, seconds=20)))
        investor = Investor(account_number="100000001", name="Li Na", language="zh", risk_class="C3")
        session.add(investor)
        session.flush()
        session.add_all([Complaint(investor_id=investor.id, category="fees", summary="x", opened_at=DAY, status=s)
                         for s in ("open", "closed", "handled")])
    with database.session() as session:
        ivr = contact_centre.ivr(session, *WHOLE, Options("hour")).rows
        assert ivr == [["2026-11-30 10:00", 4, 3, 75.0, 3]]
        assert contact_centre.trading(session, *WHOLE, Options("day")).rows == [
            ["2026-11-30", "cancel", 1], ["2026-11-30", "order", 2]]
        # Made without their times (closed_at, deadlines): opened, and nothing else can be said of them.
        assert complaints(session, *WHOLE, Options("month")).rows == [
            ["2026-11", "fees", 3, 0, 0, 0, 0, 0, 0, 0, None, None]]
