"""The start of a report interval computed by the database (PostgreSQL or SQLite), for GROUP BY, as
wall-clock time in the report's zone: PostgreSQL converts with its own zone data; SQLite, which has none,
shifts by the zone's offsets over the period (reports/periods.py `offsets`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, func, literal, literal_column
from sqlalchemy.orm import Session

from reports.periods import offsets, zone_of

_SQLITE_FORMATS = {"hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d 00:00:00", "month": "%Y-%m-01 00:00:00"}


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def bucket_sql(postgres: bool, at: Any, interval: str, zone: str = "UTC",
               period: tuple[datetime, datetime] | None = None) -> ColumnElement[Any]:
    """`period` (UTC bounds of the rows read) lets SQLite find the zone's offsets in it."""
    zone_of(zone)  # a clear error for a bad name, before any SQL
    if postgres:
        # Inline, not a bound parameter: PostgreSQL must see the same expression in SELECT and GROUP BY.
        assert re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone), zone
        name: ColumnElement[Any] = literal_column(f"'{zone}'")
        if interval == "15m":
            return func.to_char(func.to_timestamp(func.floor(func.extract("epoch", at) / 900) * 900)
                                .op("AT TIME ZONE")(name), "YYYY-MM-DD HH24:MI:SS")
        return func.to_char(func.date_trunc(interval, at.op("AT TIME ZONE")(name)),
                            "YYYY-MM-DD HH24:MI:SS")
    local = _sqlite_local(at, zone, period)
    if interval == "15m":
        return func.datetime(cast(func.strftime("%s", local), Integer) // 900 * 900, "unixepoch")
    return func.strftime(_SQLITE_FORMATS[interval], local)


def _sqlite_local(at: Any, zone: str, period: tuple[datetime, datetime] | None) -> Any:
    if zone == "UTC":
        return at
    if period is None:
        raise ValueError("a report period is needed to group by a zone's intervals on SQLite")
    spans = offsets(period[0], period[1], zone)
    shifted = [func.datetime(at, f"{offset:+d} seconds") for _, offset in spans]
    if len(spans) == 1:
        return shifted[0]
    changes = [until.strftime("%Y-%m-%d %H:%M:%S") for until, _ in spans if until is not None]
    return case(*((at < func.datetime(literal(until)), value)
                  for until, value in zip(changes, shifted[:-1], strict=True)), else_=shifted[-1])


def bucket_value(text: Any, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(str(text)).replace(tzinfo=zone_of(zone))
