"""The holidays no one is called on: a country's public holidays (the `holidays` package) plus dates the
configuration adds."""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import date
from functools import cache


@cache
def public_holidays(country: str) -> Container[object]:
    """A country's public holidays, one table per country and process (a service builds six calendars: a table
    costs 0.03 s of CPU to make; its years are filled in as they are asked for)."""
    import holidays  # here: its country tables cost every command-line start 0.07 s

    return holidays.country_holidays(country)


class Calendar:
    def __init__(self, country: str = "CN", extra: Iterable[date] = ()) -> None:
        self._public: Container[object] = public_holidays(country) if country else frozenset()
        self._extra = frozenset(extra)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and (day in self._extra or day in self._public)


def parse_dates(text: str) -> list[date]:
    """ "2026-10-01, 2026-10-02" as dates; ValueError names a bad one."""
    days = []
    for part in (p.strip() for p in text.split(",")):
        if part:
            try:
                days.append(date.fromisoformat(part))
            except ValueError:
                raise ValueError(f"not a date (YYYY-MM-DD): {part!r}") from None
    return days
