"""The outbound dialer's decisions, free of I/O and of the clock (the time is always given):

- `within_window`: may a client be called at this moment (their local time inside the call window, not a
  holiday of the calendar)? `window_opens`: the next moment they may;
- `after_outcome`: what an attempt's outcome does to its target: done, or tried again after the delay
  configured for that outcome, or given up once the attempts are spent;
- `Pacer`: calls started no closer together than 1/rate, so never more than the rate in any second.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from crm_core.time_zones import zone_named


class Outcome(StrEnum):
    COMPLETED = "completed"  # every question asked was answered
    PARTIAL = "partial"  # answered, then hung up (or stopped keying) before the end
    AGENT = "agent"  # handed to an agent
    MACHINE = "machine"  # an answering machine (AMD)
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"  # refused by Asterisk, congestion, a bad number
    INTERRUPTED = "interrupted"  # the service stopped during the call (found open at the next start)


FINAL = frozenset({Outcome.COMPLETED, Outcome.PARTIAL, Outcome.AGENT})  # the client was reached
DEFAULT_RETRY_SECONDS: dict[str, int] = {Outcome.BUSY.value: 600, Outcome.NO_ANSWER.value: 3600,
                                         Outcome.MACHINE.value: 7200, Outcome.FAILED.value: 1800,
                                         Outcome.INTERRUPTED.value: 1800}


class PolicyError(ValueError):
    """A dialling policy that cannot be used."""


@dataclass(frozen=True)
class DialPolicy:
    window_from: time = time(9, 0)
    window_until: time = time(21, 0)
    timezone: str = "Asia/Shanghai"  # a client's own zone when known, else this one
    max_attempts: int = 3
    retry_seconds: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_RETRY_SECONDS))

    def __post_init__(self) -> None:
        if self.window_from >= self.window_until:
            raise PolicyError("the call window must open before it closes (same day)")
        if self.max_attempts < 1:
            raise PolicyError("max_attempts must be at least 1")
        unknown = set(self.retry_seconds) - {o.value for o in Outcome}
        if unknown or any(s < 0 for s in self.retry_seconds.values()):
            raise PolicyError(f"retry delays: unknown outcome(s) {sorted(unknown)} or a negative delay")
        zone(self.timezone)

    def retry_after(self, outcome: Outcome) -> timedelta:
        return timedelta(seconds=self.retry_seconds.get(outcome.value, DEFAULT_RETRY_SECONDS.get(outcome.value, 1800)))


def zone(name: str) -> ZoneInfo:
    found = zone_named(name)
    if found is None:
        raise PolicyError(f"unknown time zone {name!r}")
    return found


def within_window(now: datetime, policy: DialPolicy, holidays: Container[date], timezone: str = "") -> bool:
    local = now.astimezone(zone(timezone or policy.timezone))
    return local.date() not in holidays and policy.window_from <= local.time() < policy.window_until


def window_opens(now: datetime, policy: DialPolicy, holidays: Container[date], timezone: str = "") -> datetime:
    """`now` when inside the window, else the next opening (a working day's `window_from`, local time)."""
    if within_window(now, policy, holidays, timezone):
        return now
    tz = zone(timezone or policy.timezone)
    local = now.astimezone(tz)
    day = local.date() if local.time() < policy.window_from else local.date() + timedelta(days=1)
    for _ in range(370):
        if day not in holidays:
            return datetime.combine(day, policy.window_from, tz).astimezone(now.tzinfo)
        day += timedelta(days=1)
    raise PolicyError("no working day in the calendar for a year")


def window_closes(now: datetime, policy: DialPolicy) -> datetime:
    """When the call window of `now`'s day closes (in the policy's zone)."""
    tz = zone(policy.timezone)
    return datetime.combine(now.astimezone(tz).date(), policy.window_until, tz).astimezone(now.tzinfo)


@dataclass(frozen=True)
class Next:
    status: str  # "done", "pending" (tried again at `at`) or "exhausted"
    at: datetime | None = None


def after_outcome(outcome: Outcome, attempts: int, now: datetime, policy: DialPolicy) -> Next:
    """A target's fate after its `attempts`-th attempt ended with `outcome`."""
    if outcome in FINAL:
        return Next("done")
    if attempts >= policy.max_attempts:
        return Next("exhausted")
    return Next("pending", now + policy.retry_after(outcome))


@dataclass
class Pacer:
    """At most `per_second` calls started in any one second: starts are spaced at least 1/per_second apart
    (so any half-open second holds no more than per_second of them). The clock is the caller's (monotonic
    seconds)."""

    per_second: float
    last: float | None = None

    def __post_init__(self) -> None:
        if self.per_second <= 0:
            raise PolicyError("calls per second must be more than 0")

    def wait(self, now: float) -> float:
        """Seconds to wait before a call may start (0: now)."""
        return 0.0 if self.last is None else max(0.0, self.last + 1.0 / self.per_second - now)

    def take(self, now: float) -> bool:
        if self.wait(now) > 0:
            return False
        self.last = now
        return True
