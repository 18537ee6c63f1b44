"""Call records: the timeline, the CDR's durations and disposition, and closing a call only once."""

from datetime import timedelta

from sqlalchemy import select

from crm_core import agents, calls
from crm_core.db import Database
from crm_core.models import CallDetailRecord, CallStatus, Investor


def test_answered_call_gets_a_cdr_with_wait_and_talk_time(database: Database) -> None:
    with database.session() as session:
        agent = agents.create_agent(session, job_number="9001", name="A", password="p", sip_password="s",
                                    languages=["zh"], skills={"trading": 5})
        call = calls.open_call(session, channel_id="c1", caller_number="13800000002", dialed_number="95500")
        calls.mark_queued(session, call.id, category="trading", language="zh", priority=0)
        calls.mark_offered(session, call.id, agent_id=agent.id, job_number="9001", reason="skill")
        calls.mark_answered(session, call.id, agent.id)
        row = calls.get_call(session, call.id)
        row.queued_at = row.entered_at + timedelta(seconds=5)
        row.answered_at = row.entered_at + timedelta(seconds=12)
        calls.finish(session, call.id, status=CallStatus.COMPLETED, hangup_by="caller",
                     at=row.entered_at + timedelta(seconds=72))
        calls.finish(session, call.id, status=CallStatus.ABANDONED, hangup_by="agent")  # ignored: already closed
        call_id = call.id
    with database.session() as session:
        cdr = session.scalars(select(CallDetailRecord).where(CallDetailRecord.call_id == call_id)).one()
        assert (cdr.duration_seconds, cdr.wait_seconds, cdr.billable_seconds) == (72, 7, 60)
        assert cdr.disposition == "ANSWERED" and cdr.agent_job_number == "9001" and cdr.destination == "agent9001"
        assert calls.get_call(session, call_id).hangup_by == "caller"
        kinds = [e.kind for e in calls.events_of(session, call_id)]
        assert kinds == ["entered", "queued", "offered", "answered", "hangup"]


def test_identification_by_account_marks_vip(database: Database) -> None:
    with database.session() as session:
        investor = Investor(account_number="555", name="V", vip=True)
        session.add(investor)
        call = calls.open_call(session, channel_id="c2", caller_number="", dialed_number="95500")
        calls.identify(session, call.id, None, "number", tried="")
        calls.identify(session, call.id, investor, "account", tried="555")
        row = calls.get_call(session, call.id)
        assert row.vip and row.identified_by == "account" and row.investor_id == investor.id
