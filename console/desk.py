"""The agent desk's writes and lookups: dispositions, callbacks, and checks that ids exist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.screen_pop import CallNotVisible, call_events, may_see
from crm_core.models import Agent, Call, CallDisposition, Investor, Reminder
from crm_core.models.base import utcnow
from crm_core.web_sessions import StaffIdentity


class NotFound(LookupError):
    pass


def visible_call(session: Session, call_id: str, identity: StaffIdentity) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise NotFound(f"no such call: {call_id}")
    if not may_see(call, call_events(session, call_id), identity):
        raise CallNotVisible(call_id)
    return call


def save_disposition(session: Session, call_id: str, identity: StaffIdentity, code: str,
                     note: str) -> dict[str, Any]:
    visible_call(session, call_id, identity)
    row = CallDisposition(call_id=call_id, agent_id=identity.agent_id, code=code, note=note, at=utcnow())
    session.add(row)
    session.flush()
    return {"id": row.id, "call_id": call_id, "agent_id": row.agent_id, "code": code, "note": note,
            "at": row.at.isoformat()}


def schedule_callback(session: Session, identity: StaffIdentity, investor_id: int, at: datetime,
                      note: str) -> dict[str, Any]:
    if session.get(Investor, investor_id) is None:
        raise NotFound(f"no such investor: {investor_id}")
    text = f"Call back: {note}" if note else "Call back"
    reminder = Reminder(investor_id=investor_id, agent_id=identity.agent_id, text=text, due_at=at)
    session.add(reminder)
    session.flush()
    return {"id": reminder.id, "investor_id": investor_id, "agent_id": identity.agent_id, "text": text,
            "due_at": at.isoformat()}


def agent_by_job_number(session: Session, job_number: str) -> Agent:
    agent = session.scalars(select(Agent).where(Agent.job_number == job_number)).one_or_none()
    if agent is None:
        raise NotFound(f"no such agent: {job_number}")
    return agent


def agent_by_id(session: Session, agent_id: int) -> Agent:
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"no such agent: {agent_id}")
    return agent
