"""A date keyed by the caller (a reminder's day), read as a date: YYYYMMDD, or MMDD for the next such day (this
year's, or next year's once this year's has passed). Pure: `today` is the caller's, in the client's time zone.

Raises InputProblem("bad_date") for keys that are not a real date (20261301, 0230, letters, a length other than 4
or 8, more than MAX_YEARS_AHEAD years ahead) and InputProblem("date_in_past") for a day before today."""

from __future__ import annotations

from datetime import date

from ari_apps.ivr.ask import InputProblem
from sounds import phrases
from sounds.say import number_prompts

MAX_YEARS_AHEAD = 10


def parse_day(keys: str, today: date) -> date:
    if not keys.isdigit() or len(keys) not in (4, 8):
        raise InputProblem("bad_date")
    if len(keys) == 8:
        day = _real(int(keys[:4]), keys[4:6], keys[6:])
        if day is None:
            raise InputProblem("bad_date")
    else:
        candidates = [_real(year, keys[:2], keys[2:]) for year in (today.year, today.year + 1)]
        real = [day for day in candidates if day is not None]
        if not real:
            raise InputProblem("bad_date")
        day = next((day for day in real if day >= today), real[-1])
    if day < today:
        raise InputProblem("date_in_past")
    if day.year > today.year + MAX_YEARS_AHEAD:
        raise InputProblem("bad_date")
    return day


def day_keys(day: date, today: date, language: str) -> list[str]:
    """The day read back: month and day (sounds.phrases.date_keys), then the year when it is not this one."""
    year = [] if day.year == today.year else ["reminder_year", *number_prompts(day.year, language)]
    return [*phrases.date_keys(day, language), *year]


def _real(year: int, month: str, day: str) -> date | None:
    try:
        return date(year, int(month), int(day))
    except ValueError:
        return None
