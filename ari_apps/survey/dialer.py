"""A campaign's batch: the survey dialer's loop.

1. take the campaign (a lease in the database: one runner at a time; a runner taking over from a dead one
   closes the attempts it left open), load the targets its source finds, make the survey's audio;
2. while targets remain: when a channel slot is free and the pacer allows, claim the next due target (the
   attempt row, with the channel id the call will have, is written before the originate) and start its call;
   when a call ends, close its attempt with the outcome (retried later by the outcome's delay, or not);
3. stop when no target remains, or none is due before the run's end (as requested, else the end of the day's
   call window), or when cancelled; give the lease back.

A slot is held from the claim to the end of the call's task (hung up, or handed to the ACD), so the number
of survey channels never exceeds `max_channels`; calls start no closer together than 1/`calls_per_second`.
A service killed mid-batch leaves open attempts and live channels: the next service hangs the channels up
(OutboundApp.recover) and its runner closes the attempts; no one is called again beyond their attempts."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from ari_apps.originate import dial_string
from ari_apps.survey import journal
from ari_apps.survey.call import SurveyCall, SurveyRequest
from ari_apps.survey.machine import Finish, SurveyMachine
from ari_apps.survey.settings import SurveySettings
from crm_core.db import AsyncDatabase
from crm_core.models.base import utcnow
from crm_core.surveys.dialing import Outcome, Pacer
from crm_core.surveys.results import Progress
from crm_core.surveys.service import Claim
from dialplan import variables as v

if TYPE_CHECKING:
    from ari_apps.survey.app import SurveyApp

logger = logging.getLogger(__name__)


class CampaignBusy(RuntimeError):
    """Another runner holds the campaign."""


@dataclass
class Pacing:
    """What the batch did to the limits, for the bench and the tests."""

    max_channels: int
    calls_per_second: float
    peak_channels: int = 0
    starts: list[float] = field(default_factory=list)  # monotonic times calls were started

    def busiest_second(self) -> int:
        return max((sum(1 for s in self.starts if first <= s < first + 1.0) for first in self.starts), default=0)


@dataclass
class Batch:
    app: SurveyApp
    db: AsyncDatabase
    code: str
    settings: SurveySettings
    dial: str
    holidays: Container[date]
    runner: str
    clock: Callable[[], datetime] = utcnow
    on_progress: Callable[[Progress], None] | None = None
    pacing: Pacing = field(init=False)
    _active: set[asyncio.Task[None]] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.pacing = Pacing(self.settings.max_channels, self.settings.calls_per_second)

    @property
    def active(self) -> int:
        return len(self._active)

    async def run(self) -> Progress:
        started = await self.db.run(journal.begin, self.code, self.runner, self.clock(), self.settings.lease_seconds)
        if started is None:
            raise CampaignBusy(f"campaign {self.code} is being run by another process")
        logger.info("survey batch %s: %d new target(s)", self.code, started.added)
        try:
            media = await asyncio.to_thread(self.app.media_for, started.version_id, started.survey)
            await self._loop(started, media, started.until)
        except asyncio.CancelledError:  # the service stops: the lease goes back, the campaign stays asked to run
            await self._stop_calls()
            await asyncio.shield(self.db.run(journal.stop, started.campaign_id, self.runner))
            raise
        finally:
            await self._stop_calls()
        result = await self.db.run(journal.end, started.campaign_id, self.runner)
        if self.on_progress is not None:
            self.on_progress(result)
        return result

    async def _stop_calls(self) -> None:
        """Cancel the calls in progress: their attempts stay open for the next runner to close."""
        for task in self._active:
            task.cancel()
        await asyncio.gather(*self._active, return_exceptions=True)

    async def _loop(self, started: journal.Started, media: dict[str, dict[str, str]], stop_at: datetime) -> None:
        pacer = Pacer(self.settings.calls_per_second)
        renew_at = time.monotonic() + self.settings.lease_seconds / 3
        while True:
            if time.monotonic() >= renew_at:
                if not await self.db.run(journal.renew, started.campaign_id, self.runner, self.clock(),
                                         self.settings.lease_seconds):
                    raise CampaignBusy(f"campaign {self.code}: the lease was lost")
                renew_at = time.monotonic() + self.settings.lease_seconds / 3
            wait = pacer.wait(time.monotonic())
            if self.active < self.settings.max_channels and wait <= 0 and self.clock() <= stop_at:
                claim = await self.db.run(journal.claim_one, started.campaign_id, self.clock(), self.holidays,
                                          self.runner)
                if claim is not None:
                    pacer.take(time.monotonic())
                    self._start(claim, started, media)
                    continue
                wait = self.settings.poll_seconds
            left, due = await self.db.run(journal.outlook, started.campaign_id, self.clock(), self.holidays)
            if not self._active and (left == 0 or due is None or due > stop_at):
                return
            await self._idle(min(wait or self.settings.poll_seconds, self.settings.poll_seconds))

    async def _idle(self, seconds: float) -> None:
        if self._active:
            await asyncio.wait(self._active, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        else:
            await asyncio.sleep(seconds)

    def _start(self, claim: Claim, started: journal.Started, media: dict[str, dict[str, str]]) -> None:
        s = self.settings
        machine = SurveyMachine(started.survey, s.ring_seconds, s.key_seconds, s.asks, s.amd, s.machine_message)
        request = SurveyRequest(claim, dial_string(self.dial, claim.number), media[claim.language],
                                self.app.acd_app)
        call = SurveyCall(self.app, request, machine, _Journal(self.db, self.clock, s.agent_skill), s.ring_seconds)
        task = asyncio.create_task(self._call(call), name=f"survey:{claim.channel_id}")
        self._active.add(task)
        task.add_done_callback(self._active.discard)
        self.pacing.starts.append(time.monotonic())
        self.pacing.peak_channels = max(self.pacing.peak_channels, self.active)

    async def _call(self, call: SurveyCall) -> None:
        await self.app.place(call)  # cancelled mid-call: the attempt stays open for the next runner
        result = call.result or Finish(Outcome.INTERRUPTED, "the call stopped without an outcome (the connection "
                                                            "to Asterisk was lost, or a bug: see the log)")
        await self.db.record(journal.finish, call.request.claim.attempt_id, result.outcome, result.detail,
                             self.clock())
        if self.on_progress is not None:
            self.on_progress(await self.db.run(journal.progress_of, call.request.claim.campaign_id))


class _Journal:
    """The calls' journal (call.Journal) over the database."""

    def __init__(self, db: AsyncDatabase, clock: Callable[[], datetime], skill: str) -> None:
        self.db, self.clock, self.skill = db, clock, skill

    async def reached(self, claim: Claim, amd: str) -> None:
        await self.db.record(journal.reached, claim.attempt_id, self.clock(), amd)

    async def answer(self, claim: Claim, question: str, key: str) -> None:
        await self.db.record(journal.answer, claim.attempt_id, question, key, self.clock())

    async def comment(self, claim: Claim, question: str, recording: str) -> None:
        """A spoken comment: an answer with no key (the recording is named after the attempt and question)."""
        await self.db.record(journal.answer, claim.attempt_id, question, "", self.clock())

    async def to_agent(self, claim: Claim, channel_id: str) -> dict[str, str]:
        call_id = await self.db.run(journal.to_agent, claim.attempt_id, channel_id)
        return {v.CALL_ID: call_id, v.CATEGORY: self.skill, v.LANGUAGE: claim.language, v.PRIORITY: "0"}
