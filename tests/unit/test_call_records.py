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


def test_an_outbound_call_is_linked_to_the_investor_and_its_cdr_runs_agent_to_number(database: Database) -> None:
    from crm_core.models import InvestorPhone

    with database.session() as session:
        agent = agents.create_agent(session, job_number="9002", name="B", password="p", sip_password="s",
                                    languages=["zh"], skills={})
        investor = Investor(account_number="777", name="W", vip=True)
        session.add(investor)
        session.flush()
        session.add(InvestorPhone(investor_id=investor.id, number="13800000007"))
        session.flush()
        known = calls.open_outbound(session, channel_id="dial-1", agent_id=agent.id, number="13800000007")
        unknown = calls.open_outbound(session, channel_id="dial-2", agent_id=agent.id, number="13900000000")
        assert (known.direction, known.status, known.investor_id, known.vip) == ("outbound", "ringing",
                                                                                 investor.id, True)
        assert unknown.investor_id is None and not unknown.vip
        calls.mark_answered(session, known.id, agent.id)
        calls.finish(session, known.id, status=CallStatus.COMPLETED, hangup_by="agent")
        known_id, investor_id = known.id, investor.id
    with database.session() as session:
        cdr = session.scalars(select(CallDetailRecord).where(CallDetailRecord.call_id == known_id)).one()
        assert (cdr.source, cdr.destination, cdr.disposition) == ("agent9002", "13800000007", "ANSWERED")
        [dialled, *_] = calls.events_of(session, known_id)
        assert dialled.kind == "dialled" and dialled.detail["investor_id"] == investor_id


def test_a_transfer_hands_the_call_to_the_new_agent(database: Database) -> None:
    with database.session() as session:
        first = agents.create_agent(session, job_number="9003", name="C", password="p", sip_password="s",
                                    languages=["zh"], skills={})
        second = agents.create_agent(session, job_number="9004", name="D", password="p", sip_password="s",
                                     languages=["zh"], skills={})
        call = calls.open_call(session, channel_id="c3", caller_number="13800000002", dialed_number="95500")
        calls.mark_answered(session, call.id, first.id)
        calls.mark_transferred(session, call.id, from_agent_id=first.id, to_agent_id=second.id, attended=True)
        assert calls.get_call(session, call.id).agent_id == second.id
        assert calls.get_call(session, call.id).direction == "inbound"
        event = calls.events_of(session, call.id)[-1]
        assert event.kind == "transferred" and event.detail == {"from_agent_id": first.id, "to_agent_id": second.id,
                                                                "to_number": None, "attended": True}


def test_a_blind_transfers_second_answer_keeps_the_first_answer_time(database: Database) -> None:
    """The caller's wait (ASA) and the billed talk run from the first answer, not from the new agent's."""
    with database.session() as session:
        first = agents.create_agent(session, job_number="9005", name="E", password="p", sip_password="s",
                                    languages=["zh"], skills={})
        second = agents.create_agent(session, job_number="9006", name="F", password="p", sip_password="s",
                                     languages=["zh"], skills={})
        call = calls.open_call(session, channel_id="c4", caller_number="13800000002", dialed_number="95500")
        calls.mark_answered(session, call.id, first.id)
        row = calls.get_call(session, call.id)
        row.queued_at = row.entered_at
        row.answered_at = row.entered_at + timedelta(seconds=10)
        calls.mark_transferred(session, call.id, from_agent_id=first.id, to_agent_id=second.id, attended=False)
        calls.mark_answered(session, call.id, second.id)  # the blind transfer's target answers
        assert (row.agent_id, row.answered_at) == (second.id, row.entered_at + timedelta(seconds=10))
        calls.finish(session, call.id, status=CallStatus.COMPLETED, hangup_by="caller",
                     at=row.entered_at + timedelta(seconds=100))
        cdr = session.scalars(select(CallDetailRecord).where(CallDetailRecord.call_id == call.id)).one()
        assert (cdr.wait_seconds, cdr.billable_seconds) == (10, 90)
