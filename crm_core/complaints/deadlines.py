"""When a complaint must be acknowledged and resolved, pure: a policy per category in working days, counted
in the service's time zone on a calendar of holidays (the `holidays` package's China by default, through
crm_core.surveys.calendar.Calendar); Saturdays and Sundays are not working days.

A deadline of N working days is the end (24:00 local) of the Nth working day after the day the complaint came
in: a complaint in on Friday with "acknowledge within 1 working day" must be acknowledged by Monday night.
A high-severity complaint has half the resolve days (rounded up, at least 1). The deadline is that 24:00, the
first instant of the next day: a step taken at that instant is late (`missed`), as escalation counts the complaint
overdue from then. Time taken is counted in working days (`working_time`: only the hours of working days)."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHANNELS = ("phone", "fax", "letter", "web", "email")
SEVERITIES = ("low", "normal", "high")


@dataclass(frozen=True)
class Deadline:
    acknowledge_days: int
    resolve_days: int


@dataclass(frozen=True)
class DeadlinePolicy:
    default: Deadline = Deadline(1, 15)
    by_category: dict[str, Deadline] = field(default_factory=dict)
    time_zone: str = "Asia/Shanghai"

    def of(self, category: str) -> Deadline:
        return self.by_category.get(category, self.default)


def parse_policy(text: str, time_zone: str = "Asia/Shanghai") -> DeadlinePolicy:
    """ "default=1/15, trading=1/10" → a policy (acknowledge/resolve working days per category); ValueError
    names the bad part."""
    found: dict[str, Deadline] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, _, days = part.partition("=")
        ack, _, resolve = days.partition("/")
        if not (name.strip() and ack.strip().isdigit() and resolve.strip().isdigit()):
            raise ValueError(f"not category=ACK/RESOLVE working days: {part!r}")
        if int(ack) > int(resolve) or int(resolve) == 0:
            raise ValueError(f"{part!r}: acknowledge within at most the resolve days, resolve within at least 1")
        found[name.strip()] = Deadline(int(ack), int(resolve))
    default = found.pop("default", Deadline(1, 15))
    return DeadlinePolicy(default, found, time_zone)


def is_working_day(day: date, holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: date, days: int, holidays: Container[date]) -> date:
    """The Nth working day after `day` (0: `day` itself if it is a working day, else the next one)."""
    current = day
    if days == 0:
        while not is_working_day(current, holidays):
            current += timedelta(days=1)
        return current
    while days > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            days -= 1
    return current


def end_of_working_days(start: datetime, days: int, holidays: Container[date], time_zone: str) -> datetime:
    """The end (24:00 local, as an aware datetime in start's zone) of the `days`th working day after `start`."""
    zone = ZoneInfo(time_zone)
    last = add_working_days(start.astimezone(zone).date(), days, holidays)
    return datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(start.tzinfo)


def deadlines(opened_at: datetime, category: str, severity: str, policy: DeadlinePolicy,
              holidays: Container[date]) -> tuple[datetime, datetime]:
    """(acknowledge by, resolve by) for a complaint opened at `opened_at`."""
    rule = policy.of(category)
    resolve_days = max(1, -(-rule.resolve_days // 2)) if severity == "high" else rule.resolve_days
    return (end_of_working_days(opened_at, rule.acknowledge_days, holidays, policy.time_zone),
            end_of_working_days(opened_at, resolve_days, holidays, policy.time_zone))


def missed(by: datetime | None, at: datetime) -> bool:
    """Whether something done (or still not done) at `at` misses the deadline `by` (None: no deadline)."""
    return by is not None and at >= by


def working_time(start: datetime, end: datetime, holidays: Container[date], time_zone: str) -> timedelta:
    """The part of [start, end) that falls on working days (local days in the zone): a complaint in on Friday
    at 18:00 and acknowledged on Monday at 06:00 took 12 working hours."""
    zone = ZoneInfo(time_zone)
    total = timedelta(0)
    day = start.astimezone(zone).date()
    while end > start:
        following = datetime.combine(day + timedelta(days=1), time(0), zone)
        if is_working_day(day, holidays):
            total += min(end, following) - max(start, datetime.combine(day, time(0), zone))
        if following >= end:
            break
        day += timedelta(days=1)
    return total
