"""The notification dispatcher with the senders these settings configure: e-mail when `[email] host` is
set, SMS when `[sms] host` is set, voice through the notify Stasis app (ari_apps/notify) when
`[notify] voice_enabled`. Messages for a channel with no sender wait, queued, and `hotline notify status` says
so."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ari_apps.notify.app import NotifyApp, VoiceConfig
from ari_apps.notify.fax import FaxApp
from ari_apps.notify.speech import MessageAudio
from ari_apps.prompts import Prompts
from crm_core.db import Database
from crm_core.models.base import utcnow
from crm_core.notifications.outbox import receipt
from crm_core.trading import load_securities
from gateways.dispatcher import Dispatcher, RunsInSession, Sender
from gateways.smpp import SmppSender
from gateways.smtp import SmtpSender
from hotline.asterisk.instance import NOTIFY_APP, AsteriskInstance
from hotline.settings import Settings, SettingsError

logger = logging.getLogger(__name__)
FAX_APP = "hotline-fax"


@dataclass
class Notifier:
    dispatcher: Dispatcher
    closers: list[SmppSender] = field(default_factory=list)

    def close(self) -> None:
        for sender in self.closers:
            sender.close()


def build_notify_app(settings: Settings, instance: AsteriskInstance) -> NotifyApp:
    """The notify Stasis app; its voice sender dials `[notify] voice_dial` (default: `[acd] outbound_dial`)."""
    n = settings.notify
    dial = n.voice_dial or settings.acd.outbound_dial
    if "{number}" not in dial:
        raise SettingsError(f"setting notify.voice_dial: {dial!r} has no {{number}} for the client's number")
    if n.voice_ring_seconds < 1 or n.voice_confirm_attempts < 1 or n.voice_key_seconds <= 0:
        raise SettingsError("settings notify.voice_ring_seconds, voice_confirm_attempts and voice_key_seconds "
                            "must be positive")
    voice = VoiceConfig(dial, n.voice_ring_seconds, n.voice_confirm_attempts, n.voice_key_seconds)
    audio = MessageAudio(instance.host_sounds / "notify", f"{instance.sounds}/notify")
    named = frozenset(load_securities())  # the securities whose name prompts the instance builds
    return NotifyApp(NOTIFY_APP, Prompts(instance.sounds), audio, voice, named)


def build_fax_app(settings: Settings, instance: AsteriskInstance) -> FaxApp:
    """The fax Stasis app; its sender dials `[fax] dial` and keeps the images in the instance's spool/fax."""
    if settings.fax.dial and "{number}" not in settings.fax.dial:
        raise SettingsError(f"setting fax.dial: {settings.fax.dial!r} has no {{number}} for the fax number")
    for sub in ("out", "in"):  # in: where the simulated fax machines (hotline-fax-sim) write
        (instance.host_base / "spool" / "fax" / sub).mkdir(parents=True, exist_ok=True)
    return FaxApp(FAX_APP, settings.fax, instance.host_base / "spool" / "fax" / "out", f"{instance.base}/spool/fax/out")


def build_notifier(settings: Settings, db: RunsInSession, database: Database,
                   notify_app: NotifyApp | None = None, fax_app: FaxApp | None = None) -> Notifier:
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
    if notify_app is not None and settings.notify.voice_enabled:
        senders["voice"] = notify_app.send_voice
    if fax_app is not None and settings.fax.dial:
        senders["fax"] = fax_app.send_fax
    logger.info("notification channels: %s", ", ".join(sorted(senders)) or "none configured (messages wait)")
    dispatcher = Dispatcher(db, senders, policy, every_seconds=settings.notify.dispatch_every_seconds)
    return Notifier(dispatcher, closers)
