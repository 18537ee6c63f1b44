"""Report days and intervals are wall-clock ones in the reports' zone (`[reports] time_zone`, Asia/Shanghai by
default): a Shanghai day runs from 16:00 UTC the day before; calls either side of Shanghai's midnight land in
their own day, hour and month; a rebuild of Shanghai days replaces exactly those days; the board's "today"
starts at Shanghai's midnight. The zone's offsets are found for any zone, daylight saving included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_core.call_figures import Step, Timeline
from crm_core.db import Database
from crm_core.models.report_interval import report_intervals
from crm_core.report_intervals import rebuild
from reports import contact_centre
from reports.contact_centre import Options
from reports.live import today_stats
from reports.periods import BadRequest, bucket, label, offsets, period, today
from reports.raw import queues_raw, same_figures
from tests.unit.reports.timelines import aggregate_rows, ensure_agents, write_call

SHANGHAI = "Asia/Shanghai"
MIDNIGHT = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 1 December 00:00 in Shanghai


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_a_shanghai_day_runs_from_16_00_utc_the_day_before() -> None:
    assert period("2026-12-01", "2026-12-01", SHANGHAI) == (MIDNIGHT, MIDNIGHT + timedelta(days=1))
    assert period("2026-12-01", "2026-12-31", SHANGHAI) == (MIDNIGHT, datetime(2026, 12, 31, 16, tzinfo=UTC))
    assert period("2026-12-01", "2026-12-01") == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC))
    with pytest.raises(BadRequest, match="unknown time zone 'Nowhere/Town'"):
        period("2026-12-01", "2026-12-01", "Nowhere/Town")


def test_buckets_either_side_of_shanghai_midnight() -> None:
    before, after = MIDNIGHT - timedelta(minutes=1), MIDNIGHT + timedelta(minutes=1)
    assert [label(bucket(before, i, SHANGHAI), i) for i in ("15m", "hour", "day", "month")] == [
        "2026-11-30 23:45", "2026-11-30 23:00", "2026-11-30", "2026-11"]
    assert [label(bucket(after, i, SHANGHAI), i) for i in ("15m", "hour", "day", "month")] == [
        "2026-12-01 00:00", "2026-12-01 00:00", "2026-12-01", "2026-12"]
    assert label(bucket(after, "day"), "day") == "2026-11-30"  # the same moment, by UTC


def test_today_starts_at_the_zones_midnight() -> None:
    assert today(MIDNIGHT + timedelta(hours=3), SHANGHAI) == MIDNIGHT
    assert today(MIDNIGHT - timedelta(seconds=1), SHANGHAI) == MIDNIGHT - timedelta(days=1)


def test_offsets_over_a_period_name_each_change_of_a_zone_with_daylight_saving() -> None:
    assert offsets(utc(1, 0), utc(30, 0), SHANGHAI) == [(None, 8 * 3600)]
    # New York leaves daylight saving on 1 November 2026 at 06:00 UTC (02:00 EDT becomes 01:00 EST).
    assert offsets(datetime(2026, 10, 30, tzinfo=UTC), utc(3, 0), "America/New_York") == [
        (utc(1, 6), -4 * 3600), (None, -5 * 3600)]


def answered(entered: datetime, skill: str = "trading") -> Timeline:
    queued = entered + timedelta(seconds=5)
    return Timeline(entered_at=entered, ended_at=queued + timedelta(seconds=60), status="completed", skill=skill,
                    queued_at=queued, steps=[Step(queued + timedelta(seconds=4), "answered", {"agent_id": 1})])


def test_calls_around_shanghai_midnight_land_in_their_own_day_hour_and_month(database: Database) -> None:
    with database.session() as session:
        ensure_agents(session, 1)
        for entered in (MIDNIGHT - timedelta(minutes=10), MIDNIGHT - timedelta(minutes=1),
                        MIDNIGHT + timedelta(minutes=1)):
            write_call(session, answered(entered))
    whole = (MIDNIGHT - timedelta(days=2), MIDNIGHT + timedelta(days=2))
    with database.session() as session:
        by = {interval: [row[:3] for row in
                         contact_centre.queues(session, *whole, Options(interval, zone=SHANGHAI)).rows]
              for interval in ("15m", "hour", "day", "month")}
        assert by["day"] == [["2026-11-30", "trading", 2], ["2026-12-01", "trading", 1]]
        assert by["month"] == [["2026-11", "trading", 2], ["2026-12", "trading", 1]]
        assert by["hour"] == [["2026-11-30 23:00", "trading", 2], ["2026-12-01 00:00", "trading", 1]]
        assert by["15m"] == [["2026-11-30 23:45", "trading", 2], ["2026-12-01 00:00", "trading", 1]]
        assert [row[:3] for row in contact_centre.queues(session, *whole, Options("day")).rows] == [
            ["2026-11-30", "trading", 3]]  # by UTC days all three are 30 November's
        december_1 = period("2026-12-01", "2026-12-01", SHANGHAI)
        assert [row[:3] for row in contact_centre.queues(session, *december_1, Options("day", zone=SHANGHAI)).rows] \
            == [["2026-12-01", "trading", 1]]
        for interval in ("15m", "hour", "day", "month"):
            options = Options(interval, zone=SHANGHAI)
            assert same_figures(contact_centre.queues(session, *whole, options)).rows == \
                queues_raw(session, *whole, options).rows


def test_a_rebuild_of_shanghai_days_replaces_those_days_only(database: Database) -> None:
    with database.session() as session:
        ensure_agents(session, 1)
        for entered in (MIDNIGHT - timedelta(minutes=1), MIDNIGHT + timedelta(minutes=1)):
            write_call(session, answered(entered))
        before = aggregate_rows(session)
        session.execute(report_intervals.delete())
    with database.session() as session:
        assert rebuild(session, *period("2026-12-01", "2026-12-01", SHANGHAI)) == 1  # only the call after midnight
        assert [row[0] for row in aggregate_rows(session)] == [MIDNIGHT] * 3  # its ivr, skill, agent rows
        assert rebuild(session, *period("2026-11-30", "2026-12-01", SHANGHAI)) == 2
        assert aggregate_rows(session) == before


def test_the_boards_today_counts_from_shanghai_midnight(database: Database) -> None:
    with database.session() as session:
        ensure_agents(session, 1)
        write_call(session, answered(MIDNIGHT - timedelta(minutes=1)))
        write_call(session, answered(MIDNIGHT + timedelta(minutes=1)))
    now = MIDNIGHT + timedelta(hours=1)
    with database.session() as session:
        assert today_stats(session, SHANGHAI, now)["calls_today"] == 1
        assert today_stats(session, "UTC", now)["calls_today"] == 2
