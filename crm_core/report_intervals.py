"""The interval aggregates: added to in the transaction that finishes a call (or moves a callback on), rebuilt
for a period from the calls and their events and the callbacks asked then (the same figures, from
`call_figures.contributions` and `callback_figures.callback_rows`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, and_, case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from crm_core.agent_time import StateKey, state_time
from crm_core.call_figures import Key, Step, Timeline, add_into, contributions, interval_of
from crm_core.callback_figures import DIALLING, CallbackFacts, callback_rows
from crm_core.models import AgentStateChange, Call, CallEvent
from crm_core.models.call import FINAL_STATUSES, CallDirection
from crm_core.models.callback import Callback
from crm_core.models.report_agent_state import report_agent_states
from crm_core.models.report_interval import FIGURES, MAXIMA, report_intervals

REBUILD_BATCH = 2000
FINAL = tuple(sorted(FINAL_STATUSES))


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
    for (start, kind, key), figures in rows.items():
        _add(session, report_intervals, {"interval_start": start, "kind": kind, "key": key}, figures)


def add_state_time(session: Session, parts: dict[StateKey, int]) -> None:
    for (start, agent_id, state, reason), spent in parts.items():
        _add(session, report_agent_states,
             {"interval_start": start, "agent_id": agent_id, "state": state, "reason": reason}, {"ms": spent})


def _add(session: Session, table: Table, key: dict[str, Any], figures: dict[str, int]) -> None:
    statement = _upsert(session.get_bind().dialect.name, table, tuple(key), tuple(figures))
    session.execute(statement, {**key, **figures})


@lru_cache(maxsize=256)
def _upsert(dialect_name: str, table: Table, key: tuple[str, ...], figures: tuple[str, ...]) -> Any:
    """The statement for one shape of row, built once: the values are its parameters. Built per row (the values
    inside), it cost some 5 ms of CPU each, two or three per call that ends."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table)
    new = statement.excluded
    updates: dict[str, Any] = {name: case((new[name] > table.c[name], new[name]), else_=table.c[name])
                               if name in MAXIMA else table.c[name] + new[name] for name in figures}
    return statement.on_conflict_do_update(index_elements=list(key), set_=updates)


def rebuild(session: Session, start: datetime, end: datetime) -> int:
    """Recompute the rows of the intervals in [start, end) from the finished calls that entered then; returns
    the number of calls read."""
    _check_bounds(start, end)
    session.execute(delete(report_intervals).where(report_intervals.c.interval_start >= start,
                                                   report_intervals.c.interval_start < end))
    total: dict[Key, dict[str, int]] = {}
    read = 0
    for batch in _finished_calls(session, start, end):
        events = _events_by_call(session, [call.id for call in batch])
        for call in batch:
            add_into(total, contributions(timeline_of(call, events.get(call.id, []))))
        read += len(batch)
    _add_callbacks(session, start, end, total)
    if total:
        session.execute(report_intervals.insert(), [
            {"interval_start": s, "kind": kind, "key": key, **dict.fromkeys(FIGURES, 0), **figures}
            for (s, kind, key), figures in total.items()])
    return read


def _add_callbacks(session: Session, start: datetime, end: datetime, total: dict[Key, dict[str, int]]) -> None:
    """The callbacks asked in [start, end), as their rows and their calls' dialling events stand."""
    dialled = select(CallEvent.call_id).where(CallEvent.call_id == Callback.call_id, CallEvent.kind == DIALLING)
    query = select(Callback.created_at, Callback.skill, Callback.origin, Callback.status, dialled.exists()).where(
        Callback.created_at >= start, Callback.created_at < end)
    for asked_at, skill, origin, status, made in session.execute(query):
        add_into(total, callback_rows(CallbackFacts(asked_at, skill, origin, bool(made), status)))


def _check_bounds(start: datetime, end: datetime) -> None:
    """A rebuild replaces whole intervals: its bounds must be interval starts."""
    if interval_of(start) != start or interval_of(end) != end:
        raise ValueError(f"a rebuild runs from one interval's start to another's, not {start} to {end}")


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


def rebuild_agent_states(session: Session, start: datetime, end: datetime) -> int:
    """Recompute agents' time per state in [start, end) from their state history (each agent's state at
    `start` is its last change before it); returns the number of changes read."""
    _check_bounds(start, end)
    session.execute(delete(report_agent_states).where(report_agent_states.c.interval_start >= start,
                                                      report_agent_states.c.interval_start < end))
    prior, later = aliased(AgentStateChange), aliased(AgentStateChange)
    before = select(func.max(prior.at)).where(prior.agent_id == AgentStateChange.agent_id, prior.at <= start)
    after = select(func.min(later.at)).where(later.agent_id == AgentStateChange.agent_id, later.at >= end)
    changes = list(session.scalars(select(AgentStateChange).where(or_(
        and_(AgentStateChange.at > start, AgentStateChange.at < end),
        AgentStateChange.at == before.scalar_subquery(), AgentStateChange.at == after.scalar_subquery()))
        .order_by(AgentStateChange.agent_id, AgentStateChange.at, AgentStateChange.id)))
    total: dict[StateKey, int] = {}
    for n, change in enumerate(changes):
        following = changes[n + 1] if n + 1 < len(changes) else None
        until = following.at if following is not None and following.agent_id == change.agent_id else None
        if until is None or until <= start or change.at >= end:
            continue  # the agent's current state is counted when it ends
        for key, spent in state_time(change.agent_id, change.state, change.reason, max(change.at, start),
                                     min(until, end)).items():
            total[key] = total.get(key, 0) + spent
    if total:
        session.execute(report_agent_states.insert(), [
            {"interval_start": s, "agent_id": a, "state": state, "reason": reason, "ms": spent}
            for (s, a, state, reason), spent in total.items()])
    return len(changes)
