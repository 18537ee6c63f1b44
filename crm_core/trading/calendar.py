"""A-share trading sessions in Asia/Shanghai: 09:30-11:30 and 13:00-15:00, Monday to Friday.

No exchange holiday calendar yet: every weekday is a trading day.

`EXCHANGE` is these rules as an object; `ALWAYS_OPEN` is a practice market that trades every minute of
every day (demos and tests at any hour), closing at local midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
SESSIONS = ((time(9, 30), time(11, 30)), (time(13, 0), time(15, 0)))
CLOSE = time(15, 0)


def local(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("naive datetime: pass an aware time")
    return now.astimezone(SHANGHAI)


def trade_date(now: datetime) -> date:
    return local(now).date()


def is_trading_day(day: date) -> bool:
    return day.weekday() < 5


def in_session(now: datetime) -> bool:
    moment = local(now)
    return is_trading_day(moment.date()) and any(start <= moment.time() < end for start, end in SESSIONS)


def next_trading_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


def order_trade_date(now: datetime) -> date:
    """The session an order placed now trades in: today until the close, else the next trading day."""
    moment = local(now)
    if is_trading_day(moment.date()) and moment.time() < CLOSE:
        return moment.date()
    return next_trading_day(moment.date())


def close_of(day: date) -> datetime:
    return datetime.combine(day, CLOSE, tzinfo=SHANGHAI).astimezone(UTC)


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The local (Shanghai) calendar day around `now`, as UTC [start, end)."""
    start = datetime.combine(trade_date(now), time(0), tzinfo=SHANGHAI)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


@dataclass(frozen=True)
class MarketHours:
    """When the market trades: what the broker asks instead of calling the functions above directly."""

    always_open: bool = False

    def in_session(self, now: datetime) -> bool:
        return self.always_open or in_session(now)

    def order_trade_date(self, now: datetime) -> date:
        return trade_date(now) if self.always_open else order_trade_date(now)

    def close_of(self, day: date) -> datetime:
        if self.always_open:
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)
        return close_of(day)


EXCHANGE = MarketHours()
ALWAYS_OPEN = MarketHours(always_open=True)
