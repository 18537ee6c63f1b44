"""Deadlines in working days on China's calendar, and the escalation decision, pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crm_core.complaints.deadlines import Deadline, add_working_days, deadlines, parse_policy
from crm_core.complaints.escalation import HEAD_OF_SERVICE, SUPERVISOR, Escalate, Standing, decide, overdue
from crm_core.surveys.calendar import Calendar

CHINA = Calendar("CN")
POLICY = parse_policy("default=1/15, trading=1/10")


def test_working_days_skip_weekends_and_china_s_holidays() -> None:
    assert add_working_days(date(2026, 12, 4), 1, CHINA) == date(2026, 12, 7)  # Friday → Monday
    assert add_working_days(date(2026, 9, 30), 1, CHINA) == date(2026, 10, 8)  # after the National Day holidays
    assert add_working_days(date(2026, 12, 5), 0, CHINA) == date(2026, 12, 7)  # a Saturday: the next working day
    assert add_working_days(date(2026, 12, 1), 0, CHINA) == date(2026, 12, 1)


def test_deadlines_end_at_midnight_shanghai_of_the_last_working_day() -> None:
    friday_evening = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)  # 18:30 in Shanghai
    ack, resolve = deadlines(friday_evening, "fees", "normal", POLICY, CHINA)
    assert ack == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 24:00 Shanghai
    assert resolve == datetime(2026, 12, 25, 16, 0, tzinfo=UTC)  # 15 working days later
    _, trading = deadlines(friday_evening, "trading", "normal", POLICY, CHINA)
    _, urgent = deadlines(friday_evening, "trading", "high", POLICY, CHINA)
    assert trading == datetime(2026, 12, 18, 16, 0, tzinfo=UTC)
    assert urgent == datetime(2026, 12, 11, 16, 0, tzinfo=UTC)  # half of 10 working days


def test_a_bad_policy_says_which_part() -> None:
    assert POLICY.of("trading") == Deadline(1, 10) and POLICY.of("other") == Deadline(1, 15)
    with pytest.raises(ValueError, match="'fees=two/15'"):
        parse_policy("fees=two/15")
    with pytest.raises(ValueError, match="'fees=5/2'"):
        parse_policy("fees=5/2")


OPENED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
ACK_BY, RESOLVE_BY = deadlines(OPENED, "fees", "normal", POLICY, CHINA)


def at(status: str = "open", level: int = 0, escalated_at: datetime | None = None) -> Standing:
    return Standing(status, ACK_BY, RESOLVE_BY, level, escalated_at)


def test_nothing_escalates_before_a_deadline_or_once_closed() -> None:
    assert decide(at(), ACK_BY - timedelta(seconds=1), CHINA, "Asia/Shanghai") is None
    assert decide(at("acknowledged"), ACK_BY + timedelta(days=3), CHINA, "Asia/Shanghai") is None
    assert decide(at("closed"), RESOLVE_BY + timedelta(days=30), CHINA, "Asia/Shanghai") is None
    assert overdue(at(), ACK_BY) == f"not acknowledged by {ACK_BY.isoformat()}"


def test_overdue_goes_to_the_supervisor_then_the_head_of_service() -> None:
    late = ACK_BY + timedelta(minutes=5)
    first = decide(at(), late, CHINA, "Asia/Shanghai")
    assert first == Escalate(SUPERVISOR, f"not acknowledged by {ACK_BY.isoformat()}")
    with_supervisor = at(level=SUPERVISOR, escalated_at=late)
    assert decide(with_supervisor, late + timedelta(hours=2), CHINA, "Asia/Shanghai") is None
    a_working_day_later = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)  # end of Friday, a day after Thursday 00:05
    second = decide(with_supervisor, a_working_day_later, CHINA, "Asia/Shanghai")
    assert second is not None and second.level == HEAD_OF_SERVICE and "a working day with the supervisor" in \
        second.reason
    assert decide(at(level=HEAD_OF_SERVICE, escalated_at=late), RESOLVE_BY + timedelta(days=9), CHINA,
                  "Asia/Shanghai") is None


def test_a_missed_resolve_deadline_after_the_supervisor_goes_to_the_head() -> None:
    acknowledged = at("acknowledged", SUPERVISOR, RESOLVE_BY - timedelta(hours=1))
    step = decide(acknowledged, RESOLVE_BY, CHINA, "Asia/Shanghai")
    assert step == Escalate(HEAD_OF_SERVICE, f"not resolved by {RESOLVE_BY.isoformat()}")
