"""The screen-pop: everything an agent needs the moment a call is bridged, read from crm_core's tables.

Risk class, holdings, funds, open orders and today's fills come from crm_core.summary, the one reading of
an investor that the IVR's trading queries and search share: what the agent sees is what governs the client.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import callbacks, chats
from crm_core.agent_book import in_book
from crm_core.complaints.categories import category_for_call
from crm_core.complaints.service import reference
from crm_core.models import (
    Agent,
    Call,
    Callback,
    CallDisposition,
    CallEvent,
    Complaint,
    Investor,
    Notification,
    Reminder,
    SegmentMembership,
)
from crm_core.notifications.outbox import of_investor
from crm_core.summary import AccountSummary, RiskClass, investor_summary
from crm_core.trading import Broker
from crm_core.web_sessions import StaffIdentity

RECENT_CALLS = 5
RECENT_NOTIFICATIONS = 10
SEEN_KINDS = ("offered", "answered", "consult_offered")  # consult_offered: the target of an attended transfer


class CallNotVisible(PermissionError):
    pass


def money(cents: int | None) -> str | None:
    return None if cents is None else f"{Decimal(cents) / 100:.2f}"


def may_see(call: Call, events: list[CallEvent], identity: StaffIdentity, *, in_book: bool = False) -> bool:
    """Supervisors see every call; an agent sees the calls offered to or answered by them, and the calls of the
    clients in their book (`in_book`: the call's investor is assigned to them); no other client's."""
    if identity.may("supervise") or call.agent_id == identity.agent_id or in_book:
        return True
    return any(e.kind in SEEN_KINDS and e.detail.get("agent_id") == identity.agent_id for e in events)


def call_events(session: Session, call_id: str) -> list[CallEvent]:
    return list(session.scalars(select(CallEvent).where(CallEvent.call_id == call_id)
                                .order_by(CallEvent.at, CallEvent.id)))


def screen_pop(session: Session, call_id: str, identity: StaffIdentity, *, now: datetime,
               broker: Broker | None = None) -> dict[str, Any] | None:
    """None when the call is unknown; CallNotVisible when it belongs to another agent. `broker` prices the
    holdings (the service's, so the agent sees the latest price the IVR says)."""
    call = session.get(Call, call_id)
    if call is None:
        return None
    events = call_events(session, call_id)
    mine = call.investor_id is not None and in_book(session, identity.agent_id, call.investor_id)
    if not may_see(call, events, identity, in_book=mine):
        raise CallNotVisible(call_id)
    investor = session.get(Investor, call.investor_id) if call.investor_id is not None else None
    pop: dict[str, Any] = {
        "call_id": call.id, "caller_number": call.caller_number, "status": call.status,
        "direction": call.direction,
        "language": call.language, "category": call.category,
        "vip": bool(investor.vip if investor else call.vip),
        "ivr_path": [{"at": e.at.isoformat(), "kind": e.kind, "detail": e.detail} for e in events],
        "recent_calls": _recent_calls(session, call, investor),
        "callback": _callback(session, call.id),
        "complaint_draft": {"category": category_for_call(call.category), "channel": "phone"},
        "chat": None,
    }
    pop.update(_client_part(session, investor, mine, now=now, broker=broker))
    return pop


def chat_pop(session: Session, chat_id: int, identity: StaffIdentity, *, now: datetime,
             broker: Broker | None = None) -> dict[str, Any]:
    """The same screen-pop for a client's text chat (labelled chat): LookupError when the chat is not offered to
    or taken by the agent (a supervisor sees any)."""
    chat = chats.for_agent(session, chat_id, None if identity.may("supervise") else identity.agent_id)
    investor = session.get(Investor, chat.investor_id)
    mine = investor is not None and in_book(session, identity.agent_id, investor.id)
    pop: dict[str, Any] = {
        "call_id": None, "caller_number": None, "status": chat.status, "direction": "chat",
        "language": chat.language, "category": chat.skill, "vip": bool(investor and investor.vip),
        "ivr_path": [], "recent_calls": _recent_calls_of(session, investor.id) if investor else [],
        "callback": None, "complaint_draft": {"category": category_for_call(chat.skill), "channel": "web"},
        "chat": {"id": chat.id, "topic": chat.skill, "status": chat.status, "last_seq": chat.last_seq},
    }
    pop.update(_client_part(session, investor, mine, now=now, broker=broker))
    return pop


def _client_part(session: Session, investor: Investor | None, mine: bool, *, now: datetime,
                 broker: Broker | None) -> dict[str, Any]:
    """What a call's and a chat's screen-pop show alike of the client: the summary, their data, their chats."""
    summary = investor_summary(session, investor.id, now=now, broker=broker) if investor else None
    part: dict[str, Any] = {
        "caller_name": investor.name if investor else "unknown number", "known": investor is not None,
        "relationship": "your client" if mine else None,
        "investor": _investor(investor, summary.risk if summary else None),
        "recent_chats": _recent_chats(session, investor.id) if investor else [],
    }
    part.update(_trading(summary.accounts if summary else ()))
    part.update(_customer_data(session, investor))
    return part


def _recent_chats(session: Session, investor_id: int) -> list[dict[str, Any]]:
    """The client's latest chats with their transcript (kept for ever: the contact history shows it)."""
    return [{"id": c.id, "created_at": c.created_at.isoformat(), "topic": c.skill, "status": c.status,
             "ended_by": c.ended_by,
             "transcript": [{"seq": m.seq, "author": m.author, "text": m.text}
                            for m in chats.messages_after(session, c.id, 0)]}
            for c in chats.history(session, investor_id, RECENT_CALLS)]


def _callback(session: Session, call_id: str) -> dict[str, Any] | None:
    """The call is a callback: taken in the queue (the caller kept their place) or scheduled at the desk."""
    row = callbacks.of_call(session, call_id)
    return None if row is None else callback_json(row)


def callback_json(row: Callback) -> dict[str, Any]:
    """A callback as the desk shows it: where it came from (queue, scheduled, portal), when, and where it stands."""
    return {"id": row.id, "origin": row.origin, "number": row.number, "attempts": row.attempts, "note": row.note,
            "skill": row.skill, "entered_at": row.entered_at.isoformat(), "due_at": row.due_at.isoformat(),
            "status": row.status}


def _investor(investor: Investor | None, risk: RiskClass | None) -> dict[str, Any] | None:
    if investor is None or risk is None:
        return None
    return {"id": investor.id, "account_number": investor.account_number, "name": investor.name,
            "investor_class": investor.investor_class, "risk_class": risk.effective,
            "declared_risk_class": risk.declared, "risk_class_label": risk.label,
            "language": investor.language, "vip": investor.vip}


def _customer_data(session: Session, investor: Investor | None) -> dict[str, Any]:
    if investor is None:
        return {"segment_path": None, "complaints": [], "reminders": [], "open_callbacks": [], "notifications": []}
    return {"segment_path": _segment_path(session, investor.id),
            "complaints": _open_complaints(session, investor.id), "reminders": _open_reminders(session, investor.id),
            "open_callbacks": [callback_json(row) for row in callbacks.open_of_investor(session, investor.id)],
            "notifications": [notification_json(n) for n in of_investor(session, investor.id, RECENT_NOTIFICATIONS)]}


def notification_json(row: Notification) -> dict[str, Any]:
    """One outbox row as the desk shows it: what, by which channel, where it stands and why."""
    return {"id": row.id, "purpose": row.purpose, "template": row.template, "channel": row.channel,
            "status": row.status, "reason": row.reason, "attempts": row.attempts,
            "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}


def _trading(accounts: tuple[AccountSummary, ...]) -> dict[str, list[dict[str, Any]]]:
    """The summary's trading accounts as JSON rows, each row naming its account."""
    return {
        "funds": [{"account_number": a.account_number, "available": money(a.funds.available_cents),
                   "frozen": money(a.funds.frozen_cents), "total": money(a.funds.total_cents), "status": a.status}
                  for a in accounts],
        "holdings": [{"account_number": a.account_number, "security_code": h.security_code, "name": h.name_zh,
                      "name_en": h.name_en, "quantity": h.quantity, "sellable": h.sellable,
                      "last_price": money(h.last_cents), "market_value": money(h.market_value_cents)}
                     for a in accounts for h in a.holdings],
        "open_orders": [{"account_number": a.account_number, "order_id": o.order_id, "side": o.side,
                         "security_code": o.security_code, "price": f"{o.price:.2f}", "quantity": o.quantity,
                         "filled_quantity": o.filled_quantity, "status": o.status.value}
                        for a in accounts for o in a.open_orders],
        "fills_today": [{"account_number": a.account_number, "side": f.side, "security_code": f.security_code,
                         "price": f"{f.price:.2f}", "quantity": f.quantity, "amount": money(f.amount_cents),
                         "filled_at": f.filled_at.isoformat()}
                        for a in accounts for f in a.fills_today],
    }


def _segment_path(session: Session, investor_id: int) -> str | None:
    return session.scalars(select(SegmentMembership.path).where(
        SegmentMembership.investor_id == investor_id, SegmentMembership.valid_to.is_(None))
        .order_by(SegmentMembership.valid_from.desc()).limit(1)).first()


def _open_complaints(session: Session, investor_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(Complaint).where(Complaint.investor_id == investor_id,
                                                   Complaint.status != "closed").order_by(Complaint.opened_at))
    return [{"id": c.id, "reference": reference(c), "category": c.category, "summary": c.summary,
             "status": c.status, "opened_at": c.opened_at.isoformat(),
             "resolve_by": c.resolve_by.isoformat() if c.resolve_by else None} for c in rows]


def _open_reminders(session: Session, investor_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(Reminder).where(Reminder.investor_id == investor_id,
                                                  Reminder.done_at.is_(None)).order_by(Reminder.due_at))
    return [{"id": r.id, "text": r.text, "due_at": r.due_at.isoformat(), "agent_id": r.agent_id} for r in rows]


def _recent_calls(session: Session, call: Call, investor: Investor | None) -> list[dict[str, Any]]:
    query = select(Call, Agent.name).outerjoin(Agent, Agent.id == Call.agent_id).where(Call.id != call.id)
    if investor is not None:
        query = query.where(Call.investor_id == investor.id)
    elif call.caller_number:
        query = query.where(Call.caller_number == call.caller_number)
    else:
        return []
    return _calls_with_notes(session, query)


def _recent_calls_of(session: Session, investor_id: int) -> list[dict[str, Any]]:
    query = select(Call, Agent.name).outerjoin(Agent, Agent.id == Call.agent_id).where(Call.investor_id == investor_id)
    return _calls_with_notes(session, query)


def _calls_with_notes(session: Session, query: Any) -> list[dict[str, Any]]:
    rows = session.execute(query.order_by(Call.entered_at.desc()).limit(RECENT_CALLS)).all()
    notes = _notes(session, [row[0].id for row in rows])
    return [{"call_id": c.id, "entered_at": c.entered_at.isoformat(), "status": c.status, "category": c.category,
             "agent": agent_name, "notes": notes.get(c.id, [])} for c, agent_name in rows]


def _notes(session: Session, call_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    if not call_ids:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    rows = session.scalars(select(CallDisposition).where(CallDisposition.call_id.in_(call_ids))
                           .order_by(CallDisposition.at))
    for d in rows:
        found.setdefault(d.call_id, []).append({"code": d.code, "note": d.note, "at": d.at.isoformat(),
                                                "agent_id": d.agent_id})
    return found
