"""Supervisors listen, whisper or barge into an agent's call, on their own phone.

    listen:  a snoop channel on the agent's leg hears both directions; bridged with the supervisor
    whisper: the same, and the supervisor's voice is sent to the agent only (snoop whisper "out")
    barge:   the supervisor's phone joins the call's own bridge: everyone hears everyone

States of one supervision: RINGING (supervisor's phone) → ACTIVE → ENDED (either side hangs up,
or the supervised call ends).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ari_apps.events import EventSink, discard
from ari_apps.originate import Originate, originate
from ari_apps.session import HANGUP_EVENTS, CallSession, SessionApp
from crm_core.events import SupervisionChanged

logger = logging.getLogger(__name__)

SNOOP = {"listen": ("both", "none"), "whisper": ("both", "out")}


class SupervisionState(StrEnum):
    RINGING = "ringing"
    ACTIVE = "active"
    ENDED = "ended"


@dataclass(frozen=True)
class SupervisionRequest:
    supervision_id: str
    mode: str  # listen | whisper | barge
    supervisor_dial_string: str
    agent_channel_id: str
    call_bridge_id: str
    call_id: str
    supervisor_id: int
    agent_id: int


class Supervision(CallSession):
    def __init__(self, app: SupervisionApp, request: SupervisionRequest, ring_seconds: int,
                 sink: EventSink = discard) -> None:
        self.supervisor_channel_id = f"supervisor-{request.supervision_id}"
        super().__init__(app, self.supervisor_channel_id)
        self.request = request
        self.call_id = request.call_id
        self.ring_seconds = ring_seconds
        self.sink = sink
        self.state = SupervisionState.RINGING
        self.snoop_id = f"snoop-{request.supervision_id}"
        self.bridge_id = f"supervise-{request.supervision_id}"
        self.own("channel:" + request.agent_channel_id)

    def publish(self) -> None:
        request = self.request
        self.sink(SupervisionChanged(request.supervision_id, request.supervisor_id, request.agent_id, request.call_id,
                                     request.mode, self.state.value))

    async def start(self) -> None:
        """Ring the supervisor; raises if the phone cannot be rung."""
        # The agent's leg belongs to the ACD app; subscribe so that its hang-up ends the supervision.
        await self.ari.request("applications", "subscribe", applicationName=self.app.name,
                               eventSource=f"channel:{self.request.agent_channel_id}")
        await originate(self.ari, Originate(endpoint=self.request.supervisor_dial_string, app=self.app.name,
                                            channel_id=self.supervisor_channel_id, ring_seconds=self.ring_seconds,
                                            app_args="supervisor", caller_id=f"supervise {self.request.mode}"))

    async def run(self) -> None:
        try:
            while self.state is not SupervisionState.ENDED:
                event = await self.next_event()
                assert event is not None
                await self.on_event(event)
        finally:
            await self._tear_down()

    async def on_event(self, event: dict[str, Any]) -> None:
        channel_id = event.get("channel", {}).get("id")
        if event["type"] == "StasisStart" and channel_id == self.supervisor_channel_id:
            await self._connect()
        elif event["type"] == "StasisStart" and channel_id == self.snoop_id:
            # A snoop channel can join a bridge only once it is in the app: never on the reply to its creation.
            await self.ari.request("bridges", "addChannel", bridgeId=self.bridge_id, channel=self.snoop_id)
            self._activate()
        elif event["type"] in HANGUP_EVENTS and channel_id in (self.supervisor_channel_id,
                                                               self.request.agent_channel_id, self.snoop_id):
            self.state = SupervisionState.ENDED

    async def _connect(self) -> None:
        """The supervisor answered: barge joins the call's bridge; listen and whisper start a snoop."""
        if self.request.mode == "barge":
            await self.ari.request("bridges", "addChannel", bridgeId=self.request.call_bridge_id,
                                   channel=self.supervisor_channel_id)
            self._activate()
            return
        spy, whisper = SNOOP[self.request.mode]
        await self.ari.request("bridges", "create", type="mixing", bridgeId=self.bridge_id,
                               name=f"supervision {self.request.supervision_id}")
        await self.ari.request("bridges", "addChannel", bridgeId=self.bridge_id, channel=self.supervisor_channel_id)
        self.own("channel:" + self.snoop_id)
        await self.ari.request("channels", "snoopChannelWithId", channelId=self.request.agent_channel_id,
                               snoopId=self.snoop_id, spy=spy, whisper=whisper, app=self.app.name,
                               appArgs="snoop")

    def _activate(self) -> None:
        self.state = SupervisionState.ACTIVE
        self.publish()
        logger.info("supervision %s active (%s on call %s)", self.request.supervision_id, self.request.mode,
                    self.call_id)

    async def _tear_down(self) -> None:
        self.state = SupervisionState.ENDED
        self.publish()
        for channel in (self.snoop_id, self.supervisor_channel_id):
            await self.ari.request_quietly("channels", "hangup", channelId=channel)
        await self.ari.request_quietly("bridges", "destroy", bridgeId=self.bridge_id)


class SupervisionApp(SessionApp):
    def __init__(self, name: str, ring_seconds: int = 20, events: EventSink = discard) -> None:
        super().__init__()
        self.name = name
        self.ring_seconds = ring_seconds
        self.sink = events
        self.active: dict[str, Supervision] = {}

    async def begin(self, mode: str, supervisor_dial_string: str, agent_channel_id: str, call_bridge_id: str,
                    call_id: str, *, supervisor_id: int, agent_id: int) -> str:
        request = SupervisionRequest(uuid.uuid4().hex[:16], mode, supervisor_dial_string, agent_channel_id,
                                     call_bridge_id, call_id, supervisor_id, agent_id)
        supervision = Supervision(self, request, self.ring_seconds, self.sink)
        await supervision.start()
        supervision.publish()
        self.active[request.supervision_id] = supervision
        self.start(supervision)
        return request.supervision_id

    async def end(self, supervision_id: str) -> bool:
        supervision = self.active.pop(supervision_id, None)
        if supervision is None:
            return False
        supervision.state = SupervisionState.ENDED
        supervision.events.put_nowait({"type": "HotlineEndSupervision"})
        return True

    async def hang_up_all(self) -> None:
        """Before the service stops: supervisions cannot be carried over, so end them cleanly."""
        for supervision in list(self.active.values()):
            await supervision.ari.request_quietly("channels", "hangup", channelId=supervision.supervisor_channel_id)
            await supervision.ari.request_quietly("channels", "hangup", channelId=supervision.snoop_id)
        self.active.clear()

    def on_new_channel(self, event: dict[str, Any]) -> None:
        """Snoop or supervisor channels nobody owns any more: hang them up."""
        if self.ari is not None:
            asyncio.create_task(self.ari.request_quietly("channels", "hangup", channelId=event["channel"]["id"]))

    async def recover(self, ari: Any, snapshot: dict[str, Any]) -> None:
        """Supervisions are not carried over a reconnect: their channels are hung up."""
        self.ari = ari
        for channel_id in snapshot.get("channel_ids", []):
            await ari.request_quietly("channels", "hangup", channelId=channel_id)
        self.active.clear()
