"""The trace `hotline call` prints: what the caller heard and what the hotline recorded."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from crm_core import calls
from crm_core.calls import FINAL_STATUSES
from crm_core.db import Database
from crm_core.models import Agent, CallDetailRecord, Investor
from hotline.scripted_call import CallObservation

ROUTE_EVENTS = {"routed", "queued", "offered", "missed", "answered", "announced", "to_operator", "menu", "language",
                "invalid_choice", "invalid_input", "no_input", "trading_login", "trade_confirmed", "trade_reported"}


def wait_until_recorded(db: Database, call_id: str, timeout: float = 10.0) -> None:
    """The service writes the end of a call a moment after the hang-up; wait for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session() as session:
            if calls.get_call(session, call_id).status in FINAL_STATUSES:
                return
        time.sleep(0.2)


def build_trace(session: Session, observation: CallObservation) -> dict[str, Any]:
    trace: dict[str, Any] = {
        "call_id": observation.call_id or None,
        "channel": observation.peer_id,
        "prompts": observation.prompts,
        "inputs": [{"prompt": prompt, "keys": keys} for prompt, keys in observation.inputs],
        "caller": None, "customer": None, "route": [], "agent": None, "talk_seconds": None,
        "hangup_by": observation.hangup_by, "status": None, "cdr": None,
    }
    if not observation.call_id:
        return trace
    call = calls.get_call(session, observation.call_id)
    trace["caller"] = call.caller_number or "unknown"
    trace["status"] = call.status
    trace["hangup_by"] = call.hangup_by or observation.hangup_by
    if call.investor_id is not None:
        investor = session.get(Investor, call.investor_id)
        assert investor is not None
        trace["customer"] = {"id": investor.id, "name": investor.name, "account": investor.account_number,
                             "class": investor.investor_class, "vip": investor.vip,
                             "identified_by": call.identified_by}
    trace["route"] = [{"event": e.kind, "at": e.at.isoformat(), **e.detail}
                      for e in calls.events_of(session, call.id) if e.kind in ROUTE_EVENTS]
    if call.agent_id is not None:
        agent = session.get(Agent, call.agent_id)
        assert agent is not None
        trace["agent"] = {"job_number": agent.job_number, "name": agent.name}
    cdr = session.query(CallDetailRecord).filter_by(call_id=call.id).one_or_none()
    if cdr is not None:
        trace["talk_seconds"] = cdr.billable_seconds
        trace["cdr"] = {"disposition": cdr.disposition, "duration_seconds": cdr.duration_seconds,
                        "wait_seconds": cdr.wait_seconds, "billable_seconds": cdr.billable_seconds}
    return trace


def format_trace(trace: dict[str, Any]) -> str:
    lines = [f"call {trace['call_id']} from {trace['caller']}"]
    customer = trace["customer"]
    lines.append(f"  caller identified as: {customer['name']} (account {customer['account']}, "
                 f"{customer['class']}{', VIP' if customer['vip'] else ''}, by {customer['identified_by']})"
                 if customer else "  caller not identified")
    lines.append("  prompts played: " + ", ".join(trace["prompts"]))
    for item in trace["inputs"]:
        lines.append(f"  keys sent at {item['prompt']}: {item['keys'] or '(silence)'}")
    for step in trace["route"]:
        detail = {k: val for k, val in step.items() if k not in ("event", "at")}
        lines.append(f"  {step['event']}: {detail}")
    agent = trace["agent"]
    lines.append(f"  agent reached: {agent['job_number']} {agent['name']}" if agent else "  no agent reached")
    lines.append(f"  talk time: {trace['talk_seconds']} s; status {trace['status']}; "
                 f"hung up by {trace['hangup_by']}")
    return "\n".join(lines)
