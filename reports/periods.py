"""Periods and intervals of a report: days given as dates (UTC), intervals of 15 minutes, an hour, a day or a
month."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

INTERVALS = ("15m", "hour", "day", "month")


class BadRequest(ValueError):
    """A date, interval, threshold or report name a person typed that means nothing; the message says which."""


def parse_day(text: str, what: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        raise BadRequest(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def period(start_text: str, end_text: str) -> tuple[datetime, datetime]:
    """[first day 00:00, the day after the last day 00:00) in UTC: both days count."""
    start, last = parse_day(start_text, "--from"), parse_day(end_text, "--to")
    if last < start:
        raise BadRequest(f"--to {end_text} is before --from {start_text}")
    return start, last + timedelta(days=1)


def bucket(at: datetime, interval: str) -> datetime:
    """The start of the interval `at` falls in."""
    if interval == "15m":
        return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)
    if interval == "hour":
        return at.replace(minute=0, second=0, microsecond=0)
    if interval == "day":
        return at.replace(hour=0, minute=0, second=0, microsecond=0)
    if interval == "month":
        return at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    raise BadRequest(f"unknown interval {interval!r} (one of {', '.join(INTERVALS)})")


def label(at: datetime, interval: str) -> str:
    return at.strftime({"15m": "%Y-%m-%d %H:%M", "hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d",
                        "month": "%Y-%m"}[interval])
