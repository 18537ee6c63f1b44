"""`hotline serve`: one asyncio process running FastAGI, the Stasis apps and the SIP-account sync."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web

from agi.server import FastAgiServer
from ari_apps.acd.app import AcdApp
from ari_apps.ari import Ari
from ari_apps.ivr.app import IvrApp
from ari_apps.ivr.deps import IvrDeps
from ari_apps.ivr.trading.matching import match_orders_forever
from ari_apps.ivr.trading.services import TradingServices
from ari_apps.prompts import Prompts
from ari_apps.runtime import AriRuntime
from ari_apps.supervise.app import SupervisionApp
from console.ports import LiveEvents
from crm_core import outage_calls
from crm_core.client_sessions import PortalPolicy
from crm_core.db import AsyncDatabase, Database
from crm_core.events import LiveEvent
from gateways import complaint_mail
from gateways.fax_documents import html_to_pdf
from hotline import sip_accounts
from hotline.asterisk.instance import ACD_APP, AGENTS_FILE, IVR_APP, SUPERVISE_APP, AsteriskInstance
from hotline.complaint_wiring import build_fax_intake, build_mailbox, complaint_rules
from hotline.jobs import build_scheduler
from hotline.notify_wiring import build_fax_app, build_notifier, build_notify_app
from hotline.settings import Settings
from hotline.survey_wiring import build_survey_app
from hotline.telephony_port import HotlineTelephony
from portal.app import build_app as build_portal
from portal.ratelimit import RateLimiter
from reports.views import ReportViews

logger = logging.getLogger(__name__)

SIP_SYNC_SECONDS = 5.0
FAX_SWEEP_SECONDS = 300.0


def freeze_startup_heap() -> int:
    """Move what is alive once the service has started (modules, mappers, compiled statements, apps: over a
    hundred thousand objects that live as long as the process) out of the garbage collector's reach. Its full
    collections scanned them all, and every coroutine of the process stood still meanwhile: about 100 ms, during
    which a burst's callers heard silence (bench/fastagi.py prints each one, `unfrozen` against `server`).
    Returns how many objects are frozen."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    logger.info("startup heap frozen: %d objects left out of garbage collections", frozen)
    return frozen


class HotlineService:
    def __init__(self, settings: Settings, instance: AsteriskInstance) -> None:
        self.settings = settings
        self.instance = instance
        self.database = Database(settings.database_url)
        self.executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="db")
        self.db = AsyncDatabase(self.database, self.executor)
        prompts = Prompts(instance.sounds)
        self.events = LiveEvents()
        self.trading = TradingServices.from_settings(settings.trading)
        self.fax = build_fax_app(settings, instance)
        self.ivr = IvrApp(IVR_APP, IvrDeps(self.db, prompts, settings.ivr, ACD_APP, self.trading,
                                           settings.notify.policy(), fax=self.fax))
        self.survey = build_survey_app(settings, instance, self.db)
        self.acd = AcdApp(ACD_APP, self.db, prompts, settings.acd, events=self.events.publish,
                          after_call=self.survey.take_over)
        self.supervision = SupervisionApp(SUPERVISE_APP, events=self.events.publish)
        self.telephony = HotlineTelephony(self.acd, self.supervision, self.db,
                                          settings.reports.time_zone)
        self.notify = build_notify_app(settings, instance)
        self.runtime = AriRuntime(self._connect, [self.ivr, self.acd, self.supervision, self.notify, self.fax,
                                                  self.survey],
                                  max_backoff=settings.service.reconnect_max_seconds)
        self.fax_intake = build_fax_intake(settings, instance, self.database)
        self.agi = FastAgiServer(settings.asterisk.agi_port, self.database, complaint_fax=self.fax_intake.received)
        self.notifier = build_notifier(settings, self.db, self.database, self.notify, self.fax)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.scheduler = build_scheduler(settings, self.database, self._publish_from_thread)

    async def _connect(self) -> Ari:
        secrets = self.instance.secrets
        return await Ari.connect(self.instance.ari_url, secrets.ari_user, secrets.ari_password)

    def _publish_from_thread(self, event: LiveEvent) -> None:
        """A live event from a scheduler job's thread, published on the service's loop."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.events.publish, event)

    async def run(self, on_ready: Callable[[], None] | None = None) -> None:
        loop = self.loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(self.stop()))
        self.agi.start_in_thread()
        sync = asyncio.create_task(self._sync_sip_accounts())
        fresh = asyncio.create_task(self.telephony.keep_fresh())
        matching = asyncio.create_task(match_orders_forever(self.db, self.trading,
                                                            self.settings.trading.match_every_seconds,
                                                            self.notifier.dispatcher.policy))
        notifying = asyncio.create_task(self.notifier.dispatcher.run_forever())
        surveys = asyncio.create_task(self.survey.run_requested_forever())
        faxes = asyncio.create_task(self._sweep_complaint_faxes())
        outage = asyncio.create_task(self._import_outage_calls())
        if self.scheduler is not None:
            self.scheduler.start()  # on this loop; the jobs run in its thread pool
        web = await self._start_console()
        portal = await self._start_portal()
        mail = await self._start_complaint_mailbox()
        logger.info("hotline service started: FastAGI 127.0.0.1:%d, ARI %s", self.settings.asterisk.agi_port,
                    self.instance.ari_url)
        ready = asyncio.create_task(self._announce_ready(on_ready))
        try:
            await self.runtime.run()
        finally:
            sync.cancel()
            fresh.cancel()
            matching.cancel()
            notifying.cancel()
            surveys.cancel()
            faxes.cancel()
            outage.cancel()
            if self.scheduler is not None:
                self.scheduler.shutdown(wait=False)
            self.notifier.close()
            ready.cancel()
            if web is not None:
                await web.cleanup()
            if portal is not None:
                await portal.cleanup()
            if mail is not None:
                mail.close()
            self.agi.shutdown()
            self.agi.server_close()
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.database.dispose()
            logger.info("hotline service stopped")

    async def stop(self) -> None:
        """Graceful stop: end what cannot be recovered (supervisions), then leave ARI. Calls stay in
        Asterisk and the next service carries them on."""
        if self.runtime.ari is not None:
            await self.supervision.hang_up_all()
        self.runtime.stop()

    async def _start_console(self) -> web.AppRunner | None:
        """The agents' and supervisors' web console, on its own port (printed)."""
        try:
            from console.app import build_app
        except ImportError:
            logger.warning("console not installed; no web desktop")
            return None
        c = self.settings.console
        app = build_app(self.database, self.telephony, self.events, session_minutes=c.session_minutes,
                        max_failed_logins=c.max_failed_logins, lockout_minutes=c.lockout_minutes,
                        wrap_up_seconds=round(self.settings.acd.wrap_up_seconds), broker=self.trading.broker,
                        notify_policy=self.notifier.dispatcher.policy,
                        notify_senders=frozenset(self.notifier.dispatcher.senders),
                        recording_dirs=(self.instance.host_base / "spool" / "recording",
                                        self.settings.state_path / "recordings"),
                        pdf_maker=html_to_pdf,
                        reports=ReportViews(self.settings.reports.time_zone, complaint_rules(self.settings)),
                        complaint_rules=complaint_rules(self.settings))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, c.bind, c.port).start()
        logger.info("console at http://%s:%d/", c.bind, c.port)
        return runner

    async def _start_portal(self) -> web.AppRunner | None:
        """The clients' web self-service, on its own port (printed); the phone's broker and lock-out."""
        p = self.settings.portal
        if not p.enabled:
            return None
        app = build_portal(self.database, self.trading.broker,
                           policy=PortalPolicy(session_minutes=p.session_minutes, auth=self.trading.auth),
                           limiter=RateLimiter(attempts=p.login_attempts_per_minute, window_seconds=60),
                           notify_policy=self.notifier.dispatcher.policy,
                           complaint_rules=complaint_rules(self.settings))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, p.bind, p.port).start()
        logger.info("client portal at http://%s:%d/", p.bind, p.port)
        return runner
    async def _sweep_complaint_faxes(self) -> None:
        """Complaint faxes left in the spool (ended while no service listened) made complaints, now and then."""
        while True:
            try:
                made = await asyncio.get_running_loop().run_in_executor(self.executor, self.fax_intake.sweep)
                if made:
                    logger.info("complaints %s made from faxes left in the spool", made)
            except Exception:
                logger.exception("sweeping the complaint faxes failed; trying again later")
            await asyncio.sleep(FAX_SWEEP_SECONDS)

    async def _start_complaint_mailbox(self) -> asyncio.Server | None:
        """The complaints mailbox's SMTP receiver when `complaints.mail_port` is set."""
        handler = build_mailbox(self.settings, self.database)
        if handler is None:
            return None
        c = self.settings.complaints
        server = await complaint_mail.serve(handler, c.mail_bind, c.mail_port)
        logger.info("complaints mailbox %s received by SMTP at %s:%d", c.mailbox, c.mail_bind, c.mail_port)
        return server

    async def _announce_ready(self, on_ready: Callable[[], None] | None) -> None:
        await self.runtime.connected.wait()
        freeze_startup_heap()
        if on_ready is not None:
            on_ready()

    async def _import_outage_calls(self) -> None:
        """Record the calls Asterisk answered while the service was down: at start, then periodically."""
        while True:
            try:
                await self.db.run(outage_calls.import_file, self.instance.outage_records)
            except Exception:
                logger.exception("calls answered during an outage not imported (%s)", self.instance.outage_records)
            await asyncio.sleep(self.settings.reports.outage_import_seconds)

    async def _sync_sip_accounts(self) -> None:
        """Push agents' SIP accounts from the database to Asterisk whenever they change."""
        path = Path(self.instance.host_base / "etc" / AGENTS_FILE)
        reload_pending = True
        while True:
            try:
                if await asyncio.get_running_loop().run_in_executor(
                        self.executor, sip_accounts.write_if_changed, path, self.database):
                    reload_pending = True
                if reload_pending and self.runtime.ari is not None:
                    await self.runtime.ari.request("asterisk", "reloadModule", moduleName="res_pjsip.so")
                    reload_pending = False
            except Exception:
                logger.exception("SIP account sync failed; retrying")
            await asyncio.sleep(SIP_SYNC_SECONDS)
