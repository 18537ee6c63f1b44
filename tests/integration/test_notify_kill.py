"""A real kill between the send and the status write: `hotline serve` sends a message to the real SMTP server
(aiosmtpd) or the test SMSC on loopback, and the server, having kept the message, kills the service with
SIGKILL before it answers, so the service dies with the message delivered and its status not written. The
restarted service finds it `sending`, marks it `unknown` (it may have gone: a person checks) and never sends
it by itself again: the mailbox or the SMSC holds exactly one. An operator's `hotline notify retry` sends it
again; an e-mail carries the same Message-ID, made from the idempotency key, both times.

What the brokerage gets is at most once, never twice: SMTP and SMPP have no way to ask whether a message
went, and SMPP none to drop a repeat, so a message cut off there waits for a person (`hotline notify status`
counts the channel's `unknown` ones) rather than risk a second fill report or statement."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crm_core.models import InvestorDetail, Notification
from crm_core.notifications.outbox import events_of
from tests.integration.conftest import Hotline
from tests.support.hotline import add_investor, wait_for
from tests.support.smsc import TestSmsc
from tests.support.smtp import SmtpServer

HOTLINE = str(Path(sys.executable).parent / "hotline")
ACCOUNT, PHONE, EMAIL = "100000021", "13800000021", "client21@example.com"
NOTIFY_ENV = {"HOTLINE_NOTIFY_QUIET_FROM": "00:00", "HOTLINE_NOTIFY_QUIET_UNTIL": "00:00",
              "HOTLINE_NOTIFY_DISPATCH_EVERY_SECONDS": "0.2"}


def notify(hotline: Hotline, *args: str) -> str:
    done = subprocess.run([HOTLINE, "notify", *args], env=hotline.service.env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def notification(hotline: Hotline) -> Notification:
    with hotline.db.session() as session:
        row = session.query(Notification).one()
        session.expunge(row)
        return row


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_service_killed_between_the_send_and_the_status_write_never_sends_twice(
        hotline: Hotline, smtp_server: SmtpServer, smsc: TestSmsc, channel: str) -> None:
    investor_id = add_investor(hotline.db, ACCOUNT, "Client 21", PHONE, language="en")
    with hotline.db.session() as session:
        session.add(InvestorDetail(investor_id=investor_id, email=EMAIL))
    received = smtp_server.mailbox.messages if channel == "email" else smsc.messages
    hotline.service.start(**NOTIFY_ENV, HOTLINE_EMAIL_HOST="127.0.0.1", HOTLINE_EMAIL_PORT=str(smtp_server.port),
                          HOTLINE_SMS_HOST="127.0.0.1", HOTLINE_SMS_PORT=str(smsc.port),
                          HOTLINE_SMS_SYSTEM_ID=smsc.system_id, HOTLINE_SMS_PASSWORD=smsc.password)
    service = hotline.service.process
    assert service is not None

    def kill_the_sender(_: object) -> None:  # the message is kept; the sender has not heard the answer
        smtp_server.mailbox.on_message = smsc.on_submit = None
        os.kill(service.pid, signal.SIGKILL)

    smtp_server.mailbox.on_message = smsc.on_submit = kill_the_sender
    notify(hotline, "send", ACCOUNT, "--subject", "Margin call", "--body", "Please call us today", "--channel",
           channel)

    assert wait_for(lambda: service.poll() is not None, timeout=30), "the service was not killed"
    assert service.returncode == -signal.SIGKILL and len(received) == 1
    killed = notification(hotline)
    assert (killed.status, killed.channel, killed.attempts) == ("sending", channel, 1)  # its status never written

    hotline.service.start()  # the next start
    assert wait_for(lambda: notification(hotline).status == "unknown", timeout=20), notification(hotline)
    wait_for(lambda: len(received) > 1, timeout=3)  # the dispatcher runs every 0.2 s: 15 rounds
    assert len(received) == 1, received
    row = notification(hotline)
    with hotline.db.session() as session:
        life = [(e.status, e.reason) for e in events_of(session, row.id)]
    assert [status for status, _ in life] == ["queued", "sending", "unknown"], life
    assert "may have gone out" in row.reason and row.attempts == 1
    assert f"{channel:<6} unknown   1" in notify(hotline, "status")  # the health summary flags it for a person

    notify(hotline, "retry", str(row.id))  # a person checked: it did not arrive, send it again
    assert wait_for(lambda: notification(hotline).status in {"sent", "delivered"}, timeout=20), notification(hotline)
    assert len(received) == 2
    if channel == "email":
        first, second = smtp_server.mailbox.messages
        assert first["Message-ID"] == second["Message-ID"] == notification(hotline).provider_id
        assert first["Message-ID"].startswith(f"<reply.{investor_id}.")
    else:
        assert [m.text for m in smsc.messages] == ["[Hotline] Please call us today"] * 2
