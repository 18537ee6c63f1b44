"""The survey Stasis app (`hotline-survey`): places the survey calls of the batches it runs (dialer.py) and
carries each call (call.py); keeps a caller whose agent hung up for the post-call survey when the policy
picks the call (post_call.py, `take_over`). Channels of this app that nobody owns (left by a killed service, or answered
after their batch stopped) are hung up, as the notify apps do (OutboundApp)."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Callable, Container
from datetime import date, datetime, timedelta

from ari_apps.notify.outbound import OutboundApp
from ari_apps.notify.speech import MessageAudio
from ari_apps.survey import journal
from ari_apps.survey.audio import prompt_media
from ari_apps.survey.call import SurveyCall
from ari_apps.survey.dialer import Batch, CampaignBusy
from ari_apps.survey.post_call import policy_of, take_over
from ari_apps.survey.settings import SurveySettings
from crm_core.db import AsyncDatabase
from crm_core.models.base import utcnow
from crm_core.surveys.definition import Survey
from crm_core.surveys.post_call import close_post_calls_left_open, latest_version
from crm_core.surveys.results import Progress

logger = logging.getLogger(__name__)

LEFT_OPEN_AFTER = timedelta(minutes=30)  # no post-call survey lasts this long: one still open was left by a kill


class SurveyApp(OutboundApp):
    def __init__(self, name: str, db: AsyncDatabase, settings: SurveySettings, dial: str, audio: MessageAudio,
                 holidays: Container[date], acd_app: str) -> None:
        super().__init__()
        self.name = name
        self.db = db
        self.settings = settings
        self.dial = dial
        self.audio = audio
        self.holidays = holidays
        self.acd_app = acd_app
        self.runner = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.batches: dict[str, asyncio.Task[None]] = {}
        self.post_call = policy_of(settings)  # PolicyError for unusable settings
        self.clock: Callable[[], datetime] = utcnow
        self._warming: asyncio.Task[None] | None = None

    async def after_recover(self) -> None:
        """On each connection: close the post-call surveys a killed service left open, and make the post-call
        survey's audio now rather than while its first caller waits."""
        await self.db.record(close_post_calls_left_open, self.clock() - LEFT_OPEN_AFTER, self.clock())
        if self.post_call.survey:
            self._warming = asyncio.create_task(self._warm_post_call(), name="survey:post-call-audio")

    async def _warm_post_call(self) -> None:
        try:
            latest = await self.db.run(latest_version, self.post_call.survey)
            if latest is not None:
                await asyncio.to_thread(self.media_for, *latest)
        except Exception as exc:  # the first call makes it (or says why not)
            logger.warning("post-call survey audio not made ahead: %s", exc)

    async def take_over(self, call_id: str, channel_id: str) -> bool:
        """The ACD's caller whose agent hung up: True if kept for the post-call survey (the channel is ours)."""
        try:
            return await take_over(self, self.post_call, call_id, channel_id)
        except Exception:  # a bug or the database: the ACD hangs the caller up as before
            logger.exception("call %s: post-call survey not started", call_id)
            return False

    def batch(self, code: str, *, clock: Callable[[], datetime] = utcnow,
              on_progress: Callable[[Progress], None] | None = None) -> Batch:
        return Batch(self, self.db, code, self.settings, self.dial, self.holidays, self.runner, clock, on_progress)

    async def run_requested_forever(self) -> None:
        """Start a batch for each campaign asked to run that no live runner holds (this process's or
        another's); a batch of a killed service is taken over once its lease expires."""
        while True:
            try:
                if self.connected.is_set():
                    for code in await self.db.run(journal.runnable_now, utcnow()):
                        if code not in self.batches:
                            self.batches[code] = asyncio.create_task(self._run(code), name=f"survey-batch:{code}")
            except Exception:
                logger.exception("survey runner: looking for campaigns to run failed; trying again")
            await asyncio.sleep(self.settings.poll_seconds)

    async def _run(self, code: str) -> None:
        try:
            done = await self.batch(code).run()
            logger.info("survey batch %s: %s dialled, %s completed, %s remaining", code, done.dialled,
                        done.completed, done.remaining)
        except CampaignBusy as exc:
            logger.info("survey batch %s: %s", code, exc)
        except Exception:
            logger.exception("survey batch %s failed; it is taken up again when its lease expires", code)
        finally:
            self.batches.pop(code, None)

    def media_for(self, version_id: int, survey: Survey) -> dict[str, dict[str, str]]:
        return prompt_media(self.audio, version_id, survey)

    async def place(self, call: SurveyCall) -> None:
        """Run one call to its end (its task is cancelled with the caller's)."""
        self.start(call)
        task = self._tasks[call]
        try:
            await asyncio.wait([task])
        except asyncio.CancelledError:
            task.cancel()
            raise
