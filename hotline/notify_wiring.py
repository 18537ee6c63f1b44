"""The notification dispatcher with the senders these settings configure: e-mail when `[email] host` is
set, SMS when `[sms] host` is set (voice and fax come with ari_apps/notify). Messages for a channel with
no sender wait, queued, and `hotline notify status` says so."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from crm_core.db import Database
from crm_core.models.base import utcnow
from crm_core.notifications.outbox import receipt
from gateways.dispatcher import Dispatcher, RunsInSession, Sender
from gateways.smpp import SmppSender
from gateways.smtp import SmtpSender
from hotline.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class Notifier:
    dispatcher: Dispatcher
    closers: list[SmppSender] = field(default_factory=list)

    def close(self) -> None:
        for sender in self.closers:
            sender.close()


def build_notifier(settings: Settings, db: RunsInSession, database: Database) -> Notifier:
    policy = settings.notify.policy()
    senders: dict[str, Sender] = {}
    closers = []
    if settings.email.host:
        senders["email"] = SmtpSender(settings.email)
    if settings.sms.host:

        def on_receipt(message_id: str, state: str) -> None:  # the SMPP reader thread
            with database.session() as session:
                receipt(session, "sms", message_id, state, utcnow(), policy)

        sms = SmppSender(settings.sms, on_receipt)
        senders["sms"] = sms
        closers.append(sms)
    logger.info("notification channels: %s", ", ".join(sorted(senders)) or "none configured (messages wait)")
    dispatcher = Dispatcher(db, senders, policy, every_seconds=settings.notify.dispatch_every_seconds)
    return Notifier(dispatcher, closers)
