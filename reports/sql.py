"""The start of a report interval computed by the database (PostgreSQL or SQLite), for GROUP BY."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, literal_column
from sqlalchemy.orm import Session

_SQLITE_FORMATS = {"hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d 00:00:00", "month": "%Y-%m-01 00:00:00"}


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def bucket_sql(postgres: bool, at: Any, interval: str) -> ColumnElement[Any]:
    if postgres:
        if interval == "15m":
            return func.to_char(func.to_timestamp(func.floor(func.extract("epoch", at) / 900) * 900)
                                .op("AT TIME ZONE")(literal_column("'UTC'")), "YYYY-MM-DD HH24:MI:SS")
        return func.to_char(func.date_trunc(interval, at.op("AT TIME ZONE")(literal_column("'UTC'"))),
                            "YYYY-MM-DD HH24:MI:SS")
    if interval == "15m":
        return func.datetime(cast(func.strftime("%s", at), Integer) // 900 * 900, "unixepoch")
    return func.strftime(_SQLITE_FORMATS[interval], at)


def bucket_value(text: Any) -> datetime:
    return datetime.fromisoformat(str(text)).replace(tzinfo=UTC)
