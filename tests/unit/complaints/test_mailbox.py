"""The complaints mailbox's SMTP receiver (aiosmtpd, on loopback, on its own loop as in the service): an e-mail
sent with smtplib becomes a complaint with its attachment, acknowledged by e-mail to its sender; the same message
forwarded again is the same complaint; another recipient, a message without a sender and a database failure are
answered so that the sending server bounces it or tries again, and nothing is lost."""

from __future__ import annotations

import asyncio
import smtplib
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from crm_core.complaints import service
from crm_core.complaints.intake import MailReceived
from crm_core.db import Database
from crm_core.models import Complaint, Investor, InvestorDetail, Notification
from gateways.complaint_mail import ComplaintMailbox, serve
from hotline.complaint_wiring import build_mailbox
from hotline.settings import load_settings
from tests.support.ports import free_port

MAILBOX = "complaints@hotline.example"


def running(handler: ComplaintMailbox) -> Iterator[int]:
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop = asyncio.Event()

    async def main() -> None:
        server = await serve(handler, "127.0.0.1", port)
        started.set()
        await stop.wait()
        server.close()
        await server.wait_closed()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert started.wait(10)
    yield port
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    loop.close()


@pytest.fixture
def mailbox_port(database: Database) -> Iterator[int]:
    settings = load_settings(environ={"HOTLINE_COMPLAINTS_MAIL_PORT": "1", "HOTLINE_COMPLAINTS_MAILBOX": MAILBOX})
    handler = build_mailbox(settings, database)
    assert handler is not None
    yield from running(handler)


def letter(sender: str = "Li Wei <li.wei@example.com>") -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, MAILBOX, "Late fill"
    message["Message-ID"] = "<c1@mail.example>"
    message.set_content("My order of 600519 was filled an hour late.")
    message.add_attachment(b"%PDF-1.4 order", maintype="application", subtype="pdf", filename="order.pdf")
    return message


def test_an_email_to_the_mailbox_makes_a_complaint_acknowledged_by_email(database: Database,
                                                                        mailbox_port: int) -> None:
    with database.session() as session:
        investor = Investor(account_number="100000002", name="Li Wei", investor_class="retail")
        session.add(investor)
        session.flush()
        session.add(InvestorDetail(investor_id=investor.id, email="li.wei@example.com"))
        investor_id = investor.id
    with smtplib.SMTP("127.0.0.1", mailbox_port, timeout=10) as smtp:
        for _ in range(2):  # forwarded twice: one complaint
            smtp.send_message(letter())
    with database.session() as session:
        [row] = session.scalars(select(Complaint)).all()
        assert (row.channel, row.investor_id, row.sender, row.status, row.source_key) == (
            "email", investor_id, "li.wei@example.com", "acknowledged", "email:<c1@mail.example>")
        assert row.summary == "Late fill\n\nMy order of 600519 was filled an hour late."
        [kept] = service.attachments_of(session, row.id)
        assert (kept.name, kept.media_type, kept.content) == ("order.pdf", "application/pdf", b"%PDF-1.4 order")
        [ack] = session.scalars(select(Notification)).all()
        assert (ack.channel, ack.address, ack.template) == ("email", "li.wei@example.com", "complaint_ack")


def test_other_recipients_and_senderless_mail_are_refused_with_the_reason(database: Database,
                                                                         mailbox_port: int) -> None:
    with smtplib.SMTP("127.0.0.1", mailbox_port, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.send_message(letter(), to_addrs=["sales@hotline.example"])
        assert b"receives only for complaints@hotline.example" in refused.value.recipients[
            "sales@hotline.example"][1]
        anonymous = letter(sender="nobody")
        with pytest.raises(smtplib.SMTPDataError) as bounced:
            smtp.send_message(anonymous, from_addr="bounce@example.org")
        assert bounced.value.smtp_code == 550 and b"no From address" in bounced.value.smtp_error
    with database.session() as session:
        assert session.scalars(select(Complaint)).all() == []


def test_a_complaint_that_cannot_be_written_is_retried_by_the_sender() -> None:
    def broken(mail: MailReceived) -> str:
        raise RuntimeError("database unavailable")

    accept: Callable[[MailReceived], str] = broken
    for port in running(ComplaintMailbox(MAILBOX, accept)):
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            with pytest.raises(smtplib.SMTPDataError) as later:
                smtp.send_message(letter())
            assert later.value.smtp_code == 451
