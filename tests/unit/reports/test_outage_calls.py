"""Calls Asterisk answered while the service was down: its cel_custom CSV parsed (other events skipped, bad
lines named and skipped), imported once however often it is read (or by two services), and counted by the
queue report as offered to the `outage` queue and not answered, so the service level falls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from crm_core import calls
from crm_core.db import Database
from crm_core.models import Call, CallDetailRecord, CallStatus
from crm_core.outage_calls import (
    KNOWN_BATCH,
    OUTAGE_SKILL,
    OutageRecord,
    call_id_of,
    import_file,
    import_records,
    parse,
)
from crm_core.report_intervals import rebuild
from reports import contact_centre
from reports.contact_centre import Options
from reports.periods import period
from reports.raw import queues_raw, same_figures
from tests.unit.reports.timelines import aggregate_rows, ensure_agents, write_call

AT = datetime(2026, 12, 1, 2, 30, 15, 250000, tzinfo=UTC)  # 10:30 in Shanghai
LINES = [
    # as Asterisk 23 writes it (the event's name as its type; a Local channel's ids), then as older ones do
    '"HOTLINE_OUTAGE","HOTLINE_OUTAGE","1796092215.250000","1764556214.17","1764556214.16","13800000002","95500"',
    '"CHAN_START","","1764556214.000000","1764556214.18","1764556214.18","13800000003","95500"',  # not ours
    '"USER_DEFINED","HOTLINE_OUTAGE","yesterday","1764556214.19","1764556214.19","13800000004","95500"',
    '"USER_DEFINED","HOTLINE_OUTAGE","1764556216"',
    '',
    '"USER_DEFINED","HOTLINE_OUTAGE","1796092300.000000","1764556299.21","1764556299.20","","95500"',
]


def test_the_records_of_the_file_and_the_lines_that_mean_nothing() -> None:
    parsed = parse("\n".join(LINES) + "\n")
    assert parsed.records == [
        OutageRecord("1764556214.17", "1764556214.16", AT, "13800000002", "95500"),
        OutageRecord("1764556299.21", "1764556299.20", datetime(2026, 12, 1, 2, 31, 40, tzinfo=UTC), "", "95500")]
    assert parsed.problems == ["line 3: event time 'yesterday' is not seconds since 1970",
                               "line 4: 3 columns, not 7"]  # the file's line numbers


def test_a_file_read_twice_adds_each_call_once(database: Database, tmp_path: Path) -> None:
    records = tmp_path / "hotline-outage.csv"
    with database.session() as session:
        assert import_file(session, records) == 0  # no outage yet: no file
    records.write_text("\n".join(LINES) + "\n")
    with database.session() as session:
        assert import_file(session, records) == 2
    with database.session() as session:
        assert import_file(session, records) == 0
        call = calls.get_call(session, call_id_of("1764556214.17"))
        assert (call.status, call.category, call.caller_number, call.entered_at, call.queued_at, call.ended_at,
                call.answered_at, call.hangup_by) == (CallStatus.LOST_IN_OUTAGE.value, OUTAGE_SKILL, "13800000002",
                                                      AT, AT, AT, None, "system")
        assert [(e.kind, e.at) for e in calls.events_of(session, call.id)] == [("entered", AT), ("hangup", AT)]
        assert session.scalar(select(func.count()).select_from(CallDetailRecord)) == 2
        assert calls.open_calls(session) == []


def test_a_line_written_twice_and_many_calls_at_once(database: Database) -> None:
    [record] = parse(LINES[0]).records
    many = [OutageRecord(f"1796092215.{n}", f"1796092215.{n}", AT, "13800000002", "95500")
            for n in range(KNOWN_BATCH + 1)]
    with database.session() as session:
        assert import_records(session, [record, record]) == 1
        assert import_records(session, [record, *many]) == KNOWN_BATCH + 1  # looked up in two batches
        assert import_records(session, many) == 0


def test_a_call_the_service_opened_but_never_served_is_closed_as_lost_not_added(database: Database) -> None:
    with database.session() as session:
        call = calls.open_call(session, channel_id="1764556214.17", caller_number="13800000002",
                               dialed_number="95500")
        call.entered_at, opened = AT - timedelta(seconds=1), call.id  # the lookup a second before the apology
        done = calls.open_call(session, channel_id="1764556299.21", caller_number="", dialed_number="95500").id
        calls.finish(session, done, status=CallStatus.COMPLETED, hangup_by="caller")
    with database.session() as session:
        assert import_records(session, parse("\n".join(LINES)).records) == 1
    with database.session() as session:
        assert import_records(session, parse("\n".join(LINES)).records) == 0
        assert session.scalar(select(func.count()).select_from(Call)) == 2
        call = calls.get_call(session, opened)
        assert (call.status, call.category, call.queued_at, call.ended_at) == (
            CallStatus.LOST_IN_OUTAGE.value, OUTAGE_SKILL, AT, AT)
        assert calls.get_call(session, done).status == CallStatus.COMPLETED.value  # an ended call is left alone


def test_the_queue_report_counts_them_offered_and_not_answered(database: Database) -> None:
    day = period("2026-12-01", "2026-12-01", "Asia/Shanghai")
    with database.session() as session:
        ensure_agents(session, 1)
        import_records(session, parse("\n".join(LINES)).records)
    with database.session() as session:
        options = Options("day", zone="Asia/Shanghai")
        report = contact_centre.queues(session, *day, options)
        assert [row[:9] for row in report.rows] == [["2026-12-01", OUTAGE_SKILL, 2, 0, 0, 0, 0, 0, 0.0]]
        assert same_figures(report).rows == queues_raw(session, *day, options).rows
        ivr = contact_centre.ivr(session, *day, options).rows
        assert ivr == [["2026-12-01", 2, 0, 0.0, 0]]  # entered, not contained by the IVR
        before = aggregate_rows(session)
        assert rebuild(session, *day) == 2
        assert aggregate_rows(session) == before


def test_they_pull_the_days_service_level_down(database: Database) -> None:
    from crm_core.call_figures import Step, Timeline
    from reports.day import totals

    day = period("2026-12-01", "2026-12-01", "Asia/Shanghai")
    with database.session() as session:
        ensure_agents(session, 1)
        queued = AT + timedelta(seconds=5)
        write_call(session, Timeline(entered_at=AT, ended_at=queued + timedelta(seconds=60), status="completed",
                                     skill="trading", queued_at=queued,
                                     steps=[Step(queued + timedelta(seconds=3), "answered", {"agent_id": 1})]))
    with database.session() as session:
        assert totals(session, *day, Options("hour", zone="Asia/Shanghai"))["service_level"] == 100.0
        import_records(session, parse(LINES[0]).records)
    with database.session() as session:
        assert totals(session, *day, Options("hour", zone="Asia/Shanghai"))["service_level"] == 50.0
