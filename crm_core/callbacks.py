"""Callbacks (crm_core.models.callback): taken in the queue, scheduled at the desk, and what the ACD writes as it
makes them. One open callback per number (the database's unique `open_number`); each request has an idempotency
key, so a retried request (a double press, a double click) is one callback.

The ACD reads open callbacks as `PendingCallback` values (no ORM object crosses into async code); the functions
it writes through (`claim_attempt`, `connected`, `retry_later`, `give_up`) take the callback's call id, like
crm_core.calls' functions, so that they are `Write` effects of the call.

Each step a report counts (asked, first dialled, reached, failed, cancelled) is added to the skill's interval
aggregates in the same transaction (crm_core/callback_figures.py), once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from crm_core import audit, calls
from crm_core.callback_figures import DIALLING, ENDED, MADE, asked_figure, one
from crm_core.models import Call, CallEvent, Investor, InvestorPhone, Reminder
from crm_core.models.base import utcnow
from crm_core.models.call import CallDirection, CallStatus
from crm_core.models.callback import Callback, CallbackStatus
from crm_core.report_intervals import add_rows


class CallbackRefused(ValueError):
    """A callback that cannot be taken: `code` says why (already_pending, no_number)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PendingCallback:
    """An open callback as the ACD routes it: its place (entered_at, priority) and when it may be offered."""

    call_id: str
    number: str
    skill: str
    language: str
    priority: int
    entered_at: float  # epoch seconds
    due_at: float
    attempts: int
    agent_id: int | None  # the agent who scheduled it (rung first while ready)


def open_for(session: Session, number: str) -> Callback | None:
    return session.scalars(select(Callback).where(Callback.open_number == number)).first()


def by_key(session: Session, key: str) -> Callback | None:
    return session.scalars(select(Callback).where(Callback.idempotency == key)).first()


def take_in_queue(session: Session, call_id: str, *, number: str, skill: str, language: str, priority: int,
                  entered_at: datetime) -> Callback | None:
    """The caller pressed 1: a callback that keeps their place (their call's entry time and priority), made on
    their own call record. None if another callback is open for the number (the caller keeps waiting)."""
    key = f"queue:{call_id}"
    existing = by_key(session, key)
    if existing is not None:
        return existing
    if open_for(session, number) is not None:
        return None
    call = calls.get_call(session, call_id)
    row = Callback(number=number, open_number=number, investor_id=call.investor_id, skill=skill, language=language,
                   priority=priority, origin="queue", entered_at=entered_at, due_at=utcnow(),
                   status=CallbackStatus.PENDING.value, attempts=0, call_id=call_id, note="", idempotency=key)
    session.add(row)
    session.flush()
    _count(session, row, asked_figure(row.origin))
    calls.record_event(session, call_id, "callback_requested", callback_id=row.id, number=number)
    return row


def phone_of(session: Session, investor_id: int) -> str | None:
    return session.scalars(select(InvestorPhone.number).where(InvestorPhone.investor_id == investor_id)
                           .order_by(InvestorPhone.id)).first()


def schedule(session: Session, *, agent_id: int | None, investor_id: int, at: datetime, skill: str, note: str,
             key: str, reminder_id: int | None = None, origin: str = "scheduled") -> Callback:
    """The desk's "Schedule callback": made at `at`, rung to `agent_id` first. Raises CallbackRefused when the
    investor has no phone number or a callback is already open for it (the same `key` again returns it)."""
    existing = by_key(session, key)
    if existing is not None:
        return existing
    investor = session.get(Investor, investor_id)
    number = phone_of(session, investor_id) if investor is not None else None
    if investor is None or number is None:
        raise CallbackRefused("no_number", f"investor {investor_id} has no phone number to call back")
    if open_for(session, number) is not None:
        raise CallbackRefused("already_pending", f"a callback to {number} is already open")
    row = Callback(number=number, open_number=number, investor_id=investor_id, skill=skill,
                   language=investor.language, priority=10 if investor.vip else 0, origin=origin,
                   entered_at=at, due_at=at, status=CallbackStatus.SCHEDULED.value, attempts=0, agent_id=agent_id,
                   reminder_id=reminder_id, note=note, idempotency=key)
    session.add(row)
    session.flush()
    _count(session, row, asked_figure(row.origin))
    return row


# -- asked by the client (the portal's "call me now" / "call me at ...") --------------------------------------------
CLIENT_TOPICS = ("trading", "account", "products", "complaints", "general")  # the IVR's categories = ACD skills
CLIENT_MAX_AHEAD = timedelta(days=14)
CLIENT_GRACE = timedelta(minutes=1)  # a time typed a moment ago is "now", not refused


def client_due(at: datetime | None, now: datetime) -> datetime:
    """When a callback the client asks for is made: now (`at` None), or at a time from now to 14 days ahead.
    CallbackRefused(bad_time) otherwise."""
    if at is None:
        return now
    if at < now - CLIENT_GRACE:
        raise CallbackRefused("bad_time", "the time has passed: choose a time from now on")
    if at > now + CLIENT_MAX_AHEAD:
        raise CallbackRefused("bad_time", f"choose a time within {CLIENT_MAX_AHEAD.days} days")
    return max(at, now)


def request_for_client(session: Session, investor_id: int, *, at: datetime | None, topic: str, now: datetime,
                       key: str) -> Callback:
    """The client asks to be called (the same path as the desk's "Schedule callback", with no agent: the queue
    of the topic's skill makes it at its time). Refused (CallbackRefused) for an unknown topic, a bad time, no
    phone number or a callback already open for it; the same `key` again returns the first one. Audited."""
    existing = by_key(session, key)
    if existing is not None:
        return existing
    if topic not in CLIENT_TOPICS:
        raise CallbackRefused("bad_topic", f"topic must be one of: {', '.join(CLIENT_TOPICS)}")
    row = schedule(session, agent_id=None, investor_id=investor_id, at=client_due(at, now), skill=topic,
                   note="asked on the portal", key=key, origin="portal")
    audit.record(session, actor=f"investor:{investor_id}", action="callback.request", outcome="scheduled",
                 channel="web", subject=str(investor_id), callback_id=row.id, due_at=row.due_at.isoformat(),
                 skill=topic)
    return row


def of_investor(session: Session, investor_id: int, limit: int = 20) -> list[Callback]:
    """The investor's callbacks, newest first."""
    return list(session.scalars(select(Callback).where(Callback.investor_id == investor_id)
                                .order_by(Callback.id.desc()).limit(limit)))


CANCELLABLE = (CallbackStatus.SCHEDULED.value, CallbackStatus.PENDING.value)


def cancel_refusal(status: str, by: str) -> CallbackRefused | None:
    """Whether a callback in this status may be cancelled, by its client (`by` "investor:<id>") or for them by a
    staff member: at any time before it is made (waiting for its time, or in the ACD's queue), not once the agent's
    phone rings or the client's number is dialled, nor after. None: cancelled (again, for one already cancelled).
    The refusal speaks to whoever asked: the client hears that we are calling them, the agent that the client is
    being called."""
    if status in CANCELLABLE or status == CallbackStatus.CANCELLED.value:
        return None
    if status == CallbackStatus.DIALLING.value:
        now = ("we are calling you now (an agent's phone is ringing or your number is being dialled)"
               if by.startswith("investor:") else
               "the client is being called back now (an agent's phone is ringing or their number is being dialled)")
        return CallbackRefused("in_progress", f"{now}: it can no longer be cancelled")
    return CallbackRefused("finished", f"the callback is already {status}: there is nothing left to cancel")


def cancel(session: Session, investor_id: int, callback_id: int, now: datetime, *, by: str) -> Callback:
    """The client's callback cancelled at any time before it is made (cancel_refusal), by the client
    (`by` "investor:<id>", on the portal) or for them by a staff member ("agent:<job number>" at the desk: the
    client called in before it was made, or asked on the phone). The row says who and when, the call record of a
    queued one ends (the ACD withdraws it from its queue when it next looks, or at the latest right before it
    would ring an agent: `claim_attempt`), the reminder the desk set for it is done. LookupError when it is not
    the client's; CallbackRefused once it is being made or is over; cancelling twice is one. Audited."""
    row = session.scalars(select(Callback).where(Callback.id == callback_id)).first()
    if row is None or row.investor_id != investor_id:
        raise LookupError(f"no such callback: {callback_id}")
    refusal = cancel_refusal(row.status, by)
    if refusal is None and row.status != CallbackStatus.CANCELLED.value:
        won = _cancel_if_open(session, row.id, by, now)
        session.refresh(row)  # cancelled now, or taken by the ACD meanwhile (refused below)
        if won:
            _cancelled(session, row, now)
        refusal = cancel_refusal(row.status, by)
    if refusal is not None:
        raise refusal
    return row


def open_of_investor(session: Session, investor_id: int) -> list[Callback]:
    """The investor's callbacks that may still be cancelled (waiting for their time or in the queue), soonest
    first."""
    return list(session.scalars(select(Callback).where(Callback.investor_id == investor_id,
                                                       Callback.status.in_(CANCELLABLE))
                                .order_by(Callback.due_at, Callback.id)))


def _cancel_if_open(session: Session, callback_id: int, actor: str, now: datetime) -> bool:
    """One conditional UPDATE, as claim_attempt's: either the cancel or the ACD's offer wins, never both."""
    result = session.execute(update(Callback).where(Callback.id == callback_id,
                                                    Callback.status.in_(CANCELLABLE))
                             .values(status=CallbackStatus.CANCELLED.value, open_number=None, cancelled_at=now,
                                     cancelled_by=actor).execution_options(synchronize_session=False))
    return bool(cast(CursorResult[Any], result).rowcount)


def _cancelled(session: Session, row: Callback, now: datetime) -> None:
    actor = row.cancelled_by
    _count(session, row, ENDED[CallbackStatus.CANCELLED.value])
    if row.call_id is not None:  # queued: its call record ends, never served
        calls.record_event(session, row.call_id, "callback_cancelled", by=actor)
        calls.finish(session, row.call_id, status=CallStatus.ABANDONED,
                     hangup_by="customer" if actor and actor.startswith("investor:") else "agent", at=now)
    reminder = session.get(Reminder, row.reminder_id) if row.reminder_id is not None else None
    if reminder is not None and reminder.done_at is None:  # the agent's "Call back" reminder: nothing left to do
        reminder.done_at = now
    audit.record(session, actor=actor, action="callback.cancel", outcome="cancelled", channel="web",
                 subject=str(row.investor_id), callback_id=row.id, was="queued" if row.call_id else "scheduled")


def cancelled_among(session: Session, call_ids: list[str]) -> list[str]:
    """Of the callbacks the ACD holds (by call id), those cancelled since: they leave its queue."""
    if not call_ids:
        return []
    return list(session.scalars(select(Callback.call_id).where(Callback.call_id.in_(call_ids),
                                                               Callback.status == CallbackStatus.CANCELLED.value)))


def open_due(session: Session, now: datetime) -> list[PendingCallback]:
    """Scheduled callbacks whose time has come: each gets its call record (queued from its time) and is pending."""
    due = session.scalars(select(Callback).where(Callback.status == CallbackStatus.SCHEDULED.value,
                                                 Callback.due_at <= now).order_by(Callback.due_at, Callback.id)
                          .with_for_update(skip_locked=True))  # one being cancelled now is taken next time
    found = []
    for row in due:
        investor = session.get(Investor, row.investor_id) if row.investor_id is not None else None
        call = Call(channel_id=f"callback-{row.id}", caller_number=row.number, dialed_number=row.number,
                    investor_id=row.investor_id, identified_by="number" if investor else None,
                    vip=bool(investor and investor.vip), direction=CallDirection.OUTBOUND.value,
                    status=CallStatus.QUEUED.value, category=row.skill, language=row.language,
                    priority=row.priority, queued_at=row.entered_at)
        session.add(call)
        session.flush()
        calls.record_event(session, call.id, "callback_due", callback_id=row.id, agent_id=row.agent_id,
                           number=row.number)
        row.call_id, row.status = call.id, CallbackStatus.PENDING.value
        found.append(_pending(row))
    return found


def open_pending(session: Session) -> list[PendingCallback]:
    """Callbacks the ACD must carry (after a restart): pending ones, and those being dialled when it stopped
    (that attempt is lost, not counted)."""
    rows = session.scalars(select(Callback).where(
        Callback.status.in_([CallbackStatus.PENDING.value, CallbackStatus.DIALLING.value]),
        Callback.call_id.is_not(None)).order_by(Callback.entered_at, Callback.id))
    found = []
    for row in rows:
        row.status = CallbackStatus.PENDING.value
        found.append(_pending(row))
    return found


def _pending(row: Callback) -> PendingCallback:
    assert row.call_id is not None
    return PendingCallback(row.call_id, row.number, row.skill, row.language, row.priority,
                           row.entered_at.timestamp(), row.due_at.timestamp(), row.attempts, row.agent_id)


def of_call(session: Session, call_id: str) -> Callback | None:
    return session.scalars(select(Callback).where(Callback.call_id == call_id)).first()


def _of(session: Session, call_id: str) -> Callback:
    row = of_call(session, call_id)
    if row is None:
        raise LookupError(f"no callback for call {call_id}")
    return row


# -- what the ACD writes, by the callback's call id -------------------------------------------------------------
def claim_attempt(session: Session, call_id: str) -> bool:
    """Right before the agent's phone is rung: the callback is being made (dialling), unless its client cancelled
    it meanwhile: False, and nobody is rung. A conditional UPDATE, as the cancel's: one of them wins."""
    session.execute(update(Callback).where(Callback.call_id == call_id,
                                           Callback.status == CallbackStatus.PENDING.value)
                    .values(status=CallbackStatus.DIALLING.value).execution_options(synchronize_session=False))
    row = _of(session, call_id)
    session.refresh(row)
    if row.status == CallbackStatus.CANCELLED.value:
        return False
    row.status = CallbackStatus.DIALLING.value
    return True


def attempt_started(session: Session, call_id: str, *, agent_id: int) -> None:
    """The agent's phone is being rung for the claimed callback: the attempt's event, and the callback counted
    as made at its first attempt (an attempt lost in a restart left its event: not counted again)."""
    row = _of(session, call_id)
    if not dialled_before(session, call_id):
        _count(session, row, MADE)
    calls.record_event(session, call_id, DIALLING, agent_id=agent_id, attempt=row.attempts + 1)


def connected(session: Session, call_id: str) -> None:
    row = _of(session, call_id)
    if row.status != CallbackStatus.DONE.value:
        _count(session, row, ENDED[CallbackStatus.DONE.value])
    row.status, row.open_number = CallbackStatus.DONE.value, None


def retry_later(session: Session, call_id: str, *, attempts: int, due_at: float) -> None:
    """The customer did not answer: the callback waits for its next attempt, keeping its place."""
    row = _of(session, call_id)
    row.status, row.attempts = CallbackStatus.PENDING.value, attempts
    row.due_at = datetime.fromtimestamp(due_at, UTC)
    calls.get_call(session, call_id).status = CallStatus.QUEUED.value
    calls.record_event(session, call_id, "callback_retry", attempts=attempts, due_at=row.due_at.isoformat())


def give_up(session: Session, call_id: str, *, attempts: int, agent_id: int | None) -> None:
    """Attempts spent: the callback failed and the agent (who scheduled it, else who tried last) gets a
    reminder to call the customer."""
    row = _of(session, call_id)
    if row.status != CallbackStatus.FAILED.value:
        _count(session, row, ENDED[CallbackStatus.FAILED.value])
    row.status, row.attempts, row.open_number = CallbackStatus.FAILED.value, attempts, None
    owner = row.agent_id or agent_id
    if row.investor_id is not None:
        reminder = Reminder(investor_id=row.investor_id, agent_id=owner, due_at=utcnow(),
                            text=f"Callback to {row.number} not answered after {attempts} attempts")
        session.add(reminder)
        session.flush()
        row.reminder_id = reminder.id
    calls.record_event(session, call_id, "callback_failed", attempts=attempts, agent_id=owner)


def dialled_before(session: Session, call_id: str) -> bool:
    """Whether the callback's call was dialled already (an attempt lost in a restart counts as made)."""
    return session.scalar(select(CallEvent.id).where(CallEvent.call_id == call_id, CallEvent.kind == DIALLING)
                          .limit(1)) is not None


def _count(session: Session, row: Callback, figure: str) -> None:
    add_rows(session, one(row.created_at, row.skill, figure))
