"""Writing a hand-made or generated call timeline into the database as the service would (the call's row and
its events), then ending it through the one real path, `crm_core.calls.finish`, which adds it to the
interval aggregates in the same transaction as its CDR."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import calls
from crm_core.call_figures import Timeline
from crm_core.models import Agent, Call, CallEvent, CallStatus
from crm_core.models.call import CallDirection
from crm_core.models.report_interval import report_intervals


def ensure_agents(session: Session, count: int) -> list[int]:
    """Agents 1..count (job numbers 8001 ...), made directly: their passwords play no part here."""
    for n in range(1, count + 1):
        if session.get(Agent, n) is None:
            session.add(Agent(id=n, job_number=str(8000 + n), name=f"Agent {n}", password_hash="-",
                              sip_username=f"agent{8000 + n}", sip_ha1="-"))
    session.flush()
    return list(range(1, count + 1))


def write_call(session: Session, timeline: Timeline) -> str:
    answers = [step for step in timeline.steps if step.kind == "answered"]
    call = Call(channel_id="test", caller_number="13800000000", dialed_number="95500",
                direction=CallDirection.INBOUND.value if timeline.inbound else CallDirection.OUTBOUND.value,
                status=CallStatus.QUEUED.value if timeline.queued_at else CallStatus.IVR.value,
                category=timeline.skill, entered_at=timeline.entered_at, queued_at=timeline.queued_at,
                answered_at=answers[-1].at if answers else None,
                agent_id=int(answers[-1].detail["agent_id"]) if answers else None)
    session.add(call)
    session.flush()
    session.add(CallEvent(call_id=call.id, at=timeline.entered_at, kind="entered", detail={}))
    for step in timeline.steps:
        session.add(CallEvent(call_id=call.id, at=step.at, kind=step.kind, detail=dict(step.detail)))
    calls.finish(session, call.id, status=CallStatus(timeline.status), hangup_by="caller", at=timeline.ended_at)
    return call.id


def aggregate_rows(session: Session) -> list[tuple[object, ...]]:
    table = report_intervals.c
    return [tuple(row) for row in session.execute(
        select(report_intervals).order_by(table.interval_start, table.kind, table.key))]
