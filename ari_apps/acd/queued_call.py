"""One caller in the ACD, as explicit states:

    WAITING ──offer──▶ RINGING ──agent answers──▶ TALKING ──either hangs up──▶ DONE
       ▲                  │ no answer / busy: agent not ready, call waits again
       └──────────────────┘
    caller hangs up: WAITING/RINGING ▶ DONE (abandoned); TALKING ▶ DONE (completed)

The caller waits in a mixing bridge with music on hold; the agent's channel joins that bridge.
While TALKING, the desk's hold and transfers run in `CallControl` (call_control.py), in this call's task.
"""

from __future__ import annotations

import logging
import time
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ari_apps.acd.call_control import CONTROL, CallControl, fail_pending
from ari_apps.acd.deps import AcdDeps
from ari_apps.acd.dispatcher import OFFER
from ari_apps.acd.phones import rings
from ari_apps.ari import AriError
from ari_apps.session import HANGUP_EVENTS, CallSession, SessionApp
from crm_core import calls
from crm_core.agents import set_state as set_agent_state
from crm_core.events import CallAbandoned, CallAnswered, CallEnded, CallOffered, CallState, ScreenPop
from crm_core.models import AgentState, CallStatus
from dialplan import variables as v

logger = logging.getLogger(__name__)


class QueueState(StrEnum):
    WAITING = "waiting"
    RINGING = "ringing"
    TALKING = "talking"
    DIALING = "dialing"  # click-to-dial: the agent answered, the customer's number is ringing
    DONE = "done"


class QueuedCall(CallSession):
    def __init__(self, app: SessionApp, channel: dict[str, Any], deps: AcdDeps, *,
                 bridge_id: str | None = None, agent_channel_id: str | None = None,
                 agent_id: int | None = None) -> None:
        super().__init__(app, channel["id"])
        self.deps = deps
        variables = channel.get("channelvars") or {}
        self.call_id = variables.get(v.CALL_ID) or ""
        self.skill = variables.get(v.CATEGORY) or deps.settings.overflow_skill
        self.language = variables.get(v.LANGUAGE) or "zh"
        self.priority = int(variables.get(v.PRIORITY) or 0)
        self.caller_number = channel.get("caller", {}).get("number", "")
        self.bridge_id = bridge_id or f"acd-{uuid.uuid4().hex}"
        self.recovered = bridge_id is not None
        self.agent_channel_id = agent_channel_id
        self.agent_id = agent_id
        self.state = QueueState.TALKING if agent_channel_id else QueueState.WAITING
        self.entered_at = time.time()
        self._announce_playback: str | None = None
        self.control = CallControl(self)
        self.own("bridge:" + self.bridge_id)
        if agent_channel_id:
            self.own("channel:" + agent_channel_id)

    # life --------------------------------------------------------------------------------------------
    async def run(self) -> None:
        try:
            await self.begin()
            while self.state is not QueueState.DONE:
                timeout = self.deps.settings.announce_every_seconds if self.state is QueueState.WAITING else None
                event = await self.next_event(timeout)
                if event is None:
                    await self._announce()
                else:
                    await self.on_event(event)
        finally:
            fail_pending(self.events)
            self.deps.dispatcher.withdraw(self.call_id)
            await self.control.abandon()
            await self.ari.request_quietly("bridges", "destroy", bridgeId=self.bridge_id)

    async def begin(self) -> None:
        """A new caller waits in the bridge (a recovered call carries on as it was)."""
        if self.state is QueueState.WAITING:
            await self._wait_in_bridge()

    async def _wait_in_bridge(self) -> None:
        if not self.recovered:
            await self.ari.request("bridges", "create", type="mixing", bridgeId=self.bridge_id,
                                   name=f"hotline call {self.call_id}")
            await self.ari.request("bridges", "addChannel", bridgeId=self.bridge_id, channel=self.channel_id)
        await self.ari.request("bridges", "startMoh", bridgeId=self.bridge_id)
        try:
            queued_at: float | None = await self.deps.db.run(self._mark_queued)
            self.entered_at = queued_at or self.entered_at
        except (SQLAlchemyError, LookupError) as exc:  # the caller is routed all the same; the record is lost
            logger.error("call %s: queueing not recorded: %s", self.call_id, exc)
        self.deps.events(CallOffered(self.call_id, self.skill, self.entered_at))
        self.deps.dispatcher.enqueue(self, skill=self.skill, language=self.language, priority=self.priority,
                                     entered_at=self.entered_at)
        if self.deps.dispatcher.is_waiting(self.call_id):
            await self._announce()

    def _mark_queued(self, session: Any) -> float | None:
        calls.mark_queued(session, self.call_id, category=self.skill, language=self.language,
                          priority=self.priority)
        queued_at = calls.get_call(session, self.call_id).queued_at
        return queued_at.timestamp() if queued_at else None

    async def on_event(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        channel_id = event.get("channel", {}).get("id")
        if self.is_caller_hangup(event):
            await self.caller_left()
        elif kind == CONTROL:
            await self.control.perform(event)
        elif self.control.owns(channel_id):
            await self.control.on_leg_event(event)
        elif kind == OFFER and self.state is QueueState.WAITING:
            await self.ring_agent(event["agent_id"], event["reason"])
        elif rings(event) and channel_id == self.agent_channel_id and self.state is QueueState.RINGING:
            self.phone_ringing()
        elif kind == "StasisStart" and channel_id == self.agent_channel_id and self.state is QueueState.RINGING:
            await self.agent_answered()
        elif kind in HANGUP_EVENTS and channel_id == self.agent_channel_id and channel_id is not None:
            if not await self.control.agent_gone():
                await self.agent_left(event)
        elif kind == "PlaybackFinished" and event["playback"]["id"] == self._announce_playback:
            self._announce_playback = None
            if self.state is QueueState.WAITING:
                await self.ari.request_quietly("bridges", "startMoh", bridgeId=self.bridge_id)

    # transitions -------------------------------------------------------------------------------------
    async def ring_agent(self, agent_id: int, reason: str) -> None:
        agent = self.deps.board.agents[agent_id]
        self.agent_id = agent_id
        self.agent_channel_id = f"agent-{uuid.uuid4().hex}"  # our own id: a retried originate cannot ring twice
        self.own("channel:" + self.agent_channel_id)
        self.state = QueueState.RINGING
        await self.deps.db.record(calls.mark_offered, self.call_id, agent_id=agent_id, job_number=agent.job_number,
                                  reason=reason)
        await self.deps.db.record(set_agent_state, agent_id, AgentState.RINGING)
        try:
            await self.ari.request(
                "channels", "originate", endpoint=agent.dial_string, app=self.app.name, appArgs="agent",
                channelId=self.agent_channel_id, timeout=self.deps.settings.ring_timeout_seconds,
                callerId=f'"{self.caller_number}" <{self.caller_number}>',
                variables={v.CALL_ID: self.call_id, v.ROLE: "agent", v.AGENT_ID: str(agent_id)},
            )
        except AriError as exc:
            logger.warning("call %s: could not ring agent %s: %s", self.call_id, agent.job_number, exc)
            await self.agent_missed(f"originate failed: {exc.status}")

    def phone_ringing(self) -> None:
        """Asterisk reports the agent's phone ringing: the desk's call line says so."""
        self.deps.events(CallState(self.agent_id, self.call_id, "ringing", caller_number=self.caller_number))

    async def agent_answered(self) -> None:
        assert self.agent_id is not None and self.agent_channel_id is not None
        self.state = QueueState.TALKING
        await self.ari.request_quietly("bridges", "stopMoh", bridgeId=self.bridge_id)
        await self.ari.request("bridges", "addChannel", bridgeId=self.bridge_id, channel=self.agent_channel_id)
        await self.deps.board.set_state(self.agent_id, AgentState.BUSY)
        await self.deps.db.record(calls.mark_answered, self.call_id, self.agent_id)
        self.deps.events(CallAnswered(self.call_id, self.agent_id, time.time() - self.entered_at))
        self.deps.events(ScreenPop(self.agent_id, self.call_id, self.caller_number))
        self.control.publish_state()

    async def transfer_to(self, agent_id: int) -> None:
        """Blind transfer: the current agent leaves (to wrap-up), the new agent is rung into the same bridge.

        If the new agent does not answer, the call waits in the queue again like any missed offer.
        """
        old_agent, old_channel = self.agent_id, self.agent_channel_id
        if old_channel:
            self.disown("channel:" + old_channel)
            await self.ari.request_quietly("channels", "hangup", channelId=old_channel)
        await self.deps.db.record(calls.record_event, self.call_id, "transferred", from_agent_id=old_agent,
                                  to_agent_id=agent_id)
        if old_agent is not None:
            self.deps.events(CallEnded(old_agent, self.call_id, "transferred", "agent"))
            await self.deps.dispatcher.agent_back(old_agent, wrap_up=True)
        await self.ari.request_quietly("bridges", "startMoh", bridgeId=self.bridge_id)
        self.state = QueueState.WAITING
        await self.ring_agent(agent_id, "transfer")

    async def agent_left(self, event: dict[str, Any]) -> None:
        if self.state is QueueState.RINGING:
            await self.agent_missed(event.get("cause_txt") or str(event.get("cause", "")))
        elif self.state is QueueState.TALKING:
            await self.finish(CallStatus.COMPLETED, "agent")
            await self.ari.request_quietly("channels", "hangup", channelId=self.channel_id)

    async def agent_missed(self, cause: str) -> None:
        assert self.agent_id is not None
        logger.info("call %s: agent %s missed the call (%s)", self.call_id, self.agent_id, cause)
        await self.deps.db.record(calls.mark_missed, self.call_id, agent_id=self.agent_id, cause=cause)
        self.deps.events(CallEnded(self.agent_id, self.call_id, "missed", "agent"))
        await self.deps.dispatcher.agent_missed(self.agent_id)
        if self.agent_channel_id:
            self.disown("channel:" + self.agent_channel_id)
        self.agent_id = self.agent_channel_id = None
        self.state = QueueState.WAITING
        self.deps.dispatcher.enqueue(self, skill=self.skill, language=self.language, priority=self.priority,
                                     entered_at=self.entered_at)

    async def caller_left(self) -> None:
        await self.control.abandon()
        await self._hang_up_agent()
        if self.state is QueueState.TALKING:
            await self.finish(CallStatus.COMPLETED, "caller")
            return
        if self.state is QueueState.RINGING and self.agent_id is not None:
            self.deps.events(CallEnded(self.agent_id, self.call_id, CallStatus.ABANDONED.value, "caller"))
            await self.deps.dispatcher.agent_back(self.agent_id, wrap_up=False)  # not the agent's fault
        self.deps.events(CallAbandoned(self.call_id, time.time() - self.entered_at,
                                       "ringing" if self.state is QueueState.RINGING else "queue"))
        self.agent_id = None
        await self.finish(CallStatus.ABANDONED, "caller")

    async def finish(self, status: CallStatus, hangup_by: str) -> None:
        agent_id = self.agent_id if self.state is QueueState.TALKING else None
        self.state = QueueState.DONE
        self.deps.dispatcher.withdraw(self.call_id)
        await self.deps.db.record(calls.finish, self.call_id, status=status, hangup_by=hangup_by)
        self.deps.events(CallEnded(agent_id, self.call_id, status.value, hangup_by))
        if agent_id is not None:
            await self.deps.dispatcher.agent_back(agent_id, wrap_up=True)

    async def _hang_up_agent(self) -> None:
        if self.agent_channel_id:
            await self.ari.request_quietly("channels", "hangup", channelId=self.agent_channel_id)

    async def _announce(self) -> None:
        """Tell the caller their place in the queue and the expected wait."""
        if self.state is not QueueState.WAITING or self._announce_playback:
            return
        if not self.deps.dispatcher.is_waiting(self.call_id):
            return
        position = self.deps.dispatcher.position(self.call_id)
        minutes = max(1, round(self.deps.dispatcher.expected_wait_seconds(self.call_id) / 60))
        p, lang = self.deps.prompts, self.language
        media = [p.uri("queue_position_before", lang), *p.number(position, lang),
                 p.uri("queue_position_after", lang), p.uri("expected_wait_before", lang),
                 *p.number(minutes, lang, measure=True), p.uri("minutes", lang)]
        self._announce_playback = uuid.uuid4().hex
        self.own("playback:" + self._announce_playback)
        await self.ari.request_quietly("bridges", "stopMoh", bridgeId=self.bridge_id)
        await self.ari.request_quietly("bridges", "play", bridgeId=self.bridge_id, media=media,
                                       playbackId=self._announce_playback)
        await self.deps.db.record(calls.record_event, self.call_id, "announced", position=position,
                                  expected_minutes=minutes)
