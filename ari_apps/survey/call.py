"""One survey call: originates the client's phone into the survey app, sends the answered channel through
AMD() in the dialplan (hotline-survey-amd, which puts it back into the app with the verdict), turns ARI
events into the machine's events (machine.py) and carries out its effects: prompts, keys stored as they are
given, the hand-over to the ACD. The call always ends hung up or handed over, and leaves its outcome in
`result`; `journal` writes what happens to the attempt's row."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ari_apps.ari import Ari, AriError
from ari_apps.media import CHANNEL_GONE, play, set_var
from ari_apps.notify.call import hang_up, playback_event
from ari_apps.originate import Originate, originate
from ari_apps.session import CallerGone, CallSession
from ari_apps.survey.machine import (
    REJECTED,
    Answered,
    Awaiting,
    Detect,
    Detected,
    Effect,
    Event,
    Finish,
    Gone,
    HangUp,
    Key,
    Play,
    Reached,
    Record,
    Recorded,
    Rejected,
    State,
    StopPlaying,
    Store,
    SurveyMachine,
    Timeout,
    ToAgent,
)
from crm_core.surveys.dialing import Outcome
from crm_core.surveys.service import Claim
from dialplan import variables as v

if TYPE_CHECKING:
    from ari_apps.session import SessionApp

logger = logging.getLogger(__name__)

AMD_CONTEXT = "hotline-survey-amd"
AMD_EXTENSION = "detect"


class Journal(Protocol):
    """Where a survey call writes down what happens (the attempt's row)."""

    async def reached(self, claim: Claim, amd: str) -> None: ...
    async def answer(self, claim: Claim, question: str, key: str) -> None: ...
    async def to_agent(self, claim: Claim, channel_id: str) -> dict[str, str]: ...  # the variables for the ACD
    async def comment(self, claim: Claim, question: str, recording: str) -> None: ...  # a spoken answer


@dataclass(frozen=True)
class SurveyRequest:
    claim: Claim
    endpoint: str
    media: Mapping[str, str]  # "intro", "thanks", "machine", "q:<id>", "beep" -> media URI
    acd_app: str


def machine_event(event: dict[str, Any], channel_id: str, playing: Mapping[str, str]) -> Event | None:
    """The machine's event for one ARI event of this call (None: not one it cares about)."""
    kind = event["type"]
    if kind == "PlaybackFinished":
        return playback_event(event, playing)
    if kind in ("RecordingFinished", "RecordingFailed"):
        target = (event.get("recording") or {}).get("target_uri")
        return Recorded(kind == "RecordingFinished") if target == f"channel:{channel_id}" else None
    if kind == "Dial" and event.get("peer", {}).get("id") == channel_id:
        status = str(event.get("dialstatus") or "")
        return Rejected(status) if status in REJECTED else None
    if event.get("channel", {}).get("id") != channel_id:
        return None
    if kind == "StasisStart":
        args = event.get("args") or []
        if args[:1] == ["amd"]:
            return Detected(*(str(a) for a in args[1:3]))
        return Answered()
    if kind == "ChannelDtmfReceived":
        return Key(event["digit"])
    if kind == "ChannelDestroyed":  # its cause tells busy from no answer (a hang-up request may not)
        return Gone(int(event.get("cause") or 0), str(event.get("cause_txt") or ""))
    return None


class SurveyCall(CallSession):
    def __init__(self, app: SessionApp, request: SurveyRequest, machine: SurveyMachine, journal: Journal,
                 ring_seconds: int) -> None:
        super().__init__(app, request.claim.channel_id)
        self.request = request
        self.call_id = f"survey-attempt-{request.claim.attempt_id}"
        self.machine = machine
        self.journal = journal
        self.ring_seconds = ring_seconds
        self.result: Finish | None = None
        self.on_finish: Callable[[SurveyCall], Awaitable[None]] | None = None
        self._playing: dict[str, str] = {}
        self._ari: Ari | None = None
        self._hang_up_at_end = True

    async def run(self) -> None:
        self._ari = self.ari
        try:
            await self.begin()
            while self.machine.state is not State.DONE:
                event = await self.next_event(self.machine.timeout())
                found = Timeout() if event is None else machine_event(event, self.channel_id, self._playing)
                if found is not None:
                    await self._feed(found)
        except AriError as exc:
            self._finish(Finish(Outcome.FAILED, f"Asterisk refused: {exc}"[:200]))
        except asyncio.CancelledError:
            raise  # the service stops: the attempt stays open, and the next runner closes it
        finally:
            if self.result is None and self.machine.state is not State.DONE:
                self._hang_up_at_end = False  # cancelled: the next service hangs it up
            await self._end()

    async def begin(self) -> None:
        """Ring the client's phone into this app (a post-call survey's caller is on the line already)."""
        await originate(self.ari, Originate(self.request.endpoint, self.app.name, self.channel_id,
                                            ring_seconds=self.ring_seconds, app_args="survey",
                                            caller_id='"Hotline" <95500>'))

    async def _feed(self, event: Event) -> None:
        logger.debug("call %s: %s in %s", self.call_id, event, self.machine.state)
        effects = self.machine.on(event)
        for done, effect in enumerate(effects, 1):
            try:
                await self._perform(effect)
            except CallerGone:  # what the step decided stands (an answer, the outcome); then the hang-up
                for kept in effects[done:]:
                    if isinstance(kept, Store | Finish):
                        await self._perform(kept)
                await self._feed(Gone(16, "hung up"))
                return

    async def _perform(self, effect: Effect) -> None:
        if isinstance(effect, Play):
            self._playing = {await play(self, [self.request.media[effect.what]]): effect.what}
        elif isinstance(effect, StopPlaying):
            for playback_id in self._playing:
                await self.ari.request_quietly("playbacks", "stop", playbackId=playback_id)
            self._playing = {}
        elif isinstance(effect, Awaiting):
            await set_var(self, v.AWAITING_INPUT, effect.question)
        elif isinstance(effect, Store):
            await self.journal.answer(self.request.claim, effect.question, effect.key)
        elif isinstance(effect, Record):
            await self._record(effect)
        elif isinstance(effect, Reached):
            await self.journal.reached(self.request.claim, effect.amd)
        elif isinstance(effect, Detect):
            await self._detect()
        elif isinstance(effect, ToAgent):
            await self._to_agent()
        elif isinstance(effect, HangUp):
            await self._hang_up()
        elif isinstance(effect, Finish):
            self._finish(effect)

    async def _record(self, record: Record) -> None:
        """Record the spoken comment into Asterisk's recordings (# ends it); written down as it starts, so a
        client who hangs up while speaking keeps it."""
        name = f"survey-comment-{self.call_id}-{record.question}"[:100]
        try:
            await self.ari.request("channels", "record", channelId=self.channel_id, name=name, format="wav",
                                   maxDurationSeconds=record.seconds, ifExists="overwrite",
                                   terminateOn="#")
        except AriError as exc:
            if exc.status in CHANNEL_GONE:
                raise CallerGone from exc
            raise
        await self.journal.comment(self.request.claim, record.question, name)

    async def _detect(self) -> None:
        """AMD() runs in the dialplan: keep the channel's events coming while it is out of the app."""
        await self.ari.request("applications", "subscribe", applicationName=self.app.name,
                               eventSource=f"channel:{self.channel_id}")
        await self.ari.request("channels", "continueInDialplan", channelId=self.channel_id, context=AMD_CONTEXT,
                               extension=AMD_EXTENSION, priority=1)

    async def _to_agent(self) -> None:
        """Like the IVR's hand-over: the call's variables for the ACD, then the channel moves to its app."""
        variables = await self.journal.to_agent(self.request.claim, self.channel_id)
        for name, value in variables.items():
            await set_var(self, name, value)
        await self.ari.request("channels", "move", channelId=self.channel_id, app=self.request.acd_app)
        self._hang_up_at_end = False

    def _finish(self, outcome: Finish) -> None:
        if self.result is None:
            self.result = outcome
            logger.info("call %s (%s): %s, %s", self.call_id, self.channel_id, outcome.outcome.value,
                        outcome.detail)

    async def _end(self) -> None:
        if self._hang_up_at_end:
            await self._hang_up()
        if self.on_finish is not None:
            await self.on_finish(self)

    async def _hang_up(self) -> None:
        await hang_up(self._ari, self.channel_id, self.call_id)

