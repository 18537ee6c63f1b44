"""One voice notification call: originates the client's phone into the notify app, turns ARI events into the
machine's events (voice.py) and carries out its effects. The call always ends hung up, whatever happens
(a bug, a lost ARI connection), and leaves its outcome in `result`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ari_apps.ari import Ari, AriError
from ari_apps.media import play
from ari_apps.notify.voice import (
    Answered,
    Effect,
    Event,
    Finish,
    Gone,
    HangUp,
    Key,
    Play,
    Played,
    PlayFailed,
    State,
    StopPlaying,
    Timeout,
    VoiceMachine,
)
from ari_apps.originate import Originate, originate
from ari_apps.session import HANGUP_EVENTS, CallerGone, CallSession

if TYPE_CHECKING:
    from ari_apps.notify.app import NotifyApp

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceRequest:
    notification_id: int
    channel_id: str
    endpoint: str  # the dial string with the client's number
    language: str
    media: Mapping[str, list[str]]  # "message", "confirm", "thanks" -> media URIs


def machine_event(event: dict[str, Any], channel_id: str, playing: Mapping[str, str]) -> Event | None:
    """The machine's event for one ARI event of this call (None: not one it cares about). `playing` maps the
    current playback's id to what it plays; a stopped playback's end is not an event."""
    kind = event["type"]
    if kind == "PlaybackFinished":
        return playback_event(event, playing)
    if event.get("channel", {}).get("id") != channel_id:
        return None
    if kind == "StasisStart":
        return Answered()
    if kind == "ChannelDtmfReceived":
        return Key(event["digit"])
    if kind in HANGUP_EVENTS:
        return Gone(str(event.get("cause_txt") or event.get("cause") or kind))
    return None


def playback_event(event: dict[str, Any], playing: Mapping[str, str]) -> Played | PlayFailed | None:
    """A PlaybackFinished of the playback under way (`playing`: its id -> what it plays), as Played or
    PlayFailed; None for a playback that was stopped or replaced. The survey calls read it the same way."""
    what = playing.get(event["playback"]["id"])
    if what is None:
        return None
    return PlayFailed(what) if event["playback"].get("state") == "failed" else Played(what)


async def hang_up(ari: Ari | None, channel_id: str, call_id: str) -> None:
    """Hang up an outbound call's channel, whatever the connection's state (a closed connection: the app hangs
    up what it finds at the next connection)."""
    if ari is None:
        return
    try:
        await ari.request_quietly("channels", "hangup", channelId=channel_id)
    except Exception as exc:
        logger.info("call %s: could not hang up %s now: %s", call_id, channel_id, exc)


class VoiceCall(CallSession):
    def __init__(self, app: NotifyApp, request: VoiceRequest, machine: VoiceMachine) -> None:
        super().__init__(app, request.channel_id)
        self.request = request
        self.call_id = f"notify-{request.notification_id}"
        self.machine = machine
        self.result: Finish | None = None
        self._playing: dict[str, str] = {}
        self._ari: Ari | None = None

    async def run(self) -> None:
        self._ari = self.ari
        try:
            await originate(self.ari, Originate(self.request.endpoint, self.app.name, self.channel_id,
                                                ring_seconds=round(self.machine.ring_seconds), app_args="voice",
                                                caller_id='"Hotline" <95500>'))
            while self.machine.state is not State.DONE:
                event = await self.next_event(self.machine.timeout())
                found = Timeout() if event is None else machine_event(event, self.channel_id, self._playing)
                if found is not None:
                    await self._feed(found)
        except AriError as exc:
            self._finish(Finish(False, f"Asterisk refused: {exc}"))
        except asyncio.CancelledError:
            self._finish(Finish(False, "the connection to Asterisk was lost during the call"))
            raise
        finally:
            self._finish(Finish(False, "the call ended without an outcome"))
            await self._hang_up()

    async def _feed(self, event: Event) -> None:
        logger.debug("call %s: %s in %s", self.call_id, event, self.machine.state)
        for effect in self.machine.on(event):
            try:
                await self._perform(effect)
            except CallerGone:
                await self._feed(Gone("hung up"))
                return

    async def _perform(self, effect: Effect) -> None:
        if isinstance(effect, Play):
            self._playing = {await play(self, self.request.media[effect.what]): effect.what}
        elif isinstance(effect, StopPlaying):
            for playback_id in self._playing:
                await self.ari.request_quietly("playbacks", "stop", playbackId=playback_id)
            self._playing = {}
        elif isinstance(effect, HangUp):
            await self._hang_up()
        elif isinstance(effect, Finish):
            self._finish(effect)

    def _finish(self, outcome: Finish) -> None:
        if self.result is None:
            self.result = outcome
            logger.info("call %s (%s): %s", self.call_id, self.channel_id, outcome.reason)

    async def _hang_up(self) -> None:
        await hang_up(self._ari, self.channel_id, self.call_id)
