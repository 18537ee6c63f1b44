"""E-mail through a real SMTP server (aiosmtpd) on loopback: the dispatcher sends a fill report once, a dead
server makes it wait and go when it is back, a refused recipient falls back, a stop between the send and
the status write never sends twice, a statement goes as a PDF attachment with the client's figures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from crm_core.db import AsyncDatabase, Database
from crm_core.documents.send import queue_document
from crm_core.models import InvestorDetail
from crm_core.notifications.outbox import Outgoing, sent
from crm_core.notifications.sending import Sent
from gateways.dispatcher import Dispatcher
from gateways.smtp import SmtpSender, build_message, message_id
from gateways.smtp_settings import SmtpSettings
from tests.support.smtp import SmtpServer
from tests.unit.notify.test_fax import pdf_text
from tests.unit.notify.test_outbox import NOON, POLICY, client, fill_report, row
from tests.unit.trading.conftest import ACCOUNT, NOW, Desk
from tests.unit.trading.conftest import desk as desk  # noqa: PLC0414 - the seeded client, as a fixture here

T = TypeVar("T")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def dispatch(database: Database, server: SmtpServer, clock: Clock, runner: Any = None) -> int:
    """One round of the dispatcher with the e-mail sender only."""
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=server.port, sender="Hotline <service@hotline.example>",
                                     timeout_seconds=5))

    async def once() -> int:
        with ThreadPoolExecutor(2) as executor:
            db = runner or AsyncDatabase(database, executor)
            if runner is not None:
                runner.inner = AsyncDatabase(database, executor)
            return await Dispatcher(db, {"email": sender}, POLICY, clock=clock).run_once()

    return asyncio.run(once())


def test_a_fill_report_arrives_once_as_proper_mime(database: Database, smtp_server: SmtpServer) -> None:
    investor = client(database, language="en")
    notification_id = fill_report(database, investor, channel="email")
    assert dispatch(database, smtp_server, Clock(NOON)) == 1
    (message,) = smtp_server.mailbox.messages
    assert message["To"] == "wang@example.com" and message["From"] == "Hotline <service@hotline.example>"
    assert message["Subject"] == "Fill report: buy 100 招商银行 (600036)"
    assert message["X-Hotline-Notification"] == "fill:1" and "fill.1" in message["Message-ID"]
    body = message.get_body(("plain",))
    assert body is not None and "100 shares at 38.60 yuan, amount 3,860.00 yuan" in body.get_content()
    n = row(database, notification_id)
    assert n.status == "sent" and n.provider_id == message["Message-ID"]
    assert dispatch(database, smtp_server, Clock(NOON + timedelta(minutes=5))) == 0
    assert len(smtp_server.mailbox.messages) == 1


def test_a_dead_smtp_server_makes_it_wait_and_it_goes_once_when_back(database: Database,
                                                                      smtp_server: SmtpServer) -> None:
    investor = client(database)
    notification_id = fill_report(database, investor, channel="email")
    smtp_server.stop()
    clock = Clock(NOON)
    dispatch(database, smtp_server, clock)
    n = row(database, notification_id)
    assert n.status == "retry" and "unavailable" in n.reason and n.due_at == NOON + timedelta(seconds=10)
    smtp_server.start()
    assert dispatch(database, smtp_server, clock) == 0  # not before its time
    clock.now += timedelta(seconds=10)
    assert dispatch(database, smtp_server, clock) == 1
    assert len(smtp_server.mailbox.messages) == 1 and row(database, notification_id).status == "sent"


def test_a_refused_recipient_falls_back_to_sms_at_once(database: Database, smtp_server: SmtpServer) -> None:
    investor = client(database)
    smtp_server.mailbox.refuse.add("wang@example.com")
    notification_id = fill_report(database, investor, channel="email")
    dispatch(database, smtp_server, Clock(NOON))
    n = row(database, notification_id)
    assert (n.status, n.channel, n.address, n.due_at) == ("retry", "sms", "13800000001", NOON)
    assert "550" in n.reason and smtp_server.mailbox.messages == []


class StopsBeforeTheStatusIsWritten:
    """The database runner of a service killed right after the server accepted the message."""

    inner: AsyncDatabase

    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if work is sent:
            raise SystemExit("killed")
        return await self.inner.run(work, *args, **kwargs)


def test_a_stop_between_the_send_and_the_status_write_never_sends_twice(database: Database,
                                                                         smtp_server: SmtpServer) -> None:
    investor = client(database)
    notification_id = fill_report(database, investor, channel="email")
    try:
        dispatch(database, smtp_server, Clock(NOON), runner=StopsBeforeTheStatusIsWritten())
    except SystemExit:
        pass
    assert len(smtp_server.mailbox.messages) == 1 and row(database, notification_id).status == "sending"

    async def next_start() -> None:  # the next service recovers, then dispatches for a while
        with ThreadPoolExecutor(2) as executor:
            sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=smtp_server.port))
            dispatcher = Dispatcher(AsyncDatabase(database, executor), {"email": sender}, POLICY,
                                    every_seconds=0.05, clock=lambda: NOON + timedelta(hours=1))
            task = asyncio.create_task(dispatcher.run_forever())
            await asyncio.sleep(0.5)
            task.cancel()

    asyncio.run(next_start())
    assert len(smtp_server.mailbox.messages) == 1 and row(database, notification_id).status == "unknown"


def test_attachments_are_mime_parts_with_their_type() -> None:
    outgoing = Outgoing(1, "document:1", "email", "a@example.com", "en", "Statement", "See attached.", "",
                        (("statement.pdf", "application/pdf", b"%PDF-1.4 test"),))
    message = build_message(SmtpSettings(), outgoing)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf" and attachment.get_filename() == "statement.pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"


def test_a_long_voice_call_holds_back_no_email_and_voice_keeps_its_limit(database: Database,
                                                                          smtp_server: SmtpServer) -> None:
    """The voice sender here is a stand-in for a minute-long call (it ends when the test says so); e-mail is
    the real one. A voice call in progress must not hold back an e-mail, and voice calls keep to their limit."""
    investor = client(database)
    calls = [fill_report(database, investor, key=f"voice:{n}", channel="voice") for n in range(2)]
    mail = fill_report(database, investor, key="mail:1", channel="email")
    started: list[str] = []

    async def scenario() -> None:
        hang_up = asyncio.Event()

        async def voice(outgoing: Outgoing) -> Sent:
            started.append(outgoing.key)
            await hang_up.wait()
            return Sent(f"call-{outgoing.id}", delivered=True)

        email = SmtpSender(SmtpSettings(host="127.0.0.1", port=smtp_server.port))
        with ThreadPoolExecutor(2) as executor:
            dispatcher = Dispatcher(AsyncDatabase(database, executor), {"voice": voice, "email": email}, POLICY,
                                    every_seconds=0.05, clock=lambda: NOON, concurrency={"voice": 1})
            task = asyncio.create_task(dispatcher.run_forever())
            for _ in range(100):
                if smtp_server.mailbox.messages:
                    break
                await asyncio.sleep(0.05)
            assert started == ["voice:0"] and len(smtp_server.mailbox.messages) == 1  # mail went during the call
            hang_up.set()
            for _ in range(100):
                if row(database, calls[1]).status == "delivered":
                    break
                await asyncio.sleep(0.05)
            task.cancel()

    asyncio.run(scenario())
    assert started == ["voice:0", "voice:1"]
    assert [row(database, n).status for n in (*calls, mail)] == ["delivered", "delivered", "sent"]


def test_the_message_id_is_the_same_for_every_attempt_at_one_notification_and_differs_between_two() -> None:
    first = message_id("reply:7:0a1b", "hotline.example")
    assert first == message_id("reply:7:0a1b", "hotline.example") and first.startswith("<reply.7.0a1b.")
    assert first.endswith("@hotline.example>") and message_id("reply.7.0a1b", "hotline.example") != first
    assert message_id("faxback:call 1:0216", "x.cn").count("@") == 1 and " " not in message_id("a b", "x.cn")


def test_a_statement_by_email_is_multipart_mixed_with_the_pdf_of_the_clients_figures(
        desk: Desk, smtp_server: SmtpServer, tmp_path: Path) -> None:
    with desk.db.session() as session:
        session.add(InvestorDetail(investor_id=desk.investor_id, email="zhang@example.com"))
        notification = queue_document(session, desk.investor_id, "statement", key="statement:mail", now=NOW,
                                      policy=POLICY, channel="email", broker=desk.broker)
        [account] = notification.data["document"]["accounts"]
    assert dispatch(desk.db, smtp_server, Clock(NOW)) == 1
    (message,) = smtp_server.mailbox.messages
    assert message.get_content_type() == "multipart/mixed" and message["To"] == "zhang@example.com"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "application/pdf"]
    body = message.get_body(("plain",))
    assert body is not None and "附件是您截至" in body.get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "statement.pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)  # the same statement the fax sends, read back out of the mailbox's PDF
    assert "对账单" in text and "张三" in text and ACCOUNT in text and "600036" in text and "000001" in text
    assert f"{account['funds']['total'] / 100:,.2f}" in text
    assert row(desk.db, notification.id).status == "sent"
