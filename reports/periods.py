"""Periods and intervals of a report, in the report's time zone (`[reports] time_zone`): days given as dates
are that zone's days, intervals (15 minutes, an hour, a day, a month) its wall-clock ones. The database keeps
UTC; a bound or a bucket is converted once, here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from crm_core.time_zones import zone_named

INTERVALS = ("15m", "hour", "day", "month")


class BadRequest(ValueError):
    """A date, interval, threshold or report name a person typed that means nothing; the message says which."""


def zone_of(name: str) -> ZoneInfo:
    found = zone_named(name)
    if found is None:
        raise BadRequest(f"unknown time zone {name!r} (an IANA name such as Asia/Shanghai)")
    return found


def parse_day(text: str, what: str, zone: str = "UTC") -> datetime:
    """The day's local midnight, in UTC."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None
    return local_midnight(day, zone_of(zone))


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)


def period(start_text: str, end_text: str, zone: str = "UTC") -> tuple[datetime, datetime]:
    """[first day 00:00, the day after the last day 00:00) in the zone, as UTC: both days count."""
    start, last = parse_day(start_text, "--from", zone), parse_day(end_text, "--to", zone)
    if last < start:
        raise BadRequest(f"--to {end_text} is before --from {start_text}")
    return start, local_midnight(date.fromisoformat(end_text) + timedelta(days=1), zone_of(zone))


def today(now: datetime, zone: str = "UTC") -> datetime:
    """The start of `now`'s day in the zone, in UTC."""
    return local_midnight(now.astimezone(zone_of(zone)).date(), zone_of(zone))


def bucket(at: datetime, interval: str, zone: str = "UTC") -> datetime:
    """The start of the interval `at` falls in, as wall-clock time in the zone (aware)."""
    local = at.astimezone(zone_of(zone))
    if interval == "15m":
        return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
    if interval == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    if interval == "day":
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    if interval == "month":
        return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    raise BadRequest(f"unknown interval {interval!r} (one of {', '.join(INTERVALS)})")


def label(at: datetime, interval: str) -> str:
    return at.strftime({"15m": "%Y-%m-%d %H:%M", "hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d",
                        "month": "%Y-%m"}[interval])


def offsets(start: datetime, end: datetime, zone: str) -> list[tuple[datetime | None, int]]:
    """The zone's UTC offsets (seconds) over [start, end), as (until, offset) spans in order; the last span's
    `until` is None. A zone without daylight saving gives one span. Found by stepping hours, then narrowing
    each change to the second."""
    tz = zone_of(zone)
    offset = _offset(start, tz)
    spans: list[tuple[datetime | None, int]] = []
    at = start
    while at < end:
        step = min(at + timedelta(hours=1), end)
        if _offset(step, tz) != offset:
            low, high = at, step  # the change is in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _offset(middle, tz) == offset else (low, middle)
            spans.append((high.replace(microsecond=0), offset))
            offset = _offset(high, tz)
        at = step
    return [*spans, (None, offset)]


def _offset(at: datetime, tz: ZoneInfo) -> int:
    delta = at.astimezone(tz).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0
