"""The interval aggregates: added to in the transaction that finishes a call, rebuilt for a period from the
calls and their events (the same figures, from `call_figures.contributions`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crm_core.call_figures import Key, Step, Timeline, add_into, contributions
from crm_core.models import Call, CallEvent, CallStatus
from crm_core.models.call import CallDirection
from crm_core.models.report_interval import COUNTS, FIGURES, MAXIMA, report_intervals

REBUILD_BATCH = 2000
FINAL = (CallStatus.COMPLETED.value, CallStatus.ABANDONED.value, CallStatus.FAILED.value)


def timeline_of(call: Call, events: Iterable[CallEvent]) -> Timeline:
    assert call.ended_at is not None
    return Timeline(entered_at=call.entered_at, ended_at=call.ended_at, status=call.status,
                    inbound=call.direction == CallDirection.INBOUND.value, skill=call.category,
                    queued_at=call.queued_at, steps=[Step(e.at, e.kind, e.detail or {}) for e in events])


def record_call(session: Session, call: Call) -> None:
    """Add a call that has just ended to its interval's figures (same transaction as its CDR)."""
    events = session.scalars(select(CallEvent).where(CallEvent.call_id == call.id).order_by(CallEvent.id))
    add_rows(session, contributions(timeline_of(call, events)))


def add_rows(session: Session, rows: dict[Key, dict[str, int]]) -> None:
    """Insert or add to each row, atomically on both backends (INSERT ... ON CONFLICT DO UPDATE)."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for (start, kind, key), figures in rows.items():
        statement = dialect.insert(report_intervals).values(interval_start=start, kind=kind, key=key, **figures)
        table, new = report_intervals.c, statement.excluded
        updates: dict[str, Any] = {name: table[name] + new[name] for name in figures if name in COUNTS}
        updates.update({name: case((new[name] > table[name], new[name]), else_=table[name])
                        for name in figures if name in MAXIMA})
        session.execute(statement.on_conflict_do_update(index_elements=["interval_start", "kind", "key"],
                                                        set_=updates))


def rebuild(session: Session, start: datetime, end: datetime) -> int:
    """Recompute the rows of the intervals in [start, end) from the finished calls that entered then; returns
    the number of calls read."""
    session.execute(delete(report_intervals).where(report_intervals.c.interval_start >= start,
                                                   report_intervals.c.interval_start < end))
    total: dict[Key, dict[str, int]] = {}
    read = 0
    for batch in _finished_calls(session, start, end):
        events = _events_by_call(session, [call.id for call in batch])
        for call in batch:
            add_into(total, contributions(timeline_of(call, events.get(call.id, []))))
        read += len(batch)
    if total:
        session.execute(report_intervals.insert(), [
            {"interval_start": s, "kind": kind, "key": key, **dict.fromkeys(FIGURES, 0), **figures}
            for (s, kind, key), figures in total.items()])
    return read


def _finished_calls(session: Session, start: datetime, end: datetime) -> Iterable[Sequence[Call]]:
    after = ""
    while True:
        batch = session.scalars(select(Call).where(Call.entered_at >= start, Call.entered_at < end,
                                                   Call.status.in_(FINAL), Call.ended_at.is_not(None),
                                                   Call.id > after).order_by(Call.id).limit(REBUILD_BATCH)).all()
        if not batch:
            return
        yield batch
        after = batch[-1].id


def _events_by_call(session: Session, call_ids: list[str]) -> dict[str, list[CallEvent]]:
    events: dict[str, list[CallEvent]] = {}
    for event in session.scalars(select(CallEvent).where(CallEvent.call_id.in_(call_ids)).order_by(CallEvent.id)):
        events.setdefault(event.call_id, []).append(event)
    return events
