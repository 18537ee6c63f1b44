"""The queue report's call figures as one plain GROUP BY over the raw rows (calls and their first `answered`
event), with no aggregate: what the aggregates are checked against in tests and raced against in
bench/reports.py. Figures: offered, answered, abandoned, abandoned_short, service_level_pct, asa_s,
longest_wait_s (handle time needs the whole timeline, so it is left to the aggregates)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from crm_core.models import Call, CallEvent
from crm_core.models.call import FINAL_STATUSES, CallDirection
from reports.contact_centre import Cell, Options, Report, per_cent, seconds
from reports.periods import label
from reports.sql import bucket_sql, bucket_value, is_postgres

COLUMNS = ["interval", "skill", "offered", "answered", "abandoned", "abandoned_short", "service_level_pct",
           "asa_s", "longest_wait_s"]
FINAL = tuple(sorted(FINAL_STATUSES))


def _ms(postgres: bool, start: Any, end: Any) -> ColumnElement[Any]:
    if postgres:
        return func.round(func.extract("epoch", end - start) * 1000)
    return func.round((func.julianday(end) - func.julianday(start)) * 86_400_000)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def queues_raw(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    postgres = is_postgres(session)
    first = (select(CallEvent.call_id, func.min(CallEvent.at).label("at"))
             .where(CallEvent.kind == "answered").group_by(CallEvent.call_id).subquery())
    wait = _ms(postgres, Call.queued_at, func.coalesce(first.c.at, Call.ended_at))
    answered = first.c.at.is_not(None)
    abandoned = and_(first.c.at.is_(None), Call.status == "abandoned")
    short, target = options.short_abandon_seconds * 1000, options.service_level_seconds * 1000
    at = bucket_sql(postgres, Call.entered_at, options.interval, options.zone, (start, end)).label("at")
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
        rows.append([label(bucket_value(bucket_text, options.zone), options.interval), skill, offered, n_answered,
                     n_abandoned, n_short,
                     per_cent(int(within), offered - int(n_short)), seconds(int(wait_sum), int(n_answered)),
                     seconds(int(longest))])
    return Report(COLUMNS, rows)


def same_figures(report: Report) -> Report:
    """The aggregate report cut down to the raw report's columns, for comparing the two."""
    keep = [report.columns.index(name) for name in COLUMNS]
    return Report(COLUMNS, [[row[i] for i in keep] for row in report.rows])
