"""Complaints that arrive by themselves: the sender found by fax or phone number and by e-mail address, each opened
once per source, and the AGI handler of the complaints fax number reading what the dialplan hands it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from agi.handlers import AgiDeps, AgiRequest, complaint_fax
from crm_core.complaints import intake, service
from crm_core.complaints.intake import FaxReceived, MailReceived
from crm_core.complaints.rules import ComplaintRules
from crm_core.complaints.service import Attachment, ComplaintRejected
from crm_core.db import Database
from crm_core.models import Investor, InvestorContact, InvestorDetail, InvestorPhone

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
RULES = ComplaintRules()


def clients(database: Database) -> tuple[int, int]:
    with database.session() as session:
        one = Investor(account_number="100000001", name="Chen Jing", investor_class="retail")
        two = Investor(account_number="100000002", name="Li Wei", investor_class="retail")
        session.add_all([one, two])
        session.flush()
        session.add_all([InvestorContact(investor_id=one.id, channel="fax", value="021-6888 1234"),
                         InvestorPhone(investor_id=two.id, number="+86 138 0000 0002"),
                         InvestorDetail(investor_id=two.id, email="Li.Wei@Example.com")])
        return one.id, two.id


def test_senders_are_found_by_number_and_address(database: Database) -> None:
    one, two = clients(database)
    with database.session() as session:
        assert intake.client_by_number(session, "02168881234") == one
        assert intake.client_by_number(session, "13800000002") == two
        assert intake.client_by_number(session, "99999") is None and intake.client_by_number(session, "") is None
        assert intake.client_by_email(session, " li.wei@example.COM ") == two
        assert intake.client_by_email(session, "nobody") is None


def test_an_email_a_web_form_and_a_letter_are_opened_once_each(database: Database) -> None:
    _, two = clients(database)
    mail = MailReceived("<abc@mail.example>", "li.wei@example.com", "Late fill", "My order was late.",
                        [Attachment("order.png", "image/png", b"\x89PNG...")])
    with database.session() as session:
        first = intake.from_email(session, mail, NOW, RULES).id
        assert intake.from_email(session, mail, NOW, RULES).id == first
        row = service.get(session, first)
        assert (row.investor_id, row.channel, row.status, row.summary) == (
            two, "email", "acknowledged", "Late fill\n\nMy order was late.")
        scan = Attachment("letter.pdf", "application/pdf", b"%PDF-1.4 letter")
        letter = intake.from_letter(session, "100000002", "fees", "Fee too high (letter)", scan, NOW, RULES,
                                    "agent:1001")
        assert intake.from_letter(session, "100000002", "fees", "again", scan, NOW, RULES, "agent:1001").id == \
            letter.id
        assert (letter.channel, letter.investor_id) == ("letter", two)
        with pytest.raises(ComplaintRejected, match="no client with account number '404'"):
            intake.from_letter(session, "404", "fees", "x", scan, NOW, RULES, "agent:1001")
        web = intake.from_web(session, two, "service", "The app logs me out", "form-1", NOW, RULES)
        assert intake.from_web(session, two, "service", "The app logs me out", "form-1", NOW, RULES).id == web.id
        assert (web.channel, web.status, web.source_key) == ("web", "acknowledged", f"web:{two}:form-1")
        with pytest.raises(ComplaintRejected, match="needs its request id"):
            intake.from_web(session, two, "service", "x", " ", NOW, RULES)


def test_the_fax_handler_reads_the_dialplan_s_arguments() -> None:
    received: list[FaxReceived] = []
    deps = AgiDeps(db=None, arrivals=None, complaint_fax=received.append)  # type: ignore[arg-type]
    env = {"agi_arg_1": "FAILED", "agi_arg_2": "3", "agi_arg_3": "+8602168881234", "agi_arg_4": "1764640000.42",
           "agi_arg_5": "Far end hung up", "agi_arg_6": " early"}
    assert asyncio.run(complaint_fax(AgiRequest(env, {}), deps)) == {}
    assert received == [FaxReceived("1764640000.42", "+8602168881234", "FAILED", 3, "Far end hung up, early")]
    with pytest.raises(ValueError, match="without a unique id"):
        asyncio.run(complaint_fax(AgiRequest({**env, "agi_arg_4": "../x"}, {}), deps))
