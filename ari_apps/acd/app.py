"""The ACD Stasis app: wiring, new callers, callbacks (scheduled ones when due, pending ones after a restart),
and recovery of calls after a reconnect or restart."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from ari_apps.acd import call_events as ev
from ari_apps.acd.board import AgentBoard
from ari_apps.acd.call import CONTROL, AcdCallSession
from ari_apps.acd.chat_session import ChatRunner
from ari_apps.acd.deps import AcdDeps, AfterCallHook
from ari_apps.acd.desk_rules import Control, ControlRefused, dial_digits, dial_endpoint, dial_refusal
from ari_apps.acd.dispatcher import Dispatcher
from ari_apps.acd.model import Dialling, Phase
from ari_apps.acd.phones import ENDPOINT_EVENTS, PhoneWatch
from ari_apps.acd.recovery import Record, callers, first_half, new_call, recovered, variables
from ari_apps.acd.routing import Router
from ari_apps.acd.settings import AcdSettings
from ari_apps.ari import Ari
from ari_apps.events import EventSink, discard
from ari_apps.prompts import Prompts
from ari_apps.session import SessionApp
from crm_core import agents as agent_service
from crm_core import callbacks, calls
from crm_core.callbacks import PendingCallback
from crm_core.db import AsyncDatabase
from crm_core.models import AgentState, Call, CallStatus
from crm_core.models.base import utcnow
from dialplan import variables as v

logger = logging.getLogger(__name__)

ACD_STATES = {CallStatus.QUEUED.value, CallStatus.RINGING.value, CallStatus.TALKING.value}
CONTROL_TIMEOUT_SECONDS = 15.0


class AcdApp(SessionApp):
    def __init__(self, name: str, db: AsyncDatabase, prompts: Prompts, settings: AcdSettings,
                 events: EventSink = discard, after_call: AfterCallHook | None = None) -> None:
        super().__init__()
        self.name = name
        router = Router(overflow_skill=settings.overflow_skill, overflow_after=settings.overflow_after_seconds,
                        any_agent_after=settings.any_agent_after_seconds)
        self.phones = PhoneWatch(name, events, on_change=self._phone_changed)
        board = AgentBoard(db, router, events, reachable=self.phones.reachable)
        self.dispatcher = Dispatcher(router, board, settings, events)
        self.deps = AcdDeps(db=db, prompts=prompts, settings=settings, board=board, dispatcher=self.dispatcher,
                            events=events, after_call=after_call)
        self.chats = ChatRunner(self.deps)
        self._ticker: asyncio.Task[None] | None = None
        self._callbacks: asyncio.Task[None] | None = None
        self._chats: asyncio.Task[None] | None = None

    def handle(self, event: dict[str, Any]) -> None:
        if event.get("type") in ENDPOINT_EVENTS:
            self.phones.on_event(event)
            return
        super().handle(event)

    def _phone_changed(self, agent_id: int) -> None:
        """A phone registered (a ready agent is offered a waiting call at once) or went away."""
        if self.dispatcher.board.phone_changed(agent_id):
            self.dispatcher.agent_free(agent_id)

    def on_new_channel(self, event: dict[str, Any]) -> None:
        channel = event["channel"]
        if variables(channel).get(v.ROLE):
            # A leg we originated whose call ended meanwhile (agent, outside party, dialled customer).
            asyncio.create_task(self.ari.request_quietly("channels", "hangup", channelId=channel["id"]))  # type: ignore[union-attr]
            return
        call = new_call(channel, f"acd-{uuid.uuid4().hex}", self.deps.settings.overflow_skill)
        self.start(AcdCallSession(self, self.deps, call, ev.Start()))

    def sessions(self) -> list[AcdCallSession]:
        return [session for session in self._tasks if isinstance(session, AcdCallSession)]

    def call_of_agent(self, agent_id: int) -> AcdCallSession | None:
        """The call the agent is talking on (or being offered), if any."""
        return next((s for s in self.sessions() if s.agent_id == agent_id and s.agent_channel_id), None)

    def call(self, call_id: str) -> AcdCallSession | None:
        return next((s for s in self.sessions() if s.call_id == call_id), None)

    async def dial(self, agent_id: int, number: str) -> str:
        """Click-to-dial: returns the new call's id once the agent's phone is being rung."""
        digits = dial_digits(number)
        endpoint = dial_endpoint(self.deps.settings.outbound_dial, digits)
        board = self.dispatcher.board
        state = board.states.get(agent_id) if agent_id in board.agents else None
        refusal = dial_refusal(state)
        if refusal is not None:
            raise refusal
        assert state is not None
        if self.ari is None:
            raise ControlRefused("telephony_down", "the telephony is not connected to Asterisk")
        board.mark_taken(agent_id, AgentState.BUSY)  # before any await: no inbound offer from now on
        self.dispatcher.cancel_wrap_up(agent_id)
        key = uuid.uuid4().hex
        try:
            call_id = await self.deps.db.run(_open_outbound, f"dial-{key}", agent_id, digits)
        except Exception:
            await board.set_state(agent_id, state)
            raise
        dialling = Dialling(board.agents[agent_id].dial_string, endpoint, state)
        self.start(AcdCallSession.outbound(self, self.deps, call_id=call_id, agent_id=agent_id, number=digits,
                                           dialling=dialling, key=key))
        logger.info("call %s: agent %s dials %s", call_id, agent_id, digits)
        return call_id

    async def control(self, call_id: str, control: Control, *, by_agent: int | None = None,
                      **args: Any) -> Any:
        """Hold, transfer...: done by the call's own task, in order with its events."""
        call = self.call(call_id)
        if call is None or call.phase is Phase.DONE:
            raise ControlRefused("unknown_call", f"no call {call_id} in progress")
        if by_agent is not None and call.agent_id != by_agent:
            raise ControlRefused("not_your_call", "you are not the agent on this call")
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        call.events.put_nowait({"type": CONTROL, "control": control.value, "args": args, "done": done})
        try:
            return await asyncio.wait_for(asyncio.shield(done), CONTROL_TIMEOUT_SECONDS)
        except TimeoutError:
            raise ControlRefused("timeout", "the telephony did not answer in time") from None

    def waiting_calls(self) -> list[AcdCallSession]:
        return [s for s in self.sessions() if s.phase is Phase.WAITING]

    async def set_agent_state(self, agent_id: int, state: AgentState, reason: str | None = None) -> None:
        """A person's choice (desktop, supervisor): recorded, and a ready agent is offered a call at once."""
        board = self.dispatcher.board
        if board.states.get(agent_id) in (AgentState.RINGING, AgentState.BUSY) and state is AgentState.READY:
            return  # on a call: the ACD returns the agent to ready when it ends
        await board.set_state(agent_id, state, reason)
        await self.dispatcher.tick()

    def start_ticking(self) -> None:
        if self._ticker is None:
            self._ticker = asyncio.create_task(self.dispatcher.run(), name="acd-ticker")
        if self._callbacks is None:
            self._callbacks = asyncio.create_task(self._run_callbacks(), name="acd-callbacks")
        if self._chats is None:  # chats need no Asterisk: they carry on while ARI is away
            self._chats = asyncio.create_task(self.chats.run_forever(), name="acd-chats")

    async def stop_ticking(self) -> None:
        """Stop the dispatcher's ticks, the callbacks' and the chats' polling (the service's end, a test's)."""
        tasks = [task for task in (self._ticker, self._callbacks, self._chats) if task is not None]
        self._ticker = self._callbacks = self._chats = None
        self.chats.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run_callbacks(self) -> None:
        """Scheduled callbacks whose time has come enter the queue (the desk's "Schedule callback"); pending ones
        their client cancelled leave it."""
        while True:
            try:
                if self.ari is not None:
                    for pending in await self.deps.db.run(callbacks.open_due, utcnow()):
                        self._start_callback(pending)
                    await self._withdraw_cancelled()
            except Exception:
                logger.exception("ACD callbacks check failed; retrying")
            await asyncio.sleep(self.deps.settings.agent_refresh_seconds)

    async def _withdraw_cancelled(self) -> None:
        held = {s.call_id: s for s in self.sessions() if s.phase is Phase.CALLBACK_PENDING}
        for call_id in await self.deps.db.run(callbacks.cancelled_among, list(held)):
            logger.info("call %s: callback cancelled (by or for its client); out of the queue", call_id)
            held[call_id].callback_cancelled()

    def _start_callback(self, pending: PendingCallback) -> bool:
        if self.call(pending.call_id) is not None:
            return False
        session = AcdCallSession.callback(self, self.deps, pending)
        if session is None:
            return False
        logger.info("call %s: callback to %s (%s attempts so far)", pending.call_id, pending.number, pending.attempts)
        self.start(session)
        return True

    async def recover(self, ari: Ari, snapshot: dict[str, Any]) -> None:
        """Carry on every caller Asterisk still holds for the ACD; hang up orphaned agent legs."""
        self.ari = ari
        self.phones.forget_subscriptions()
        # Whose phone can be rung, before any offer (agents added later are followed by the console's refresh).
        await self.phones.follow(ari, await self.deps.db.run(agent_service.dial_strings))
        await self.dispatcher.board.refresh()
        channels = {}
        for channel_id in snapshot.get("channel_ids", []):
            channel = await ari.request_quietly("channels", "get", channelId=channel_id)
            if channel is not None:
                channels[channel_id] = channel
        bridge_of: dict[str, dict[str, Any]] = {}
        for bridge_id in snapshot.get("bridge_ids", []):
            bridge = await ari.request_quietly("bridges", "get", bridgeId=bridge_id)
            for channel_id in (bridge or {}).get("channels", []):
                bridge_of[channel_id] = bridge  # type: ignore[assignment]
        keep: dict[int, AgentState] = {}
        recovered_calls: set[str] = set()
        for channel_id in callers(channels, bridge_of):
            if self.owner_of(channel_id) is not None:
                continue
            channel = channels[channel_id]
            record = await self.deps.db.run(_record_of, variables(channel).get(v.CALL_ID) or "")
            found = recovered(channel, bridge_of, channels, record, self.deps.settings.overflow_skill)
            keep.update(found.agents)
            recovered_calls.add(found.call.call_id)
            logger.info("recovering ACD call %s (%s)", found.call.call_id, found.call.phase)
            self.start(AcdCallSession(self, self.deps, found.call, found.first, found.then))
        for channel_id, channel in channels.items():
            if variables(channel).get(v.ROLE) and self.owner_of(first_half(channel_id)) is None:
                await ari.request_quietly("channels", "hangup", channelId=channel_id)
        for pending in await self.deps.db.run(callbacks.open_pending):  # callbacks waiting, in their place
            self._start_callback(pending)
            recovered_calls.add(pending.call_id)
        keep.update(await self.chats.held())  # an agent chatting is busy with no channel
        await self._reconcile(keep, recovered_calls)
        self.start_ticking()

    async def _reconcile(self, keep: dict[int, AgentState], recovered_calls: set[str]) -> None:
        """Agents left ringing or busy by calls that no longer exist go back to ready; such calls end."""
        board = self.dispatcher.board
        for agent_id, state in list(board.states.items()):
            if agent_id in keep and state is not keep[agent_id]:
                await board.set_state(agent_id, keep[agent_id])
            elif agent_id not in keep and state in (AgentState.RINGING, AgentState.BUSY):
                await board.set_state(agent_id, AgentState.READY)
        for call in await self.deps.db.run(calls.open_calls):
            if call.status in ACD_STATES and call.id not in recovered_calls:
                status = CallStatus.COMPLETED if call.answered_at else CallStatus.ABANDONED
                await self.deps.db.record(calls.finish, call.id, status=status, hangup_by="unknown")

    def suspend(self) -> None:
        super().suspend()
        # Waiting calls are re-enqueued by recovery; the router must not keep stale entries.
        chats = {session.call_id for session in self.chats.sessions.values()}
        for call in self.dispatcher.router.waiting():
            if call.id not in chats:  # chats wait on: they need no Asterisk
                self.dispatcher.withdraw(call.id)


def _open_outbound(session: Any, channel_id: str, agent_id: int, number: str) -> str:
    return calls.open_outbound(session, channel_id=channel_id, agent_id=agent_id, number=number).id


def _record_of(session: Any, call_id: str) -> Record:
    """On hold (the last of hold / unhold is a hold) and the number last consulted, from the call's events;
    when it entered the queue, from the call."""
    on_hold, number = False, None
    for event in calls.events_of(session, call_id):
        if event.kind in ("hold", "unhold"):
            on_hold = event.kind == "hold"
        elif event.kind == "consult_offered":
            number = (event.detail or {}).get("number")
    call = session.get(Call, call_id) if call_id else None
    entered = (call.queued_at or call.entered_at) if call is not None else None
    return Record(on_hold, number, entered.timestamp() if entered is not None else None)
