"""The dialer's decisions on a test clock: call windows in the client's zone, holidays, attempts and retry
delays per outcome, pacing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from crm_core.surveys.calendar import Calendar
from crm_core.surveys.dialing import DialPolicy, Outcome, Pacer, PolicyError, after_outcome, window_opens, within_window

POLICY = DialPolicy(max_attempts=3, retry_seconds={"busy": 300, "no_answer": 1200, "machine": 3600})
NATIONAL_DAY = date(2026, 10, 1)


def shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo("Asia/Shanghai")).astimezone(UTC)


@pytest.mark.parametrize(("hour", "minute", "inside"), [
    (8, 59, False), (9, 0, True), (13, 30, True), (20, 59, True), (21, 0, False), (23, 0, False)])
def test_the_default_window_is_9_to_21_shanghai_time(hour: int, minute: int, inside: bool) -> None:
    assert within_window(shanghai(date(2026, 12, 2), hour, minute), POLICY, set()) is inside


def test_a_client_in_another_zone_is_called_in_their_own_window() -> None:
    now = shanghai(date(2026, 12, 2), 10)  # 10:00 in Shanghai is 03:00 in Paris
    assert within_window(now, POLICY, set())
    assert not within_window(now, POLICY, set(), "Europe/Paris")
    assert window_opens(now, POLICY, set(), "Europe/Paris") == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def test_holidays_of_the_calendar_are_skipped() -> None:
    calendar = Calendar("CN", extra=[date(2026, 12, 3)])
    assert NATIONAL_DAY in calendar and date(2026, 12, 3) in calendar and date(2026, 12, 2) not in calendar
    assert not within_window(shanghai(NATIONAL_DAY, 10), POLICY, calendar)
    evening = shanghai(date(2026, 12, 2), 22)
    assert window_opens(evening, POLICY, calendar) == shanghai(date(2026, 12, 4), 9)


@pytest.mark.parametrize(("outcome", "delay"), [
    (Outcome.BUSY, 300), (Outcome.NO_ANSWER, 1200), (Outcome.MACHINE, 3600), (Outcome.FAILED, 1800)])
def test_a_failed_attempt_is_tried_again_after_its_outcomes_delay(outcome: Outcome, delay: int) -> None:
    now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    fate = after_outcome(outcome, 1, now, POLICY)
    assert fate.status == "pending" and fate.at == now + timedelta(seconds=delay)


def test_the_last_attempt_gives_up_and_a_reached_client_is_done() -> None:
    now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert after_outcome(Outcome.BUSY, 3, now, POLICY).status == "exhausted"
    for outcome in (Outcome.COMPLETED, Outcome.PARTIAL, Outcome.AGENT):
        assert after_outcome(outcome, 1, now, POLICY).status == "done"


def test_bad_policies_are_refused() -> None:
    with pytest.raises(PolicyError, match="window"):
        DialPolicy(window_from=time(21), window_until=time(9))
    with pytest.raises(PolicyError, match="max_attempts"):
        DialPolicy(max_attempts=0)
    with pytest.raises(PolicyError, match="unknown outcome"):
        DialPolicy(retry_seconds={"bored": 5})
    with pytest.raises(PolicyError, match="time zone"):
        DialPolicy(timezone="Mars/Olympus")


def test_the_pacer_never_starts_more_calls_in_a_second_than_its_rate() -> None:
    pacer = Pacer(per_second=4)
    starts = []
    clock = 100.0
    while len(starts) < 40:
        if pacer.take(clock):
            starts.append(clock)
        else:
            clock += min(pacer.wait(clock), 0.013)  # an uneven test clock
    for first in starts:
        assert sum(1 for s in starts if first <= s < first + 1.0) <= 4
    assert starts[-1] - starts[0] == pytest.approx(39 / 4, abs=0.02)
    with pytest.raises(PolicyError):
        Pacer(0)
