"""The complaints mailbox's inbound SMTP (aiosmtpd): the brokerage's mail server forwards what it receives for
the complaints address (`complaints.mailbox`) to this receiver (`complaints.mail_bind`:`mail_port`), which makes
each message a complaint (crm_core.complaints.intake: once per Message-ID, acknowledged by e-mail when the sender
is a known client). No IMAP: the hotline never fetches mail, it is delivered to it.

Answers: 550 for a recipient other than the mailbox and for a message too large or that cannot be a complaint
(the sender's server bounces it with the reason); 451 when the complaint could not be written (a transient
failure: the forwarding server keeps the message and tries again, so nothing is lost); 250 with the complaint's
reference once it is written."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from aiosmtpd.smtp import SMTP

from crm_core.complaints.intake import MailReceived
from crm_core.complaints.service import Attachment, ComplaintRejected

logger = logging.getLogger(__name__)


class MailRejected(ValueError):
    """The message cannot be a complaint (no sender, no content): bounced with the reason."""


def parse_mail(raw: bytes) -> MailReceived:
    """One parser of an inbound e-mail: sender, Message-ID, subject, the plain text (or HTML's), attachments."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    sender = parseaddr(str(message.get("From", "")))[1].strip()
    if "@" not in sender:
        raise MailRejected("the message has no From address to answer")
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    attachments = []
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        content = part.get_payload(decode=True)
        if isinstance(content, bytes) and content:
            attachments.append(Attachment(part.get_filename() or "attachment", part.get_content_type(), content))
    return MailReceived(str(message.get("Message-ID", "")).strip(), sender, str(message.get("Subject", "")),
                        str(text), attachments)


@dataclass
class ComplaintMailbox:
    """aiosmtpd handler. `accept` writes the complaint (blocking: run in the executor) and returns its reference."""

    mailbox: str
    accept: Callable[[MailReceived], str]
    max_bytes: int = 10 * 1024 * 1024

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address.strip().lower() != self.mailbox.strip().lower():
            return f"550 5.1.1 <{address}>: this server receives only for {self.mailbox}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or b""
        if len(raw) > self.max_bytes:
            return f"552 5.3.4 a complaint may be at most {self.max_bytes} bytes"
        try:
            mail = parse_mail(raw)
            reference = await asyncio.get_running_loop().run_in_executor(None, self.accept, mail)
        except (MailRejected, ComplaintRejected) as error:
            return f"550 5.6.0 not a complaint: {error}"
        except Exception:  # a database that does not answer: the forwarding server tries again later
            logger.exception("complaint e-mail from %s not written", envelope.mail_from)
            return "451 4.3.0 the complaint could not be written now; try again later"
        logger.info("complaint %s from the e-mail %s of %s", reference, mail.message_id, mail.sender)
        return f"250 2.0.0 complaint {reference} received"


async def serve(handler: ComplaintMailbox, host: str, port: int) -> asyncio.Server:
    """The receiver on the running loop (the service's)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SMTP(handler, hostname="hotline-complaints",
                                                 data_size_limit=handler.max_bytes), host, port)
