"""The agent desk's writes and lookups: dispositions, callbacks, replies to the caller, checks that ids exist."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.screen_pop import CallNotVisible, call_events, callback_json, may_see, notification_json
from crm_core import audit, callbacks
from crm_core.models import Agent, Call, CallDisposition, Investor, Reminder
from crm_core.models.base import utcnow
from crm_core.notifications import price_alerts, reminders
from crm_core.notifications.outbox import enqueue
from crm_core.notifications.rules import NotifyPolicy
from crm_core.web_sessions import StaffIdentity


class NotFound(LookupError):
    pass


class NoClient(ValueError):
    """The call's caller is not a known client: there is no one to reply to."""


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
                      note: str, skill: str = "general") -> dict[str, Any]:
    """A reminder for me, and a callback the ACD makes at `at`: rung to me first if I am ready, else to the
    queue of `skill`. Raises crm_core.callbacks.CallbackRefused (no number, a callback already open for it);
    the same request again (a double click) is the same callback."""
    if session.get(Investor, investor_id) is None:
        raise NotFound(f"no such investor: {investor_id}")
    key = f"desk:{identity.agent_id}:{investor_id}:{at.isoformat()}"
    existing = callbacks.by_key(session, key)
    if existing is not None and existing.reminder_id is not None:
        reminder = session.get(Reminder, existing.reminder_id)
    else:
        text = f"Call back: {note}" if note else "Call back"
        reminder = Reminder(investor_id=investor_id, agent_id=identity.agent_id, text=text, due_at=at)
        session.add(reminder)
        session.flush()
    assert reminder is not None
    callback = callbacks.schedule(session, agent_id=identity.agent_id, investor_id=investor_id, at=at, skill=skill,
                                  note=note, key=key, reminder_id=reminder.id)
    return {"id": reminder.id, "investor_id": investor_id, "agent_id": identity.agent_id, "text": reminder.text,
            "due_at": at.isoformat(), "callback_id": callback.id, "number": callback.number,
            "status": callback.status}


def cancel_callback(session: Session, call_id: str, identity: StaffIdentity, callback_id: int) -> dict[str, Any]:
    """A callback of the call's client cancelled for them (they called in before it was made, or asked to): any
    callback of theirs not yet being made, whoever scheduled it (crm_core.callbacks.cancel: LookupError when it is
    not this client's, CallbackRefused once it is being made or is over)."""
    call = client_of_call(session, call_id, identity)
    assert call.investor_id is not None
    row = callbacks.cancel(session, call.investor_id, callback_id, utcnow(), by=f"agent:{identity.job_number}")
    return callback_json(row)


def client_of_call(session: Session, call_id: str, identity: StaffIdentity) -> Call:
    """The call, which this staff member may see, of a known client (NoClient for an unknown number)."""
    call = visible_call(session, call_id, identity)
    if call.investor_id is None:
        raise NoClient(f"the caller of call {call_id} is not a known client (unknown number)")
    return call


def request_key(call_id: str, *content: str) -> str:
    """The same content asked on the same call is one request (a double click, a retried HTTP request)."""
    return f"desk:{call_id}:{hashlib.sha256(chr(10).join(content).encode()).hexdigest()[:16]}"


def reply(session: Session, call_id: str, identity: StaffIdentity, *, channel: str, subject: str, body: str,
          policy: NotifyPolicy) -> dict[str, Any]:
    """Queue a `message` to the call's client through the outbox. The key is made of the call and the content,
    so a double click (or a retried request) queues one message; audited as `desk.reply`."""
    call = client_of_call(session, call_id, identity)
    assert call.investor_id is not None
    row = enqueue(session, key=request_key(call_id, channel, subject, body), investor_id=call.investor_id,
                  purpose="reply", template="message", data={"subject": subject, "body": body}, now=utcnow(),
                  policy=policy, channel=channel)
    session.flush()
    audit.record(session, actor=f"agent:{identity.job_number}", action="desk.reply", outcome=row.status,
                 channel="web", subject=f"investor:{call.investor_id}", call_id=call_id, notification_id=row.id,
                 requested_channel=channel)
    return notification_json(row)


def remind(session: Session, call_id: str, identity: StaffIdentity, *, at: str, text: str, kind: str,
           code: str, channel: str, time_zone: str) -> dict[str, Any]:
    """A reminder for the call's client at `at` (their local time), through crm_core's reminders service (the
    same one asked again is the one set); audited as `desk.remind`. ReminderRejected for bad input."""
    call = client_of_call(session, call_id, identity)
    assert call.investor_id is not None
    row = reminders.add_reminder(session, call.investor_id, due_at=reminders.parse_local(at, time_zone), text=text,
                                 now=utcnow(), kind=kind, code=code.strip() or None, channel=channel,
                                 request_id=request_key(call_id, "remind", at, text, kind, code, channel))
    audit.record(session, actor=f"agent:{identity.job_number}", action="desk.remind", outcome="set", channel="web",
                 subject=f"investor:{call.investor_id}", call_id=call_id, reminder_id=row.id)
    return {"id": row.id, "kind": row.kind, "code": row.code, "text": row.text, "channel": row.channel,
            "due_local": reminders.local_text(row.due_at, time_zone), "status": "waiting"}


def price_alert(session: Session, call_id: str, identity: StaffIdentity, *, code: str, direction: str, price: str,
                channel: str, market: price_alerts.Market) -> dict[str, Any]:
    """A one-shot price alert for the call's client through crm_core's price-alert service (the same one asked
    again is the one set); audited as `desk.alert`. ReminderRejected for bad input."""
    call = client_of_call(session, call_id, identity)
    assert call.investor_id is not None
    row = price_alerts.add_alert(session, call.investor_id, code=code.strip(), direction=direction,
                                 price_cents=price_alerts.parse_price(price), now=utcnow(), market=market,
                                 channel=channel, request_id=request_key(call_id, "alert", code, direction, price,
                                                                         channel))
    audit.record(session, actor=f"agent:{identity.job_number}", action="desk.alert", outcome="set", channel="web",
                 subject=f"investor:{call.investor_id}", call_id=call_id, price_alert_id=row.id)
    return {"id": row.id, "code": row.security_code, "direction": row.direction,
            "price": f"{row.price_cents / 100:.2f}", "channel": row.channel, "status": "waiting"}


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
