"""Click-to-dial: the agent's phone rings first; once the agent answers, the customer's number is dialled.

    RINGING (agent's phone) ──agent answers──▶ DIALING (customer's phone) ──customer answers──▶ TALKING
    RINGING/DIALING ──agent hangs up, customer busy / no answer──▶ DONE (failed)
    TALKING: as an inbound call (hold, transfers; either hangs up ▶ DONE, completed)

The customer's channel plays the part of the caller of an inbound call (`channel_id`), so that once
connected an outbound call is handled, recovered and supervised exactly like an inbound one. The agent
is BUSY from the click on (no inbound offer meanwhile); afterwards wrap-up, as for inbound calls, or,
if the agent never picked up, the state they were in before.
"""

from __future__ import annotations

import logging
from typing import Any

from ari_apps.acd.call_control import CONTROL
from ari_apps.acd.deps import AcdDeps
from ari_apps.acd.phones import rings
from ari_apps.acd.queued_call import QueuedCall, QueueState
from ari_apps.ari import AriError
from ari_apps.session import HANGUP_EVENTS, SessionApp
from crm_core import calls
from crm_core.agents import set_state as set_agent_state
from crm_core.events import CallEnded, ScreenPop
from crm_core.models import AgentState, CallStatus
from dialplan import variables as v

logger = logging.getLogger(__name__)


class OutboundCall(QueuedCall):
    def __init__(self, app: SessionApp, deps: AcdDeps, *, call_id: str, agent_id: int, number: str,
                 customer_endpoint: str, customer_channel_id: str, agent_channel_id: str,
                 state_before: AgentState) -> None:
        channel = {"id": customer_channel_id, "caller": {"number": number}, "channelvars": {v.CALL_ID: call_id}}
        super().__init__(app, channel, deps, bridge_id=f"dial-{call_id}", agent_channel_id=agent_channel_id,
                         agent_id=agent_id)
        self.recovered = False
        self.state = QueueState.RINGING
        self.number = number
        self.customer_endpoint = customer_endpoint
        self.state_before = state_before

    async def begin(self) -> None:
        """Ring the agent's own phone; the number is dialled when they answer."""
        assert self.agent_id is not None and self.agent_channel_id is not None
        agent = self.deps.board.agents.get(self.agent_id)
        await self.deps.db.record(set_agent_state, self.agent_id, AgentState.BUSY)
        if agent is None:
            await self._failed("agent_gone", "the agent logged out", agent_answered=False)
            return
        try:
            await self.ari.request(
                "channels", "originate", endpoint=agent.dial_string, app=self.app.name, appArgs="agent",
                channelId=self.agent_channel_id, timeout=self.deps.settings.ring_timeout_seconds,
                callerId=f'"{self.number}" <{self.number}>',
                variables={v.CALL_ID: self.call_id, v.ROLE: "agent", v.AGENT_ID: str(self.agent_id)})
        except AriError as exc:
            logger.warning("call %s: could not ring agent %s's phone: %s", self.call_id, agent.job_number, exc)
            await self._failed("agent_unreachable", f"originate failed: {exc.status}", agent_answered=False)

    async def on_event(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        channel_id = event.get("channel", {}).get("id")
        ringing = self.state in (QueueState.RINGING, QueueState.DIALING)
        if rings(event) and channel_id == self.agent_channel_id and self.state is QueueState.RINGING:
            self.phone_ringing()
        elif kind == "StasisStart" and channel_id == self.agent_channel_id and self.state is QueueState.RINGING:
            await self.agent_picked_up()
        elif kind == "StasisStart" and channel_id == self.channel_id and self.state is QueueState.DIALING:
            await self.customer_answered()
        elif kind in HANGUP_EVENTS and ringing and channel_id == self.agent_channel_id:
            await self._hang_up(self.channel_id)
            await self._failed("agent", _cause(event), agent_answered=self.state is QueueState.DIALING)
        elif kind in HANGUP_EVENTS and ringing and channel_id == self.channel_id:
            await self._hang_up(self.agent_channel_id)
            await self._failed("customer", _cause(event), agent_answered=True)
        elif not ringing:
            await super().on_event(event)
        elif kind == CONTROL:
            await self.control.perform(event)  # refused: not connected yet

    async def agent_picked_up(self) -> None:
        assert self.agent_channel_id is not None
        self.state = QueueState.DIALING
        await self.ari.request("bridges", "create", type="mixing", bridgeId=self.bridge_id,
                               name=f"hotline outbound call {self.call_id}")
        await self.ari.request("bridges", "addChannel", bridgeId=self.bridge_id, channel=self.agent_channel_id)
        self.deps.events(ScreenPop(self.agent_id, self.call_id, self.number))
        try:
            await self.ari.request(
                "channels", "originate", endpoint=self.customer_endpoint, app=self.app.name, appArgs="customer",
                channelId=self.channel_id, timeout=self.deps.settings.dial_timeout_seconds,
                variables={v.CALL_ID: self.call_id, v.ROLE: "customer"})
        except AriError as exc:
            logger.warning("call %s: could not dial %s: %s", self.call_id, self.number, exc)
            await self._hang_up(self.agent_channel_id)
            await self._failed("customer", f"originate failed: {exc.status}", agent_answered=True)

    async def customer_answered(self) -> None:
        assert self.agent_id is not None
        self.state = QueueState.TALKING
        await self.ari.request("bridges", "addChannel", bridgeId=self.bridge_id, channel=self.channel_id)
        await self.deps.db.record(calls.mark_answered, self.call_id, self.agent_id)
        self.control.publish_state()

    async def _failed(self, hangup_by: str, cause: str, *, agent_answered: bool) -> None:
        """Nobody was connected: the call is closed as failed; the agent goes to wrap-up if they picked up,
        else back to the state they were in before dialling."""
        agent_id = self.agent_id
        self.state = QueueState.DONE
        await self.deps.db.record(calls.record_event, self.call_id, "dial_failed", by=hangup_by, cause=cause)
        await self.deps.db.record(calls.finish, self.call_id, status=CallStatus.FAILED, hangup_by=hangup_by)
        self.deps.events(CallEnded(agent_id, self.call_id, CallStatus.FAILED.value, hangup_by))
        if agent_id is None:
            return
        if agent_answered:
            await self.deps.dispatcher.agent_back(agent_id, wrap_up=True)
        elif self.state_before is AgentState.READY:
            await self.deps.dispatcher.agent_back(agent_id, wrap_up=False)
        else:
            await self.deps.board.set_state(agent_id, self.state_before)

    async def _hang_up(self, channel_id: str | None) -> None:
        if channel_id:
            self.disown("channel:" + channel_id)
            await self.ari.request_quietly("channels", "hangup", channelId=channel_id)


def _cause(event: dict[str, Any]) -> str:
    return str(event.get("cause_txt") or event.get("cause") or event["type"])
