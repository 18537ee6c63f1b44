"""Calls with the times a billing test needs, written through crm_core.calls as the ACD writes them (so
their CDRs are rated where every CDR is)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from crm_core import agents, calls
from crm_core.billing.budgets import record_campaign_call
from crm_core.models import Call, CallStatus, Investor
from crm_core.models.base import new_id


def shanghai(day: str, clock: str) -> datetime:
    """'2026-11-03', '10:00:00' in Asia/Shanghai (UTC+8, no daylight saving) as UTC."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC) - timedelta(hours=8)


def add_agent(session: Session, job_number: str) -> int:
    return agents.create_agent(session, job_number=job_number, name=f"Agent {job_number}", password="p",
                               sip_password="s", languages=["zh"], skills={}).id


def outbound_call(session: Session, agent_id: int, number: str, answered_at: datetime, seconds: int,
                  campaign: str | None = None) -> str:
    """An agent's call to `number` (for `campaign`), answered at `answered_at` after 10 s of ringing, talking
    `seconds`."""
    call = calls.open_outbound(session, channel_id=new_id(), agent_id=agent_id, number=number)
    if campaign is not None:
        record_campaign_call(session, call.id, campaign)
    return _answered_and_ended(session, call, agent_id, answered_at, seconds)


def inbound_call(session: Session, agent_id: int, caller: Investor, number: str, answered_at: datetime,
                 seconds: int) -> str:
    """A client's call from `number` into the hotline, identified by it, answered by the agent."""
    call = calls.open_call(session, channel_id=new_id(), caller_number=number, dialed_number="95500")
    calls.identify(session, call.id, caller, "number")
    return _answered_and_ended(session, call, agent_id, answered_at, seconds)


def _answered_and_ended(session: Session, call: Call, agent_id: int, answered_at: datetime, seconds: int) -> str:
    """The call entered 10 s before `answered_at`, answered by the agent then, ended `seconds` later."""
    call.entered_at = answered_at - timedelta(seconds=10)
    calls.mark_answered(session, call.id, agent_id)
    call.answered_at = answered_at
    calls.finish(session, call.id, status=CallStatus.COMPLETED, hangup_by="agent",
                 at=answered_at + timedelta(seconds=seconds))
    return call.id
