"""The record of each call: its row, its timeline of events, and its CDR when it ends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from crm_core import investors, report_intervals
from crm_core.billing import budgets
from crm_core.models import Agent, Call, CallDetailRecord, CallEvent, CallStatus, Investor
from crm_core.models.base import new_id, utcnow
from crm_core.models.call import FINAL_STATUSES as FINAL_STATUSES  # callers know it as calls.FINAL_STATUSES
from crm_core.models.call import CallDirection
from crm_core.phones import normalize_number


class CallNotFound(LookupError):
    pass


def open_call(session: Session, *, channel_id: str, caller_number: str, dialed_number: str) -> Call:
    call = Call(channel_id=channel_id, caller_number=caller_number, dialed_number=dialed_number,
                status=CallStatus.IVR.value)
    session.add(call)
    session.flush()
    record_event(session, call.id, "entered", caller=caller_number, dialed=dialed_number)
    return call


@dataclass(frozen=True)
class Arrival:
    """An inbound call whose record is open: its id, and the investor its number named (if one)."""

    call_id: str
    channel_id: str
    caller_number: str
    dialed_number: str
    at: datetime
    investor: Investor | None


@dataclass(frozen=True)
class Entering:
    """An inbound call as the dialplan hands it over: its channel, the number calling, the number dialled."""

    channel_id: str
    caller_number: str
    dialed_number: str


def fitted(entering: Entering) -> Entering:
    """The call's values cut to their columns' lengths. The batch is written all or none: one caller ID longer than
    any number (garbage from a trunk) must not lose the records of the calls beside it (PostgreSQL refuses a
    value too long for its column, SQLite keeps it); a number that long names no investor either way."""
    return Entering(entering.channel_id[:_room("channel_id")], entering.caller_number[:_room("caller_number")],
                    entering.dialed_number[:_room("dialed_number")])


def _room(column: str) -> int:
    length: int = getattr(Call.__table__.c[column].type, "length")  # noqa: B009 (a String's; TypeEngine has none)
    return length


def open_arrivals(session: Session, entering: Sequence[Entering]) -> list[Arrival]:
    """Calls entering together: their callers looked up and their records written (the same rows as open_call +
    identify), all or none. On SQLite in three statements in the session's transaction (in-process: a statement
    costs no round trip, the commit's fsync is the cost); on PostgreSQL in one statement, since there each is a
    round trip to the server and back (a burst's batch of twenty used to wait on nine or so: the pool's ping,
    BEGIN, the lookup, an INSERT per run of known or unknown callers, the events' INSERT, COMMIT; now the ping and
    the one statement: bench/fastagi.py --phases)."""
    entering = [fitted(e) for e in entering]
    if session.get_bind().dialect.name == "postgresql":
        return _open_arrivals_in_one_statement(session, entering)
    known = investors.find_by_phones(session, {e.caller_number for e in entering if e.caller_number})
    arrivals = [Arrival(new_id(), e.channel_id, e.caller_number, e.dialed_number, utcnow(), known.get(e.caller_number))
                for e in entering]
    write_arrivals(session, arrivals)
    return arrivals


def write_arrivals(session: Session, arrivals: Sequence[Arrival]) -> None:
    """The calls' rows and their first events (entered; identified or not), in two statements whatever
    their number: a burst of calls costs one transaction, not one each. Core inserts into the tables, every row
    with every key: the ORM's bulk insert left a row's None values out (splitting the rows into one INSERT per run
    of known or unknown callers) and cost a writer a third of a millisecond of CPU more per batch."""
    connection = session.connection()  # Core's executemany, not the ORM's bulk insert
    connection.execute(insert(Call), [_call_row(arrival) for arrival in arrivals])
    connection.execute(insert(CallEvent), [row for arrival in arrivals for row in _event_rows(arrival)])


# open_arrivals on PostgreSQL: the lookup (find_by_phones: a number names an investor when it is theirs alone),
# the calls' rows (_call_row) and their two events each (_event_rows, entered first), and the investors found,
# in the callers' order. The sub-statements of a WITH see one snapshot and their foreign keys are checked at the
# statement's end, when both tables have their rows. tests/unit/agi/test_arrival_rows.py holds both backends to
# the same rows.
_ARRIVALS_SQL = text("""
WITH entering AS (
    SELECT * FROM unnest(CAST(:ids AS varchar[]), CAST(:channels AS varchar[]), CAST(:callers AS varchar[]),
                         CAST(:dialed AS varchar[]), CAST(:digits AS varchar[]))
        WITH ORDINALITY AS e(id, channel_id, caller_number, dialed_number, digits, n)),
matched AS (
    SELECT p.number, min(p.investor_id) AS investor_id
    FROM investor_phones p JOIN investors i ON i.id = p.investor_id
    WHERE p.number = ANY(CAST(:digits AS varchar[])) AND p.number <> ''
    GROUP BY p.number HAVING count(*) = 1),
found AS (
    SELECT e.*, i.id AS investor_id, i.name, i.vip
    FROM entering e LEFT JOIN matched m ON m.number = e.digits LEFT JOIN investors i ON i.id = m.investor_id),
new_calls AS (
    INSERT INTO calls (id, channel_id, caller_number, dialed_number, status, entered_at, investor_id,
                       identified_by, vip, priority, direction)
    SELECT id, channel_id, caller_number, dialed_number, :status, CAST(:at AS timestamptz), investor_id,
           CASE WHEN investor_id IS NULL THEN NULL ELSE 'number' END, coalesce(vip, false), 0, :direction
    FROM found),
new_events AS (
    INSERT INTO call_events (call_id, at, kind, detail)
    SELECT f.id, CAST(:at AS timestamptz),
           CASE WHEN k.entered THEN 'entered' WHEN f.investor_id IS NULL THEN 'not_identified' ELSE 'identified' END,
           CASE WHEN k.entered THEN json_build_object('caller', f.caller_number, 'dialed', f.dialed_number)
                WHEN f.investor_id IS NULL THEN json_build_object('by', 'number', 'tried', f.caller_number)
                ELSE json_build_object('by', 'number', 'investor_id', f.investor_id, 'name', f.name, 'vip', f.vip)
           END
    FROM found f CROSS JOIN (VALUES (true), (false)) AS k(entered)
    ORDER BY f.n, k.entered DESC)
SELECT i.* FROM found f LEFT JOIN investors i ON i.id = f.investor_id ORDER BY f.n
""")


def _open_arrivals_in_one_statement(session: Session, entering: Sequence[Entering]) -> list[Arrival]:
    """One statement is atomic by itself: unless the session has a transaction going, it runs without one (no
    BEGIN and COMMIT round trips). Durable all the same: the server answers once its commit is flushed."""
    at = utcnow()
    ids = [new_id() for _ in entering]
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    found = session.scalars(select(Investor).from_statement(_ARRIVALS_SQL), {
        "ids": ids, "channels": [e.channel_id for e in entering], "callers": [e.caller_number for e in entering],
        "dialed": [e.dialed_number for e in entering], "digits": [normalize_number(e.caller_number) for e in entering],
        "at": at, "status": CallStatus.IVR.value, "direction": CallDirection.INBOUND.value}).all()
    return [Arrival(call_id, e.channel_id, e.caller_number, e.dialed_number, at, investor)
            for call_id, e, investor in zip(ids, entering, found, strict=True)]


def _call_row(arrival: Arrival) -> dict[str, Any]:
    investor = arrival.investor
    return {"id": arrival.call_id, "channel_id": arrival.channel_id, "caller_number": arrival.caller_number,
            "dialed_number": arrival.dialed_number, "status": CallStatus.IVR.value, "entered_at": arrival.at,
            "investor_id": investor.id if investor else None, "identified_by": "number" if investor else None,
            "vip": bool(investor and investor.vip)}


def _event_rows(arrival: Arrival) -> list[dict[str, Any]]:
    investor, tried = arrival.investor, arrival.caller_number
    identified = {"kind": "not_identified", "detail": {"by": "number", "tried": tried}} if investor is None else \
        {"kind": "identified", "detail": {"by": "number", "investor_id": investor.id, "name": investor.name,
                                          "vip": investor.vip}}
    entered = {"kind": "entered", "detail": {"caller": tried, "dialed": arrival.dialed_number}}
    return [{"call_id": arrival.call_id, "at": arrival.at, **event} for event in (entered, identified)]


def open_outbound(session: Session, *, channel_id: str, agent_id: int, number: str) -> Call:
    """Click-to-dial: the agent's call to `number`, linked to the investor registered with that number."""
    investor = investors.find_by_phone(session, number)
    call = Call(channel_id=channel_id, caller_number=number, dialed_number=number, agent_id=agent_id,
                direction=CallDirection.OUTBOUND.value, status=CallStatus.RINGING.value,
                investor_id=investor.id if investor else None, vip=bool(investor and investor.vip),
                identified_by="number" if investor else None)
    session.add(call)
    session.flush()
    record_event(session, call.id, "dialled", agent_id=agent_id, number=number,
                 investor_id=investor.id if investor else None)
    return call


def mark_transferred(session: Session, call_id: str, *, from_agent_id: int | None, to_agent_id: int | None,
                     to_number: str | None = None, attended: bool) -> None:
    """The call now belongs to another agent (or an outside number, with no agent)."""
    call = get_call(session, call_id)
    call.agent_id = to_agent_id
    record_event(session, call_id, "transferred", from_agent_id=from_agent_id, to_agent_id=to_agent_id,
                 to_number=to_number, attended=attended)


def get_call(session: Session, call_id: str) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise CallNotFound(call_id)
    return call


def record_event(session: Session, call_id: str, kind: str, **detail: Any) -> CallEvent:
    event = CallEvent(call_id=call_id, kind=kind, detail=detail, at=utcnow())
    session.add(event)
    return event


def identify(session: Session, call_id: str, investor: Investor | None, by: str, *, tried: str = "") -> None:
    call = get_call(session, call_id)
    if investor is not None:
        call.investor_id = investor.id
        call.identified_by = by
        call.vip = investor.vip
    _record_identification(session, call_id, investor, by, tried)


def _record_identification(session: Session, call_id: str, investor: Investor | None, by: str, tried: str) -> None:
    if investor is None:
        record_event(session, call_id, "not_identified", by=by, tried=tried)
    else:
        record_event(session, call_id, "identified", by=by, investor_id=investor.id, name=investor.name,
                     vip=investor.vip)


def mark_queued(session: Session, call_id: str, *, category: str, language: str, priority: int) -> None:
    call = get_call(session, call_id)
    call.category = category
    call.language = language
    call.priority = priority
    call.status = CallStatus.QUEUED.value
    if call.queued_at is None:
        call.queued_at = utcnow()
    record_event(session, call_id, "queued", category=category, language=language, priority=priority)


def mark_offered(session: Session, call_id: str, *, agent_id: int, job_number: str, reason: str) -> None:
    call = get_call(session, call_id)
    call.status = CallStatus.RINGING.value
    record_event(session, call_id, "offered", agent_id=agent_id, job_number=job_number, reason=reason)


def mark_missed(session: Session, call_id: str, *, agent_id: int, cause: str) -> None:
    """The offered agent did not answer: the call waits again."""
    call = get_call(session, call_id)
    call.status = CallStatus.QUEUED.value
    record_event(session, call_id, "missed", agent_id=agent_id, cause=cause)


def mark_answered(session: Session, call_id: str, agent_id: int) -> None:
    """An agent answered: the call's agent is theirs; its answer time stays the first answer's (the caller's
    wait ended then, and the talk billed runs from then: a blind transfer's new agent does not restart it)."""
    call = get_call(session, call_id)
    call.status = CallStatus.TALKING.value
    call.agent_id = agent_id
    call.answered_at = call.answered_at or utcnow()
    record_event(session, call_id, "answered", agent_id=agent_id)


def finish(session: Session, call_id: str, *, status: CallStatus, hangup_by: str,
           at: datetime | None = None) -> Call:
    """Close the call once (later calls are ignored), write its CDR and rate it."""
    call = get_call(session, call_id)
    if call.status in FINAL_STATUSES:
        return call
    call.status = status.value
    call.hangup_by = hangup_by
    call.ended_at = at or utcnow()
    record_event(session, call_id, "hangup", by=hangup_by, status=status.value)
    cdr = _cdr_for(session, call)
    session.add(cdr)
    session.flush()
    budgets.charge_cdr(session, cdr, call)
    report_intervals.record_call(session, call)  # the interval figures, in the same transaction as the CDR
    return call


_DISPOSITIONS = {
    CallStatus.COMPLETED.value: "ANSWERED",
    CallStatus.ABANDONED.value: "ABANDONED",
    CallStatus.FAILED.value: "FAILED",
}


def _cdr_for(session: Session, call: Call) -> CallDetailRecord:
    assert call.ended_at is not None
    agent = session.get(Agent, call.agent_id) if call.agent_id else None
    waited_until = call.answered_at or call.ended_at
    agent_end = agent.sip_username if agent else call.dialed_number
    outbound = call.direction == CallDirection.OUTBOUND.value
    return CallDetailRecord(
        call_id=call.id,
        source=agent_end if outbound else call.caller_number,
        destination=call.dialed_number if outbound else agent_end,
        agent_job_number=agent.job_number if agent else None,
        started_at=call.entered_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        duration_seconds=round((call.ended_at - call.entered_at).total_seconds()),
        wait_seconds=round((waited_until - (call.queued_at or waited_until)).total_seconds()),
        billable_seconds=round((call.ended_at - call.answered_at).total_seconds()) if call.answered_at else 0,
        disposition=_DISPOSITIONS.get(call.status, "FAILED"),
    )


def events_of(session: Session, call_id: str) -> list[CallEvent]:
    return list(session.scalars(select(CallEvent).where(CallEvent.call_id == call_id).order_by(CallEvent.id)))


def open_calls(session: Session) -> list[Call]:
    return list(session.scalars(select(Call).where(Call.status.not_in(FINAL_STATUSES))))
