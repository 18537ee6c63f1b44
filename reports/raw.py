"""The queue report's call figures as one plain GROUP BY over the raw rows (calls and their first `answered`
event), with no aggregate: what the aggregates are checked against in tests and raced against in
bench/reports.py. Figures: offered, answered, abandoned, abandoned_short, service_level_pct, asa_s,
longest_wait_s (handle time needs the whole timeline, so it is left to the aggregates)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from crm_core.models import Call, CallEvent
from crm_core.models.call import CallDirection
from reports.contact_centre import Cell, Options, Report, per_cent, seconds
from reports.periods import label

COLUMNS = ["interval", "skill", "offered", "answered", "abandoned", "abandoned_short", "service_level_pct",
           "asa_s", "longest_wait_s"]
FINAL = ("completed", "abandoned", "failed")
_SQLITE_FORMATS = {"hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d 00:00:00", "month": "%Y-%m-01 00:00:00"}


def _ms(postgres: bool, start: Any, end: Any) -> ColumnElement[Any]:
    if postgres:
        return func.round(func.extract("epoch", end - start) * 1000)
    return func.round((func.julianday(end) - func.julianday(start)) * 86_400_000)


def _bucket(postgres: bool, at: Any, interval: str) -> ColumnElement[Any]:
    if postgres:
        if interval == "15m":
            return func.to_char(func.to_timestamp(func.floor(func.extract("epoch", at) / 900) * 900)
                                .op("AT TIME ZONE")(literal_column("'UTC'")), "YYYY-MM-DD HH24:MI:SS")
        return func.to_char(func.date_trunc(interval, at.op("AT TIME ZONE")(literal_column("'UTC'"))),
                            "YYYY-MM-DD HH24:MI:SS")
    if interval == "15m":
        return func.datetime(cast(func.strftime("%s", at), Integer) // 900 * 900, "unixepoch")
    return func.strftime(_SQLITE_FORMATS[interval], at)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def queues_raw(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    postgres = session.get_bind().dialect.name == "postgresql"
    first = (select(CallEvent.call_id, func.min(CallEvent.at).label("at"))
             .where(CallEvent.kind == "answered").group_by(CallEvent.call_id).subquery())
    wait = _ms(postgres, Call.queued_at, func.coalesce(first.c.at, Call.ended_at))
    answered = first.c.at.is_not(None)
    abandoned = and_(first.c.at.is_(None), Call.status == "abandoned")
    short, target = options.short_abandon_seconds * 1000, options.service_level_seconds * 1000
    at = _bucket(postgres, Call.entered_at, options.interval).label("at")
    query = (select(at, Call.category, func.count(), _count_if(answered), _count_if(abandoned),
                    _count_if(and_(abandoned, wait <= short)), _count_if(and_(answered, wait <= target)),
                    func.sum(case((answered, wait), else_=0)), func.max(wait))
             .outerjoin(first, first.c.call_id == Call.id)
             .where(Call.entered_at >= start, Call.entered_at < end, Call.direction == CallDirection.INBOUND.value,
                    Call.queued_at.is_not(None), Call.category.is_not(None), Call.status.in_(FINAL),
                    Call.ended_at.is_not(None))
             .group_by(at, Call.category).order_by(at, Call.category))
    rows: list[list[Cell]] = []
    for bucket_text, skill, offered, n_answered, n_abandoned, n_short, within, wait_sum, longest in \
            session.execute(query):
        bucket_at = datetime.fromisoformat(str(bucket_text)).replace(tzinfo=UTC)
        rows.append([label(bucket_at, options.interval), skill, offered, n_answered, n_abandoned, n_short,
                     per_cent(int(within), offered - int(n_short)), seconds(int(wait_sum), int(n_answered)),
                     seconds(int(longest))])
    return Report(COLUMNS, rows)


def same_figures(report: Report) -> Report:
    """The aggregate report cut down to the raw report's columns, for comparing the two."""
    keep = [report.columns.index(name) for name in COLUMNS]
    return Report(COLUMNS, [[row[i] for i in keep] for row in report.rows])
