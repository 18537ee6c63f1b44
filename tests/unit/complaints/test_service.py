"""The complaints service on both backends: opened once per source with its deadlines and history, acknowledged
and resolved through the outbox by the channel it came in on, escalated when overdue (a test clock), and bad
input refused with nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm_core.agents import create_agent
from crm_core.complaints import service
from crm_core.complaints.deadlines import parse_policy
from crm_core.complaints.rules import ComplaintRules
from crm_core.complaints.service import Attachment, ComplaintRejected
from crm_core.db import Database
from crm_core.models import Complaint, ComplaintStep, Investor, InvestorContact, Notification, StaffProfile
from crm_core.surveys.calendar import Calendar

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
RULES = ComplaintRules(parse_policy("default=1/15"), Calendar("CN"), supervisor="9001", head_of_service="9002")


def client(database: Database) -> int:
    with database.session() as session:
        investor = Investor(account_number="100000001", name="Chen Jing", investor_class="retail", language="en")
        session.add(investor)
        session.flush()
        session.add(InvestorContact(investor_id=investor.id, channel="email", value="chen@example.com"))
        return investor.id


def staff(database: Database) -> int:
    with database.session() as session:
        owner = create_agent(session, job_number="1003", name="Zhou Jie", password="x" * 12, sip_password="s1003",
                             languages=["zh"], skills={"complaints": 9})
        create_agent(session, job_number="9005", name="Sun Li", password="x" * 12, sip_password="s9005",
                     languages=["zh"], skills={}, role="supervisor")
        session.add(StaffProfile(agent_id=owner.id, attributes={"supervisor": "9005"}))
        return owner.id


def test_a_complaint_by_fax_is_opened_once_and_acknowledged_back_to_the_fax(database: Database) -> None:
    investor_id = client(database)
    for _ in range(2):  # the same fax reported twice: one complaint
        with database.session() as session:
            row = service.open_complaint(session, category="trading", summary="order not filled", channel="fax",
                                         now=NOW, rules=RULES, actor="fax:02168881234", investor_id=investor_id,
                                         sender="02168881234", source_key="fax:1700000000.1",
                                         attachments=[Attachment("fax.pdf", "application/pdf", b"%PDF-1.4 x", 2)])
            complaint_id = row.id
    with database.session() as session:
        row = service.get(session, complaint_id)
        assert (row.status, row.channel, row.sender) == ("acknowledged", "fax", "02168881234")
        assert row.acknowledge_by == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
        assert row.resolve_by == datetime(2026, 12, 22, 16, 0, tzinfo=UTC)
        assert [s.action for s in service.steps_of(session, complaint_id)] == ["opened", "attached", "acknowledged"]
        [pages] = service.attachments_of(session, complaint_id)
        assert (pages.name, pages.pages, pages.content) == ("fax.pdf", 2, b"%PDF-1.4 x")
        [ack] = session.scalars(select(Notification)).all()
        assert (ack.key, ack.channel, ack.address, ack.template) == (
            f"complaint:{complaint_id}:ack", "fax", "02168881234", "complaint_ack")
        assert session.scalar(select(func.count()).select_from(Complaint)) == 1


def test_resolved_the_client_is_told_by_the_channel_it_came_in_on(database: Database) -> None:
    investor_id = client(database)
    with database.session() as session:
        complaint_id = service.open_complaint(session, category="fees", summary="fee too high", channel="web",
                                              now=NOW, rules=RULES, actor="web", investor_id=investor_id).id
    with database.session() as session:
        service.resolve(session, complaint_id, "The fee was refunded.", NOW + timedelta(days=2), RULES, "agent:1003")
        with pytest.raises(ComplaintRejected, match="already closed"):
            service.resolve(session, complaint_id, "again", NOW + timedelta(days=2), RULES, "agent:1003")
    with database.session() as session:
        row = service.get(session, complaint_id)
        assert (row.status, row.resolution, row.closed_at) == ("closed", "The fee was refunded.",
                                                               NOW + timedelta(days=2))
        notices = session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [(n.key, n.channel, n.address) for n in notices] == [
            (f"complaint:{complaint_id}:ack", "email", "chen@example.com"),
            (f"complaint:{complaint_id}:resolution", "email", "chen@example.com")]
        assert notices[1].data["resolution"] == "The fee was refunded."
        assert service.steps_of(session, complaint_id)[-1].action == "resolved"


def test_an_unknown_sender_waits_for_a_match_then_is_acknowledged(database: Database) -> None:
    investor_id = client(database)
    with database.session() as session:
        complaint_id = service.open_complaint(session, category="general", summary="who answers?", channel="email",
                                              now=NOW, rules=RULES, actor="email", sender="stranger@example.org").id
    with database.session() as session:
        assert service.get(session, complaint_id).status == "open"
        with pytest.raises(ComplaintRejected, match="has no client yet"):
            service.acknowledge(session, complaint_id, NOW, RULES, "agent:1003")
        service.acknowledge(session, complaint_id, NOW, RULES, "agent:1003", investor_id=investor_id)
    with database.session() as session:
        assert [s.action for s in service.steps_of(session, complaint_id)] == [
            "opened", "unmatched", "matched", "acknowledged"]
        [ack] = session.scalars(select(Notification)).all()
        assert (ack.channel, ack.address) == ("email", "stranger@example.org")  # told where it came from


def test_overdue_complaints_escalate_to_the_owner_s_supervisor_then_the_head(database: Database) -> None:
    owner_id = staff(database)
    with database.session() as session:
        unmatched = service.open_complaint(session, category="general", summary="no reply", channel="email",
                                           now=NOW, rules=RULES, actor="email", sender="x@example.org",
                                           owner_id=owner_id).id
    clock = NOW + timedelta(hours=12)
    with database.session() as session:
        assert service.escalate_overdue(session, clock, RULES) == []  # within the day
    clock = datetime(2026, 12, 2, 16, 0, 1, tzinfo=UTC)  # Wednesday 24:00 Shanghai: acknowledge deadline passed
    with database.session() as session:
        [first] = service.escalate_overdue(session, clock, RULES)
        assert (first.complaint_id, first.level, first.to) == (unmatched, 1, "9005")
        assert service.escalate_overdue(session, clock + timedelta(minutes=5), RULES) == []
    clock = datetime(2026, 12, 4, 16, 0, 1, tzinfo=UTC)  # a working day later
    with database.session() as session:
        [second] = service.escalate_overdue(session, clock, RULES)
        assert (second.level, second.to) == (2, "9002")
        assert service.escalate_overdue(session, clock + timedelta(days=30), RULES) == []  # the last level
    with database.session() as session:
        steps = [s for s in service.steps_of(session, unmatched) if s.action == "escalated"]
        assert [s.detail.split(":")[0] for s in steps] == ["to the owner's supervisor 9005",
                                                           "to the head of service 9002"]


def test_bad_input_is_refused_and_writes_nothing(database: Database) -> None:
    investor_id = client(database)
    with database.session() as session:
        for bad, reason in [({"channel": "pigeon"}, "channel must be one of"), ({"summary": " "}, "summary"),
                            ({"severity": "dire"}, "severity must be one of"), ({"investor_id": 999}, "no investor")]:
            fields = {"category": "fees", "summary": "x", "channel": "phone", "investor_id": investor_id, **bad}
            with pytest.raises(ComplaintRejected, match=reason):
                service.open_complaint(session, now=NOW, rules=RULES, actor="t", **fields)  # type: ignore[arg-type]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 0
        assert session.scalar(select(func.count()).select_from(ComplaintStep)) == 0
