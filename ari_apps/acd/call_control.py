"""Hold and attended transfer of one connected call, run inside the call's own task.

    TALKING ──hold──▶ HELD ──unhold──▶ TALKING
    TALKING/HELD ──consult──▶ CONSULT RINGING ──target answers──▶ CONSULTING
    CONSULTING ──complete──▶ TALKING (caller with the target; the agent leaves to wrap-up)
    CONSULT RINGING/CONSULTING ──cancel, target gone or unanswered──▶ TALKING (caller back with the agent)

On hold the agent's channel leaves the call's bridge and the bridge plays music on hold, so the caller
hears MOH and nothing of the agent. A consultation puts the agent's channel in a bridge of its own with
the target's channel (another agent's phone, or an outside number); completing it moves the target's
channel into the call's bridge and hangs up the agent's.

Requests come from the desk as CONTROL events carrying a future: they run in order with the call's ARI
events, and the future gets the result or the `ControlRefused`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ari_apps.acd.desk_rules import CallView, Control, ControlRefused, control_refusal
from ari_apps.ari import AriError
from ari_apps.session import HANGUP_EVENTS
from crm_core import calls
from crm_core.agents import set_state as set_agent_state
from crm_core.events import CallEnded, CallLine, CallState, ScreenPop
from crm_core.models import AgentState
from dialplan import variables as v

if TYPE_CHECKING:
    from ari_apps.acd.queued_call import QueuedCall

logger = logging.getLogger(__name__)

CONTROL = "HotlineControl"  # internal event: {"type", "control": Control, "args": {...}, "done": Future}


@dataclass
class Consultation:
    channel_id: str
    bridge_id: str
    agent_id: int | None  # the target agent; None for an outside number
    number: str | None
    answered: bool = False


class CallControl:
    def __init__(self, call: QueuedCall) -> None:
        self.call = call
        self.held = False
        self.consult: Consultation | None = None

    def view(self) -> CallView:
        talking = self.call.state.value == "talking" and self.call.agent_channel_id is not None
        return CallView(talking=talking, held=self.held, consulting=self.consult is not None,
                        consult_answered=bool(self.consult and self.consult.answered))

    @property
    def state(self) -> CallLine:
        """For the desk and the live view: talking, held, consult_ringing or consulting."""
        if self.consult is not None:
            return "consulting" if self.consult.answered else "consult_ringing"
        return "held" if self.held else "talking"

    # requests from the desk ----------------------------------------------------------------------------
    async def perform(self, event: dict[str, Any]) -> None:
        done: asyncio.Future[Any] = event["done"]
        control = Control(event["control"])
        try:
            refusal = control_refusal(control, self.view())
            if refusal is not None:
                raise refusal
            result = await self._run(control, event.get("args") or {})
        except ControlRefused as refused:
            _settle(done, error=refused)
        except AriError as exc:
            logger.warning("call %s: %s failed in Asterisk: %s", self.call.call_id, control, exc)
            _settle(done, error=ControlRefused("telephony_failed", f"{control} failed: {exc}"))
        except Exception as exc:  # a bug: the call goes on, the desk is told
            logger.exception("call %s: %s failed", self.call.call_id, control)
            _settle(done, error=ControlRefused("failed", f"{control} failed: {type(exc).__name__}"))
        else:
            _settle(done, result=result)

    async def _run(self, control: Control, args: dict[str, Any]) -> Any:
        if control is Control.HOLD:
            return await self.hold()
        if control is Control.UNHOLD:
            return await self.unhold()
        if control is Control.BLIND:
            return await self.blind(args["agent_id"])
        if control is Control.CONSULT:
            return await self.start_consult(args.get("agent_id"), args.get("number"), args["endpoint"])
        if control is Control.COMPLETE:
            return await self.complete()
        return await self.cancel("agent")

    # hold ----------------------------------------------------------------------------------------------
    async def hold(self) -> None:
        if self.held:
            return
        call = self.call
        await call.ari.request("bridges", "removeChannel", bridgeId=call.bridge_id, channel=call.agent_channel_id)
        self.held = True
        await call.ari.request_quietly("bridges", "startMoh", bridgeId=call.bridge_id)
        await call.deps.db.record(calls.record_event, call.call_id, "hold", agent_id=call.agent_id)
        self.publish_state()

    async def unhold(self) -> None:
        if not self.held:
            return
        call = self.call
        await call.ari.request_quietly("bridges", "stopMoh", bridgeId=call.bridge_id)
        await call.ari.request("bridges", "addChannel", bridgeId=call.bridge_id, channel=call.agent_channel_id)
        self.held = False
        await call.deps.db.record(calls.record_event, call.call_id, "unhold", agent_id=call.agent_id)
        self.publish_state()

    # blind transfer ------------------------------------------------------------------------------------
    async def blind(self, agent_id: int) -> None:
        if not self.call.deps.dispatcher.take(agent_id):
            raise ControlRefused("agent_unavailable", "that agent is not ready")
        self.held = False
        await self.call.transfer_to(agent_id)

    # attended transfer ---------------------------------------------------------------------------------
    async def start_consult(self, agent_id: int | None, number: str | None, endpoint: str) -> None:
        call = self.call
        if agent_id is not None and not call.deps.dispatcher.take(agent_id):  # taken before any await
            raise ControlRefused("agent_unavailable", "that agent is not ready")
        key = uuid.uuid4().hex
        # Distinct ids: Asterisk keys an app's subscriptions by id alone, so a channel named like a bridge
        # the app already follows would get no events of its own (no hang-up before it answers).
        consult = self.consult = Consultation(f"target-{key}", f"consult-{key}", agent_id, number)
        call.own("channel:" + consult.channel_id)
        call.own("bridge:" + consult.bridge_id)
        await self.hold()
        await call.ari.request("bridges", "create", type="mixing", bridgeId=consult.bridge_id,
                               name=f"consultation {call.call_id}")
        await call.ari.request("bridges", "addChannel", bridgeId=consult.bridge_id, channel=call.agent_channel_id)
        await call.deps.db.record(calls.record_event, call.call_id, "consult_offered", agent_id=agent_id,
                                  number=number, from_agent_id=call.agent_id)
        if agent_id is not None:
            await call.deps.db.record(set_agent_state, agent_id, AgentState.RINGING)
        variables = {v.CALL_ID: call.call_id, v.ROLE: "agent" if agent_id else "outside",
                     v.AGENT_ID: str(agent_id or "")}
        try:
            await call.ari.request("channels", "originate", endpoint=endpoint, app=call.app.name, appArgs="consult",
                                   channelId=consult.channel_id, timeout=call.deps.settings.ring_timeout_seconds,
                                   callerId=f'"{call.caller_number}" <{call.caller_number}>', variables=variables)
        except AriError as exc:
            await self.consult_gone(f"originate failed: {exc.status}")
            raise ControlRefused("phone_unavailable", "the transfer target could not be rung") from exc
        self.publish_state()

    def owns(self, channel_id: str | None) -> bool:
        return self.consult is not None and channel_id == self.consult.channel_id

    async def on_leg_event(self, event: dict[str, Any]) -> None:
        """An event of the consultation leg: it answered, or it is gone."""
        consult = self.consult
        assert consult is not None
        if event["type"] == "StasisStart" and not consult.answered:
            await self.consult_answered()
        elif event["type"] in HANGUP_EVENTS:
            await self.consult_gone(event.get("cause_txt") or str(event.get("cause", "")))

    async def consult_answered(self) -> None:
        call, consult = self.call, self.consult
        assert consult is not None
        consult.answered = True
        await call.ari.request("bridges", "addChannel", bridgeId=consult.bridge_id, channel=consult.channel_id)
        if consult.agent_id is not None:
            await call.deps.board.set_state(consult.agent_id, AgentState.BUSY)
            call.deps.events(ScreenPop(consult.agent_id, call.call_id, call.caller_number, consultation=True))
        await call.deps.db.record(calls.record_event, call.call_id, "consulting", agent_id=consult.agent_id,
                                  number=consult.number)
        self.publish_state()

    async def complete(self, *, agent_gone: bool = False) -> None:
        """The target takes the caller; the agent's channel is hung up (unless already gone)."""
        call, consult = self.call, self.consult
        assert consult is not None
        self.consult = None
        await call.ari.request_quietly("bridges", "removeChannel", bridgeId=consult.bridge_id,
                                       channel=consult.channel_id)
        await call.ari.request_quietly("bridges", "stopMoh", bridgeId=call.bridge_id)
        await call.ari.request("bridges", "addChannel", bridgeId=call.bridge_id, channel=consult.channel_id)
        old_agent, old_channel = call.agent_id, call.agent_channel_id
        if old_channel:
            call.disown("channel:" + old_channel)
            if not agent_gone:
                await call.ari.request_quietly("channels", "hangup", channelId=old_channel)
        await self._drop_bridge(consult)
        call.agent_id, call.agent_channel_id = consult.agent_id, consult.channel_id
        self.held = False
        await call.deps.db.record(calls.mark_transferred, call.call_id, from_agent_id=old_agent,
                                  to_agent_id=consult.agent_id, to_number=consult.number, attended=True)
        if old_agent is not None:
            call.deps.events(CallEnded(old_agent, call.call_id, "transferred", "agent"))
            await call.deps.dispatcher.agent_back(old_agent, wrap_up=True)
        self.publish_state()

    async def cancel(self, by: str) -> None:
        """The target is hung up; the caller is back with the agent."""
        consult = self.consult
        assert consult is not None
        await self._end_leg(consult)
        if consult.agent_id is not None:
            await self.call.deps.dispatcher.agent_back(consult.agent_id, wrap_up=False)
        await self.call.deps.db.record(calls.record_event, self.call.call_id, "consult_cancelled",
                                       agent_id=consult.agent_id, number=consult.number, by=by)
        await self.unhold()

    async def consult_gone(self, cause: str) -> None:
        """The target hung up, was busy or did not answer: the caller is back with the agent."""
        consult = self.consult
        assert consult is not None
        await self._end_leg(consult)
        if consult.agent_id is not None:
            if consult.answered:
                await self.call.deps.dispatcher.agent_back(consult.agent_id, wrap_up=False)
            else:
                await self.call.deps.dispatcher.agent_missed(consult.agent_id)
        kind = "consult_ended" if consult.answered else "consult_failed"
        await self.call.deps.db.record(calls.record_event, self.call.call_id, kind, agent_id=consult.agent_id,
                                       number=consult.number, cause=cause)
        await self.unhold()

    async def agent_gone(self) -> bool:
        """The agent hung up during a consultation: an answered target takes the caller (True); a ringing
        one is hung up and the call ends as when the agent leaves (False)."""
        consult = self.consult
        if consult is None:
            return False
        if consult.answered:
            await self.complete(agent_gone=True)
            return True
        await self.abandon()
        return False

    async def abandon(self) -> None:
        """The call is ending: hang up the consultation leg, free its agent."""
        consult = self.consult
        if consult is None:
            return
        await self._end_leg(consult)
        if consult.agent_id is not None:
            await self.call.deps.dispatcher.agent_back(consult.agent_id, wrap_up=False)

    async def _end_leg(self, consult: Consultation) -> None:
        self.consult = None
        self.call.disown("channel:" + consult.channel_id)
        await self.call.ari.request_quietly("channels", "hangup", channelId=consult.channel_id)
        if self.call.agent_channel_id:
            await self.call.ari.request_quietly("bridges", "removeChannel", bridgeId=consult.bridge_id,
                                                channel=self.call.agent_channel_id)
        await self._drop_bridge(consult)

    async def _drop_bridge(self, consult: Consultation) -> None:
        await self.call.ari.request_quietly("bridges", "destroy", bridgeId=consult.bridge_id)
        self.call.disown("bridge:" + consult.bridge_id)

    def publish_state(self) -> None:
        call = self.call
        consult = self.consult
        call.deps.events(CallState(call.agent_id, call.call_id, self.state,
                                   target_agent_id=consult.agent_id if consult else None,
                                   target_number=consult.number if consult else None))


def fail_pending(events: asyncio.Queue[dict[str, Any]]) -> None:
    """The call ended: desk requests still queued are answered with a refusal."""
    while not events.empty():
        event = events.get_nowait()
        if event.get("type") == CONTROL:
            _settle(event["done"], error=ControlRefused("not_on_call", "the call has ended"))


def _settle(done: asyncio.Future[Any], *, result: Any = None, error: Exception | None = None) -> None:
    if done.done():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)
