"""Rating one call against a tariff: pure, in Decimal, and every figure kept for the audit.

The rules (what carriers usually do):
- the number rated is the outside party's: the callee of an outbound call, the caller of an inbound one,
  its digits only;
- the line used is the one with the longest prefix of that number among the lines of the call's direction
  whose time-of-day band holds the moment the call was answered (bands are [from, until) in the tariff's
  time zone; a band whose start is after its end wraps midnight);
- a call crossing a band boundary is rated whole by the band it was answered in;
- billed time: nothing for an unanswered call; otherwise at least the minimum, then whole increments past
  it ("60/6": a 61 s call is billed 66 s; "60/60": 120 s);
- cost = rate per minute x billed seconds / 60, rounded half up to the fen (0.01 yuan), once per call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

FEN = Decimal("0.01")
E4 = Decimal("0.0001")
MINUTES_A_DAY = 24 * 60


class TariffError(ValueError):
    """A tariff line that cannot be used (a prefix that is not digits, a negative rate, ...)."""


@dataclass(frozen=True)
class Line:
    """One line of a tariff."""

    prefix: str
    rate_per_minute: Decimal  # yuan
    increment_seconds: int = 60
    minimum_seconds: int = 0
    direction: str = "outbound"
    band: str = "all day"
    band_from: int = 0  # minutes after local midnight, inclusive
    band_until: int = MINUTES_A_DAY  # exclusive
    id: int | None = None

    def __post_init__(self) -> None:
        checks = [
            (self.prefix.isdigit() and len(self.prefix) <= 20, f"a prefix is 1 to 20 digits, not {self.prefix!r}"),
            (self.rate_per_minute >= 0 and self.rate_per_minute == self.rate_per_minute.quantize(E4),
             f"a rate is at least 0 with at most 4 decimals, not {self.rate_per_minute}"),
            (self.increment_seconds >= 1, "the billing increment is at least 1 s"),
            (self.minimum_seconds >= 0, "the minimum cannot be negative"),
            (self.direction in ("outbound", "inbound"), f"direction is outbound or inbound, not {self.direction!r}"),
            (0 <= self.band_from < MINUTES_A_DAY and 0 < self.band_until <= MINUTES_A_DAY
             and self.band_from != self.band_until, "a band is HH:MM-HH:MM, two different times of day"),
        ]
        for ok, message in checks:
            if not ok:
                raise TariffError(message)

    def holds(self, minute_of_day: int) -> bool:
        if self.band_from < self.band_until:
            return self.band_from <= minute_of_day < self.band_until
        return minute_of_day >= self.band_from or minute_of_day < self.band_until


@dataclass(frozen=True)
class Rated:
    """What one call costs, with everything that decided it."""

    number: str
    direction: str
    line: Line | None  # None: no line matched; the call costs nothing and says so
    billable_seconds: int
    billed_seconds: int
    cost: Decimal  # yuan, to the fen


def digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def billed_seconds(billable: int, increment: int, minimum: int) -> int:
    if billable <= 0:
        return 0
    if billable <= minimum:
        return minimum
    return minimum + math.ceil((billable - minimum) / increment) * increment


def cost_of(rate_per_minute: Decimal, seconds: int) -> Decimal:
    return (rate_per_minute * seconds / 60).quantize(FEN, rounding=ROUND_HALF_UP)


def minute_of_day(at: datetime, time_zone: str) -> int:
    local = at.astimezone(ZoneInfo(time_zone))
    return local.hour * 60 + local.minute


def choose_line(lines: list[Line], direction: str, number: str, minute: int) -> Line | None:
    """The longest-prefix line of this direction whose band holds `minute`."""
    candidates = [line for line in lines
                  if line.direction == direction and number.startswith(line.prefix) and line.holds(minute)]
    return max(candidates, key=lambda line: len(line.prefix), default=None)


def rate_call(lines: list[Line], *, direction: str, number: str, answered_at: datetime | None,
              billable_seconds: int, time_zone: str) -> Rated:
    """Rate one call; an unanswered call (no answer time) costs nothing and uses no line."""
    number = digits(number)
    line = choose_line(lines, direction, number, minute_of_day(answered_at, time_zone)) if answered_at else None
    if line is None:
        return Rated(number, direction, None, billable_seconds, 0, Decimal("0.00"))
    seconds = billed_seconds(billable_seconds, line.increment_seconds, line.minimum_seconds)
    return Rated(number, direction, line, billable_seconds, seconds, cost_of(line.rate_per_minute, seconds))


def parse_band(text: str) -> tuple[int, int]:
    """'08:00-20:00' -> (480, 1200); '20:00-08:00' wraps midnight; '24:00' ends a day."""
    try:
        start, end = text.split("-")
        return _minutes(start), _minutes(end)
    except ValueError:
        raise TariffError(f"a band is HH:MM-HH:MM, not {text!r}") from None


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    if not (0 <= int(minutes) < 60 and 0 <= value <= MINUTES_A_DAY):
        raise ValueError(text)
    return value


def format_band(band_from: int, band_until: int) -> str:
    return f"{band_from // 60:02d}:{band_from % 60:02d}-{band_until // 60:02d}:{band_until % 60:02d}"
