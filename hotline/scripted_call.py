"""Scripted callers: a call that enters the hotline exactly as a trunk call does, driven from ARI.

A Local channel is originated into `hotline-scripted`, whose dialplan sets the caller number and
enters `hotline-entry`. This process holds the other half (`;1`) in its own Stasis app, sends DTMF
when the hotline says it waits for keys (the HOTLINE_INPUT channel variable), and watches what is
played and whom the call is bridged with. Several calls can run at once on one connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from ari_apps.ari import Ari, EventStream
from ari_apps.originate import Originate, originate
from dialplan import variables as v


@dataclass
class CallScript:
    extension: str
    caller: str = ""
    dtmf: list[str] = field(default_factory=list)  # one group of keys per input prompt
    talk_seconds: float = 2.0  # after reaching an agent, the caller hangs up after this long
    hang_up_after: float | None = None  # hang up this long after the hotline answers, whatever happens
    hang_up_when_done: bool = False  # hang up when the hotline asks for keys beyond the last group
    timeout: float = 90.0
    context: str = "hotline-scripted"  # hotline-baseline-scripted: the plain Queue() baseline
    # A fax machine on the caller's line: when this prompt begins (e.g. "en/fax_press_start") the caller "presses
    # start": their half runs ReceiveFAX as the simulated machine `fax_machine` (dialplan hotline-fax-sim), and
    # the call ends when the fax does.
    fax_on: str = ""
    fax_machine: str = ""


@dataclass
class CallObservation:
    channel_id: str
    peer_id: str
    call_id: str = ""
    prompts: list[str] = field(default_factory=list)
    inputs: list[tuple[str, str]] = field(default_factory=list)  # (prompt awaiting input, keys sent)
    input_epochs: list[float] = field(default_factory=list)  # wall clock of each group's sending
    answered_at: float | None = None
    stasis_at: float | None = None  # the hotline's half entered Stasis (dialplan app Stasis)
    queued_at: float | None = None  # the IVR handed the call to the queue
    agent_channel: str | None = None
    agent_reached_at: float | None = None
    agent_reached_epoch: float | None = None  # wall clock, to compare with other processes (a browser)
    ended_at: float | None = None
    hangup_by: str | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)
    heard: set[tuple[str, str, str]] = field(default_factory=set)
    faxing: bool = False  # the caller's half has left the app for ReceiveFAX (CallScript.fax_on)


def parse_dtmf(text: str) -> list[str]:
    """`"2,1,100000003#"` → one group per prompt; without commas, one key per prompt."""
    if not text:
        return []
    if "," in text:
        return [group.strip() for group in text.split(",")]
    return list(text)


def prompt_name(media_uri: str) -> str:
    """`sound:/srv/hotline/main/sounds/zh/greeting` → `zh/greeting`."""
    path = media_uri.split(":", 1)[-1]
    parts = path.rstrip("/").split("/")
    if "sounds" in parts:
        return "/".join(parts[parts.index("sounds") + 1:])
    return path


class ScriptedCaller:
    def __init__(self, ari: Ari, app: str) -> None:
        self.ari = ari
        self.app = app
        self._calls: dict[str, tuple[CallObservation, CallScript]] = {}
        self._bridges: dict[str, str] = {}  # bridge id -> peer channel id of the call in it
        self._stream: EventStream | None = None
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls, ari_url: str, user: str, password: str, app: str | None = None) -> ScriptedCaller:
        ari = await Ari.connect(ari_url, user, password)
        caller = cls(ari, app or f"hotline-caller-{uuid.uuid4().hex[:8]}")
        caller._stream = await ari.open_events([caller.app])
        # Every channel's and bridge's events, but not subscribeAll: that also subscribes to every device
        # state, and Asterisk 22 can deadlock its ARI when such an app's WebSocket closes while a device
        # state event is delivered (asterisk/asterisk#2170: GET /ari/applications then hangs for good).
        for source in ("channel:", "bridge:"):
            await ari.request("applications", "subscribe", applicationName=caller.app, eventSource=source)
        caller._reader = asyncio.create_task(caller._read())
        return caller

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._stream:
            await self._stream.close()
        await self.ari.close()

    async def call(self, script: CallScript) -> CallObservation:
        channel_id = f"scripted-{uuid.uuid4().hex}"
        observation = CallObservation(channel_id=channel_id, peer_id=channel_id + "-hotline")
        self._calls[channel_id] = self._calls[observation.peer_id] = (observation, script)
        await originate(self.ari, Originate(
            endpoint=f"Local/{script.extension}-{script.caller}@{script.context}/n", app=self.app,
            channel_id=channel_id, other_channel_id=observation.peer_id, ring_seconds=30,
            caller_id=script.caller or None))
        try:
            await asyncio.wait_for(observation.done.wait(), script.timeout)
        except TimeoutError:
            await self.hang_up(observation)
            await asyncio.wait_for(observation.done.wait(), 10)
        return observation

    async def hang_up(self, observation: CallObservation) -> None:
        if observation.hangup_by is None:
            observation.hangup_by = "caller"
        await self.ari.request_quietly("channels", "hangup", channelId=observation.channel_id)

    async def _read(self) -> None:
        assert self._stream is not None
        async for event in self._stream:
            try:
                await self._on_event(event)
            except Exception as exc:  # a test harness must report, not die silently
                print(f"scripted caller: error on {event.get('type')}: {exc!r}")

    def _find(self, event: dict[str, Any]) -> tuple[CallObservation, CallScript] | None:
        channel = event.get("channel") or {}
        if channel.get("id") in self._calls:
            return self._calls[channel["id"]]
        bridge = (event.get("bridge") or {}).get("id")
        target = (event.get("playback") or {}).get("target_uri", "")
        if target.startswith("bridge:"):
            bridge = target[len("bridge:"):]
        if target.startswith("channel:") and target[len("channel:"):] in self._calls:
            return self._calls[target[len("channel:"):]]
        peer = self._bridges.get(bridge or "")
        return self._calls.get(peer) if peer else None

    async def _on_event(self, event: dict[str, Any]) -> None:
        found = self._find(event)
        if found is None:
            return
        observation, script = found
        kind = event["type"]
        channel_id = (event.get("channel") or {}).get("id")
        if kind == "StasisStart" and channel_id == observation.channel_id:
            observation.answered_at = time.monotonic()
            if script.hang_up_after is not None:
                asyncio.get_running_loop().call_later(
                    script.hang_up_after, lambda: asyncio.ensure_future(self.hang_up(observation)))
        elif kind == "PlaybackStarted":  # one per media item of a playback (Asterisk 22)
            playback = event["playback"]
            # An event can reach us through two subscriptions: the same event has the same timestamp.
            heard = (playback["id"], playback.get("media_uri", ""), event.get("timestamp", ""))
            if heard not in observation.heard:
                observation.heard.add(heard)
                observation.prompts.append(prompt_name(heard[1]))
                if script.fax_on and observation.prompts[-1] == script.fax_on and not observation.faxing:
                    observation.faxing = True
                    await self.ari.request("channels", "continueInDialplan", channelId=observation.channel_id,
                                           context="hotline-fax-sim", extension=script.fax_machine, priority=1)
        elif kind == "ChannelVarset" and channel_id == observation.peer_id:
            await self._on_variable(observation, script, event["variable"].lstrip("_"), event.get("value", ""))
        elif kind == "ChannelEnteredBridge":
            await self._on_bridge(observation, script, event)
        elif kind == "ChannelDialplan" and channel_id == observation.peer_id:
            if event.get("dialplan_app") in ("Stasis", "Queue") and observation.stasis_at is None:
                observation.stasis_at = time.monotonic()
                if event.get("dialplan_app") == "Queue":
                    observation.queued_at = observation.stasis_at
        elif kind in ("ChannelDestroyed", "StasisEnd") and channel_id in (observation.channel_id,
                                                                           observation.peer_id) \
                and observation.ended_at is None and not (observation.faxing and kind == "StasisEnd"):
            observation.ended_at = time.monotonic()
            if observation.hangup_by is None:
                observation.hangup_by = "hotline"
            await self.ari.request_quietly("channels", "hangup", channelId=observation.channel_id)
            observation.done.set()

    async def _on_variable(self, observation: CallObservation, script: CallScript, name: str, value: str) -> None:
        if name == v.CALL_ID and value:
            observation.call_id = value
        elif name == v.PRIORITY and observation.queued_at is None:
            observation.queued_at = time.monotonic()
        elif name == v.AWAITING_INPUT and value:
            if value == "account":
                observation.prompts.append("account_prompt")
            if len(observation.inputs) < len(script.dtmf):
                keys = script.dtmf[len(observation.inputs)]
                observation.inputs.append((value, keys))
                observation.input_epochs.append(time.time())
                if keys:
                    await self.ari.request_quietly("channels", "sendDTMF", channelId=observation.channel_id,
                                                   dtmf=keys, between=120, duration=100)
            elif script.hang_up_when_done:
                await self.hang_up(observation)

    async def _on_bridge(self, observation: CallObservation, script: CallScript, event: dict[str, Any]) -> None:
        bridge = event["bridge"]
        channel_id = event["channel"]["id"]
        if channel_id == observation.peer_id:
            self._bridges[bridge["id"]] = observation.peer_id
        members = set(bridge.get("channels", [])) - {observation.peer_id}
        if observation.peer_id in bridge.get("channels", []) and members and observation.agent_channel is None \
                and not event["channel"]["name"].startswith(("Announcer/", "Recorder/")):
            observation.agent_channel = channel_id if channel_id != observation.peer_id else sorted(members)[0]
            observation.agent_reached_at = time.monotonic()
            observation.agent_reached_epoch = time.time()
            asyncio.get_running_loop().call_later(
                script.talk_seconds, lambda: asyncio.ensure_future(self.hang_up(observation)))
