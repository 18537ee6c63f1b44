"""Complaints' intake wiring: a fax received on the complaints number (Asterisk's ReceiveFAX into the instance's
spool/fax/complaints) is made a PDF (gateways/fax_documents.py) and a complaint (crm_core.complaints.intake),
then its TIFF is removed; one that cannot be made, or that ended while the service was down, stays in the spool and
is made a complaint by the sweep (at start and every few minutes). The complaints
mailbox's SMTP receiver (gateways/complaint_mail.py) makes each e-mail a complaint."""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

from crm_core.complaints.intake import FaxReceived, MailReceived, from_email, from_fax
from crm_core.complaints.rules import ComplaintRules
from crm_core.complaints.service import reference
from crm_core.db import Database
from crm_core.models.base import utcnow
from gateways.complaint_mail import ComplaintMailbox
from gateways.fax_documents import fax_tiff_to_pdf, tiff_pages
from hotline.asterisk.instance import AsteriskInstance
from hotline.settings import Settings, SettingsError

logger = logging.getLogger(__name__)


def fax_inbox(instance: AsteriskInstance) -> Path:
    inbox = instance.host_base / "spool" / "fax" / "complaints"
    inbox.mkdir(parents=True, exist_ok=True)
    return inbox


def complaint_rules(settings: Settings) -> ComplaintRules:
    """Complaints' deadlines, calendar and escalation targets from `[complaints]`; SettingsError names a bad one."""
    try:
        return settings.complaints.rules(settings.notify.policy())
    except ValueError as error:
        raise SettingsError(f"setting complaints: {error}") from None


class FaxIntake:
    """Faxes received on the complaints number, in `inbox` (Asterisk's spool/fax/complaints), made complaints."""

    STALE_SECONDS = 900.0  # a TIFF this old is no fax still arriving (complaints left by a service that was down)

    def __init__(self, inbox: Path, database: Database, rules: ComplaintRules) -> None:
        self.inbox, self.database, self.rules = inbox, database, rules

    def received(self, fax: FaxReceived) -> int | None:
        """The complaint's id; None when no page came (nothing to keep). The TIFF leaves the spool once the
        complaint is written; one that cannot be made stays there (and the sweep tries it again)."""
        path = self.inbox / f"{fax.unique_id}.tif"
        if not path.is_file() or path.stat().st_size == 0:
            logger.warning("complaint fax %s from %s: no pages received (%s %s)", fax.unique_id, fax.sender,
                           fax.status, fax.error)
            return None
        pages = tiff_pages(path)
        pdf = fax_tiff_to_pdf(path)
        with self.database.session() as session:
            complaint = from_fax(session, dataclasses.replace(fax, pages=pages), pdf, utcnow(), self.rules)
            complaint_id = complaint.id
        path.unlink()  # kept in the database now, with the complaint
        logger.info("complaint %d from the fax %s of %s (%d pages, %s)", complaint_id, fax.unique_id, fax.sender,
                    pages, fax.status)
        return complaint_id

    def sweep(self, now: float | None = None) -> list[int]:
        """Faxes left in the spool (the service was down when they ended, or one could not be made): each made a
        complaint from an unknown sender (a person matches it); the ones that still fail stay. Returns the ids."""
        now = time.time() if now is None else now
        made = []
        for path in sorted(self.inbox.glob("*.tif")):
            if now - path.stat().st_mtime < self.STALE_SECONDS:
                continue
            fax = FaxReceived(path.stem, "", "UNKNOWN", 0, "found in the spool: the service did not hear it end")
            try:
                complaint_id = self.received(fax)
            except Exception:  # one broken file must not keep the others out
                logger.exception("complaint fax %s left in the spool", path.name)
                continue
            if complaint_id is not None:
                made.append(complaint_id)
        return made


def build_fax_intake(settings: Settings, instance: AsteriskInstance, database: Database) -> FaxIntake:
    return FaxIntake(fax_inbox(instance), database, complaint_rules(settings))


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
