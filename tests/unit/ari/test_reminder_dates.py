"""A reminder's date keyed by phone (ari_apps/ivr/dates.py): eight digits or four (the next such day), a real
date, not in the past, not absurdly far; read back with the date prompts, and the year when it is not this one."""

from __future__ import annotations

from datetime import date

import pytest

from ari_apps.ivr.ask import InputProblem
from ari_apps.ivr.dates import day_keys, parse_day
from sounds.say import number_prompts

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(("keys", "day"), [
    ("20261202", date(2026, 12, 2)),  # today is not in the past
    ("20270315", date(2027, 3, 15)),
    ("20280229", date(2028, 2, 29)),  # a leap day
    ("1225", date(2026, 12, 25)),  # this year's
    ("0105", date(2027, 1, 5)),  # passed this year: next year's
    ("1202", date(2026, 12, 2)),
])
def test_a_real_day_from_today_on_is_read(keys: str, day: date) -> None:
    assert parse_day(keys, TODAY) == day


@pytest.mark.parametrize("keys", ["20261301", "20270230", "20270229", "1332", "0000", "2026120", "123",
                                  "202612021", "2026*202", "", "20370101"])
def test_what_is_not_a_real_date_is_refused_as_such(keys: str) -> None:
    with pytest.raises(InputProblem) as problem:
        parse_day(keys, TODAY)
    assert problem.value.prompt == "bad_date"


@pytest.mark.parametrize("keys", ["20261201", "20250101"])
def test_a_day_before_today_is_refused_as_past(keys: str) -> None:
    with pytest.raises(InputProblem) as problem:
        parse_day(keys, TODAY)
    assert problem.value.prompt == "date_in_past"


def test_a_leap_day_keyed_as_four_digits_is_the_next_one_within_a_year() -> None:
    assert parse_day("0229", date(2027, 1, 10)) == date(2028, 2, 29)
    with pytest.raises(InputProblem):
        parse_day("0229", TODAY)  # neither 2026 nor 2027 has one


def test_the_day_is_read_back_with_the_year_only_when_it_is_not_this_one() -> None:
    assert day_keys(date(2026, 12, 25), TODAY, "en") == ["date/month_12", "date/day_25"]
    assert day_keys(date(2027, 1, 5), TODAY, "zh") == ["date/month_1", "date/day_5", "reminder_year",
                                                       *number_prompts(2027, "zh")]
