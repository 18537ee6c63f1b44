"""Complaints' intake wiring: a fax received on the complaints number (Asterisk's ReceiveFAX into the instance's
spool/fax/complaints) is made a PDF (gateways/fax_documents.py) and a complaint (crm_core.complaints.intake),
then its TIFF is removed; one that cannot be made stays in the spool with the reason logged. The complaints
mailbox's SMTP receiver (gateways/complaint_mail.py) makes each e-mail a complaint."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from crm_core.complaints.intake import FaxReceived, MailReceived, from_email, from_fax
from crm_core.complaints.service import ComplaintRules, reference
from crm_core.db import Database
from crm_core.models.base import utcnow
from gateways.complaint_mail import ComplaintMailbox
from gateways.fax_documents import fax_tiff_to_pdf, tiff_pages
from hotline.asterisk.instance import AsteriskInstance
from hotline.settings import Settings

logger = logging.getLogger(__name__)


def fax_inbox(instance: AsteriskInstance) -> Path:
    inbox = instance.host_base / "spool" / "fax" / "complaints"
    inbox.mkdir(parents=True, exist_ok=True)
    return inbox


def complaint_rules(settings: Settings) -> ComplaintRules:
    return settings.complaints.rules(settings.notify.policy())


def build_fax_intake(settings: Settings, instance: AsteriskInstance,
                     database: Database) -> Callable[[FaxReceived], int | None]:
    inbox, rules = fax_inbox(instance), complaint_rules(settings)

    def received(fax: FaxReceived) -> int | None:
        """The complaint's id; None when no page came (nothing to keep)."""
        path = inbox / f"{fax.unique_id}.tif"
        if not path.is_file() or path.stat().st_size == 0:
            logger.warning("complaint fax %s from %s: no pages received (%s %s)", fax.unique_id, fax.sender,
                           fax.status, fax.error)
            return None
        pages = tiff_pages(path)
        pdf = fax_tiff_to_pdf(path)
        with database.session() as session:
            complaint = from_fax(session, dataclasses.replace(fax, pages=pages), pdf, utcnow(), rules)
            complaint_id = complaint.id
        path.unlink()  # kept in the database now, with the complaint
        logger.info("complaint %d from the fax %s of %s (%d pages, %s)", complaint_id, fax.unique_id, fax.sender,
                    pages, fax.status)
        return complaint_id

    return received


def build_mailbox(settings: Settings, database: Database) -> ComplaintMailbox | None:
    """The complaints mailbox's SMTP handler, or None when `complaints.mail_port` is 0."""
    c = settings.complaints
    if c.mail_port <= 0:
        return None
    rules = complaint_rules(settings)

    def accept(mail: MailReceived) -> str:
        with database.session() as session:
            return reference(from_email(session, mail, utcnow(), rules))

    return ComplaintMailbox(c.mailbox, accept, c.mail_max_bytes)
