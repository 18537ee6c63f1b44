"""E-mail through the configured SMTP server (aiosmtplib): TLS or STARTTLS, authentication, a proper MIME
message (multipart/mixed: the text, then each attachment; a document, which crm_core hands over as HTML, goes
as the PDF the fax is made from, gateways/fax_documents.py); its Message-ID is made from the notification's
idempotency key alone, so that every attempt at one notification (an operator's retry of one left `unknown` by
a stopped service) carries the same Message-ID and a receiving system that keeps one message per Message-ID
shows it once."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import replace
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from crm_core.notifications.outbox import Outgoing
from crm_core.notifications.sending import SendFailed, Sent
from gateways.fax_documents import DocumentError, html_to_pdf
from gateways.smtp_settings import SmtpSettings

logger = logging.getLogger(__name__)


def build_message(settings: SmtpSettings, outgoing: Outgoing) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = outgoing.address
    message["Subject"] = outgoing.subject
    message["Date"] = formatdate(localtime=False)
    domain = settings.sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
    message["Message-ID"] = message_id(outgoing.key, domain)
    message["X-Hotline-Notification"] = outgoing.key
    message.set_content(outgoing.text, charset="utf-8")
    for filename, mime_type, content in outgoing.attachments:
        maintype, subtype = mime_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def message_id(key: str, domain: str) -> str:
    """The same for every attempt at one notification: its key in the characters a Message-ID allows, and a
    digest of the exact key (two keys that read alike, `fill:1` and `fill.1`, stay apart)."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", ".", key).strip(".") or "notification"
    return f"<{readable}.{hashlib.sha256(key.encode()).hexdigest()[:12]}@{domain}>"


Attachment = tuple[str, str, bytes]


def as_pdfs(attachments: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    """HTML documents (crm_core.documents: `statement.html`) as PDFs (`statement.pdf`); others as they are."""
    return tuple((f"{name.rsplit('.', 1)[0]}.pdf", "application/pdf", html_to_pdf(content.decode()))
                 if mime == "text/html" else (name, mime, content) for name, mime, content in attachments)


class SmtpSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    async def __call__(self, outgoing: Outgoing) -> Sent:
        try:
            attachments = await asyncio.to_thread(as_pdfs, outgoing.attachments)
        except DocumentError as exc:
            raise SendFailed(f"e-mail attachment not made: {exc}") from exc
        message = build_message(self.settings, replace(outgoing, attachments=attachments))
        s = self.settings
        try:
            await aiosmtplib.send(message, hostname=s.host, port=s.port, username=s.username or None,
                                  password=s.password or None, use_tls=s.security == "tls",
                                  start_tls=s.security == "starttls", timeout=s.timeout_seconds)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(f"recipient refused: {exc}", permanent=True) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise SendFailed(f"SMTP {exc.code}: {exc.message}", permanent=500 <= exc.code < 600) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"SMTP server {s.host}:{s.port} unavailable: {exc}") from exc
        return Sent(str(message["Message-ID"]))
