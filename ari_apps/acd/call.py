"""One ACD call's task: reads its events (ARI's, the dispatcher's offers, the desk's controls, the announcement
timer), steps the state machine (state.py) and carries out the effects it returns (effects.py), in order.

This is the only place where an ACD call talks to ARI, the database, the dispatcher and the event sink.
Desk requests come as CONTROL events carrying a future, so they run in order with the call's ARI events;
the future gets None or the `ControlRefused`.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.callback_moves import CALLBACK_REASON, offer_due
from ari_apps.acd.deps import AcdDeps
from ari_apps.acd.desk_rules import Control, ControlRefused, control_refusal
from ari_apps.acd.dispatcher import OFFER
from ari_apps.acd.model import (
    CONNECTED,
    AcdCall,
    Callback,
    Context,
    Dialling,
    Phase,
    callback_endpoint,
    line,
    owned,
    view,
)
from ari_apps.acd.moves import drop_consultation
from ari_apps.acd.relationship import Preference
from ari_apps.acd.state import step
from ari_apps.ari import AriError
from ari_apps.originate import originate
from ari_apps.session import CallSession, SessionApp
from crm_core import callbacks, calls, recordings
from crm_core.agents import set_state as set_agent_state
from crm_core.call_routing import CallRoute, route_for
from crm_core.callbacks import PendingCallback
from crm_core.events import CallLine
from crm_core.models.base import utcnow
from dialplan import variables as v

logger = logging.getLogger(__name__)

RECORDING_FORMAT = "wav"  # as trading calls' recordings
CONTROL = "HotlineControl"  # internal event: {"type", "control": Control, "args": {...}, "done": Future}
CALLBACK_CANCELLED = "HotlineCallbackCancelled"  # internal event: the ACD's check found the callback cancelled


class AcdCallSession(CallSession):
    def __init__(self, app: SessionApp, deps: AcdDeps, call: AcdCall, first: ev.CallEvent,
                 then: tuple[ev.CallEvent, ...] = ()) -> None:
        super().__init__(app, call.channel_id)
        self.deps = deps
        self.call = call  # the machine's state, the moment it decides
        self.settled = call  # the state once its effects are carried out: what the app and the desks see
        self._idle = asyncio.Event()  # no transition's effects are being carried out
        self._idle.set()
        self.call_id = call.call_id
        self._created = time.time()
        self._first = (first, *then)
        self._owned: set[str] = set()
        self._sync_owned()

    @classmethod
    def callback(cls, app: SessionApp, deps: AcdDeps, pending: PendingCallback) -> AcdCallSession | None:
        """A callback read from the database (scheduled and due, or carried over a restart): no caller channel,
        its place in the queue kept (entered_at, priority). None for a number that cannot be dialled."""
        endpoint = callback_endpoint(deps.settings.outbound_dial, pending.number)
        if endpoint is None:
            logger.error("callback of call %s: %r cannot be dialled", pending.call_id, pending.number)
            return None
        call = AcdCall(call_id=pending.call_id, channel_id=f"callback-{pending.call_id}",
                       bridge_id=f"cbbridge-{pending.call_id}", caller_number=pending.number, skill=pending.skill,
                       language=pending.language, priority=pending.priority, phase=Phase.CALLBACK_PENDING,
                       entered_at=pending.entered_at,
                       callback=Callback(endpoint, pending.attempts, pending.agent_id, pending.due_at))
        return cls(app, deps, call, ev.Resumed())

    @classmethod
    def outbound(cls, app: SessionApp, deps: AcdDeps, *, call_id: str, agent_id: int, number: str,
                 dialling: Dialling, key: str) -> AcdCallSession:
        """Click-to-dial: the customer's channel plays the part of the caller (`channel_id`), so that once
        connected the call is handled, recovered and supervised exactly like an inbound one."""
        call = AcdCall(call_id=call_id, channel_id=f"dial-{key}", bridge_id=f"dial-{call_id}", caller_number=number,
                       skill=deps.settings.overflow_skill, phase=Phase.DIALING_OUT, agent_id=agent_id,
                       agent_channel_id=f"agent-{key}", dialling=dialling, entered_at=time.time())
        return cls(app, deps, call, ev.Start())

    # what the app and the console read ---------------------------------------------------------------
    @property
    def phase(self) -> Phase:
        return self.settled.phase

    @property
    def agent_id(self) -> int | None:
        return self.settled.agent_id

    @property
    def agent_channel_id(self) -> str | None:
        return self.settled.agent_channel_id

    @property
    def bridge_id(self) -> str:
        return self.settled.bridge_id

    @property
    def caller_number(self) -> str:
        return self.settled.caller_number

    @property
    def skill(self) -> str:
        return self.settled.skill

    @property
    def entered_at(self) -> float:
        """When the call entered the queue (before the record answers: when its task was made)."""
        return self.settled.entered_at or self._created

    @property
    def connected(self) -> bool:
        """The caller and an agent (or an outside party) are connected: talking, held or consulting."""
        return self.settled.phase in CONNECTED and self.settled.agent_channel_id is not None

    @property
    def line(self) -> CallLine | None:
        return line(self.settled)

    async def until_settled(self, timeout: float) -> None:
        """Return once the transition under way has carried out its effects (at once when none is), or after
        `timeout` seconds. The supervisors' board shows an answered call busy from the middle of its answer's
        effects (the agent's state is one of them): a supervisor's click on it waits for the rest."""
        if self._idle.is_set():
            return
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            pass

    # life --------------------------------------------------------------------------------------------
    async def run(self) -> None:
        try:
            for event in self._first:
                await self.feed(event)
            await self._announce_due()
            while self.call.phase is not Phase.DONE:
                raw = await self.next_event(self._timer())
                if raw is None:
                    await self._timer_due()
                elif raw.get("type") == CONTROL:
                    await self.perform(raw)
                else:
                    read = self._read(raw)
                    if read is not None:
                        await self.feed(read)
        finally:
            stranded = fail_pending(self.events)
            self.deps.dispatcher.withdraw(self.call_id)
            for agent_id in stranded:  # offered as the call ended (a caller gone, a callback cancelled): free again
                logger.info("call %s: ended with an offer to agent %s unread; the agent is free again",
                            self.call_id, agent_id)
                await self.deps.dispatcher.agent_back(agent_id, wrap_up=False)
            for effect in drop_consultation(self.call):  # only if the task ends in the middle of one
                await self.carry_out(effect)
            await self.ari.request_quietly("bridges", "destroy", bridgeId=self.call.bridge_id)

    def _timer(self) -> float | None:
        """Seconds until the next announcement (waiting) or the callback's next attempt (pending, not queued)."""
        call = self.call
        if call.phase is Phase.WAITING:
            return self.deps.settings.announce_every_seconds
        if call.phase is Phase.CALLBACK_PENDING and call.callback is not None \
                and not self.deps.dispatcher.is_waiting(self.call_id):
            return max(0.0, call.callback.due_at - time.time()) if call.callback.due_at else None
        return None

    async def _timer_due(self) -> None:
        if self.call.phase is Phase.CALLBACK_PENDING:
            await self.feed(ev.CallbackDue())
        else:
            await self._announce_due()

    def callback_cancelled(self) -> None:
        """Its client cancelled this pending callback: told to the task, in order with its other events."""
        self.events.put_nowait({"type": CALLBACK_CANCELLED})

    def _read(self, raw: dict[str, Any]) -> ev.CallEvent | None:
        if raw.get("type") == CALLBACK_CANCELLED:
            return ev.CallbackCancelled()
        if raw.get("type") != OFFER:
            return ev.read(self.call, raw)
        agent = self.deps.board.agents[raw["agent_id"]]
        return ev.Offer(agent.id, raw["reason"], agent.job_number, agent.dial_string)

    async def _announce_due(self) -> None:
        """Tell the caller their place, while the call waits and no agent has been found for it yet."""
        dispatcher = self.deps.dispatcher
        if self.call.phase is not Phase.WAITING or not dispatcher.is_waiting(self.call_id):
            return
        minutes = max(1, round(dispatcher.expected_wait_seconds(self.call_id) / 60))
        settings, call = self.deps.settings, self.call
        offer = offer_due(time.time() - self.entered_at, settings.callback_offer_after_seconds,
                          callback_endpoint(settings.outbound_dial, call.caller_number) is not None)
        await self.feed(ev.AnnounceDue(dispatcher.position(self.call_id), minutes, offer))

    # the machine -------------------------------------------------------------------------------------
    async def feed(self, event: ev.CallEvent) -> ControlRefused | None:
        """Step the machine and carry out the effects; returns the refusal a desk control gets, if any. A leg
        Asterisk refuses to originate ends the transition's effects and is fed back as OriginateFailed; the
        time a call is written as queued is fed back as Queued."""
        before = self.call.phase
        transition = step(self.call, event, self._context())
        self.call = transition.call
        if self.call.phase is not before:
            logger.debug("call %s: %s -[%s]-> %s", self.call_id, before, type(event).__name__, self.call.phase)
        self._sync_owned()
        self._idle.clear()
        try:
            for effect in transition.effects:
                if isinstance(effect, fx.Ring):
                    try:
                        await originate(self.ari, effect.call)
                    except AriError as exc:
                        logger.warning("call %s: could not originate %s: %s", self.call_id, effect.call.endpoint, exc)
                        failed = await self.feed(ev.OriginateFailed(effect.call.channel_id, exc.status))
                        return failed or transition.refusal
                else:
                    await self.carry_out(effect)
            return transition.refusal
        finally:
            self.settled = self.call
            self._idle.set()

    def _context(self) -> Context:
        settings = self.deps.settings
        return Context(uuid.uuid4().hex, self.app.name, settings.ring_timeout_seconds, settings.dial_timeout_seconds,
                       time.time(), settings.callback_attempts, settings.callback_retry_seconds,
                       settings.record_conferences)

    def _sync_owned(self) -> None:
        """Route to this call the events of what it has now, and no longer those of what it let go (before
        any effect runs: a leg hung up by the effects is no longer the call's)."""
        now = owned(self.call)
        for key in self._owned - now:
            self.disown(key)
        for key in now - self._owned:
            self.own(key)
        self._owned = now

    async def carry_out(self, effect: fx.Effect) -> None:
        db, dispatcher = self.deps.db, self.deps.dispatcher  # ARI only for the effects on Asterisk
        match effect:
            case fx.CreateBridge(bridge_id, name):
                await self.ari.request("bridges", "create", type="mixing", bridgeId=bridge_id, name=name)
            case fx.DestroyBridge(bridge_id):
                await self.ari.request_quietly("bridges", "destroy", bridgeId=bridge_id)
            case fx.AddToBridge(bridge_id, channel_id):
                await self.ari.request("bridges", "addChannel", bridgeId=bridge_id, channel=channel_id)
            case fx.RemoveFromBridge(bridge_id, channel_id):
                await self.ari.request_quietly("bridges", "removeChannel", bridgeId=bridge_id, channel=channel_id)
            case fx.StartMoh(bridge_id):
                await self.ari.request_quietly("bridges", "startMoh", bridgeId=bridge_id)
            case fx.StopMoh(bridge_id):
                await self.ari.request_quietly("bridges", "stopMoh", bridgeId=bridge_id)
            case fx.RecordBridge(bridge_id, name, purpose):
                await self._record_bridge(bridge_id, name, purpose)
            case fx.HangUp(channel_id):
                await self.ari.request_quietly("channels", "hangup", channelId=channel_id)
            case fx.AfterCall(channel_id, bridge_id):
                await self._after_call(channel_id, bridge_id)
            case fx.Ring(call):
                await originate(self.ari, call)
            case fx.Announce():
                if effect.offer_callback:  # the caller's channel awaits a key (scripted callers answer it)
                    await self.ari.request_quietly("channels", "setChannelVar", channelId=self.call.channel_id,
                                                   variable=v.AWAITING_INPUT, value="callback_offer")
                await self.ari.request_quietly("bridges", "play", bridgeId=effect.bridge_id, media=self._media(effect),
                                          playbackId=effect.playback_id)
            case fx.Say(bridge_id, playback_id, prompt, language):
                await self.ari.request_quietly("bridges", "play", bridgeId=bridge_id, playbackId=playback_id,
                                               media=[self.deps.prompts.uri(prompt, language)])
            case fx.SaveCallback():
                await self.feed(ev.CallbackSaved(await self._save_callback()))
            case fx.ClaimCallback(offer):
                await self.feed(ev.CallbackClaimed(offer, await self._claim_callback()))
            case fx.Write(action, args):
                await db.record(action, self.call_id, **args)
            case fx.MarkQueued():
                await self.feed(ev.Queued(*await self._mark_queued()))
            case fx.Enqueue():
                await self._enqueue()
            case fx.Withdraw():
                dispatcher.withdraw(self.call_id)
            case fx.RecordAgentState(agent_id, state):
                await db.record(set_agent_state, agent_id, state, at=utcnow())  # dated before the write's wait
            case fx.SetAgentState(agent_id, state):
                await self.deps.board.set_state(agent_id, state)
            case fx.AgentBack(agent_id, wrap_up):
                await dispatcher.agent_back(agent_id, wrap_up=wrap_up)
            case fx.AgentMissed(agent_id, reason):
                await dispatcher.agent_missed(agent_id, reason)
            case fx.Publish(event):
                self.deps.events(event)

    async def _record_bridge(self, bridge_id: str, name: str, purpose: str) -> None:
        """Record the bridge and link the recording to the call; a recorder that fails is logged and noted on the
        call, and the call goes on (as a trading call's recording)."""
        try:
            await self.ari.request("bridges", "record", bridgeId=bridge_id, name=name, format=RECORDING_FORMAT,
                                   ifExists="fail")
            await self.deps.db.run(recordings.add, self.call_id, name, format=RECORDING_FORMAT, purpose=purpose,
                                   at=datetime.now(UTC))
        except (AriError, SQLAlchemyError) as exc:
            logger.error("call %s: %s call not recorded: %s", self.call_id, purpose, exc)
            await self.deps.db.record(calls.record_event, self.call_id, "recording_failed", error=str(exc)[:200])
            return
        await self.deps.db.record(calls.record_event, self.call_id, "recording", name=name)

    async def _enqueue(self) -> None:
        """Into the router's queue in the call's place; a callback whose agent (who scheduled it) is free is
        offered to them at once (taken before any await)."""
        call, dispatcher, board = self.call, self.deps.dispatcher, self.deps.board
        agent_id = call.callback.agent_id if call.callback is not None else None
        if agent_id is not None and agent_id in board.agents and dispatcher.take(agent_id):
            agent = board.agents[agent_id]
            await self.feed(ev.Offer(agent_id, CALLBACK_REASON, agent.job_number, agent.dial_string))
            return
        dispatcher.enqueue(self, skill=call.skill, language=call.language, priority=call.priority,
                           entered_at=call.entered_at, preference=preference(call.route))

    async def _after_call(self, channel_id: str, bridge_id: str) -> None:
        """Offer the caller to the post-call survey (out of the bridge first); hung up unless it is taken."""
        hook = self.deps.after_call
        if hook is not None:
            await self.ari.request_quietly("bridges", "removeChannel", bridgeId=bridge_id, channel=channel_id)
            if await hook(self.call_id, channel_id):
                return
        await self.ari.request_quietly("channels", "hangup", channelId=channel_id)

    def _media(self, announce: fx.Announce) -> list[str]:
        p, lang = self.deps.prompts, announce.language
        offer = [p.uri("callback_offer", lang)] if announce.offer_callback else []
        return [p.uri("queue_position_before", lang), *p.number(announce.position, lang),
                p.uri("queue_position_after", lang), p.uri("expected_wait_before", lang),
                *p.number(announce.minutes, lang, measure=True), p.uri("minutes", lang), *offer]

    async def _save_callback(self) -> str | None:
        """The waiting caller's callback, written in their place; its endpoint, or None if not written."""
        call = self.call
        endpoint = callback_endpoint(self.deps.settings.outbound_dial, call.caller_number)
        if endpoint is None:
            return None
        try:
            saved = await self.deps.db.run(_take_callback, call.call_id, call.caller_number, call.skill,
                                           call.language, call.priority, self.entered_at)
        except (SQLAlchemyError, LookupError) as exc:  # the caller keeps waiting; nothing is lost
            logger.error("call %s: callback not written: %s", self.call_id, exc)
            return None
        return endpoint if saved else None

    async def _claim_callback(self) -> bool:
        """The callback is being made for this agent, unless its client cancelled it (False). A database that does
        not answer does not stop it: made as decided (the cancel's own update then finds it dialling: 409)."""
        try:
            return bool(await self.deps.db.run(callbacks.claim_attempt, self.call_id))
        except (SQLAlchemyError, LookupError) as exc:
            logger.error("call %s: callback not claimed in the database, made all the same: %s", self.call_id, exc)
            return True

    async def _mark_queued(self) -> tuple[float, CallRoute | None]:
        """Write the call as queued with the CRM's route for it; when it entered the queue by the record (else
        now: routed all the same, by skill)."""
        call = self.call
        queued_at: float | None = None
        route: CallRoute | None = None
        try:
            queued_at, route = await self.deps.db.run(_mark_queued, call.call_id, call.skill, call.language,
                                                      call.priority)
        except (SQLAlchemyError, LookupError) as exc:  # the caller is routed all the same; the record is lost
            logger.error("call %s: queueing not recorded: %s", self.call_id, exc)
        return queued_at or call.entered_at or time.time(), route

    # requests from the desk --------------------------------------------------------------------------
    async def perform(self, raw: dict[str, Any]) -> None:
        done: asyncio.Future[Any] = raw["done"]
        control = Control(raw["control"])
        try:
            refusal = await self.feed(self._control_event(control, raw.get("args") or {}))
            if refusal is not None:
                raise refusal
        except ControlRefused as refused:
            _settle(done, error=refused)
        except AriError as exc:
            logger.warning("call %s: %s failed in Asterisk: %s", self.call_id, control, exc)
            _settle(done, error=ControlRefused("telephony_failed", f"{control} failed: {exc}"))
        except Exception as exc:  # a bug: the call goes on, the desk is told
            logger.exception("call %s: %s failed", self.call_id, control)
            _settle(done, error=ControlRefused("failed", f"{control} failed: {type(exc).__name__}"))
        else:
            _settle(done)

    def _control_event(self, control: Control, args: dict[str, Any]) -> ev.DeskControl:
        if control is Control.BLIND:
            agent_id = int(args["agent_id"])
            agent = self.deps.board.agents.get(agent_id)
            return ev.Blind(agent_id, self._take(control, agent_id), agent.job_number if agent else "",
                            agent.dial_string if agent else "")
        if control is Control.CONSULT:
            target = args.get("agent_id")
            available = target is None or self._take(control, int(target))
            return ev.Consult(target, args.get("number"), args["endpoint"], available, bool(args.get("join")))
        if control is Control.TO_QUEUE:
            return ev.ToQueue(str(args["skill"]))
        simple: dict[Control, ev.DeskControl] = {Control.HOLD: ev.Hold(), Control.UNHOLD: ev.Unhold(),
                                                 Control.COMPLETE: ev.Complete(), Control.CANCEL: ev.Cancel(),
                                                 Control.CONFERENCE: ev.Conference()}
        return simple[control]

    def _take(self, control: Control, agent_id: int) -> bool:
        """Take a ready transfer target before any await, if the desk rules allow the control now."""
        return control_refusal(control, view(self.call)) is None and self.deps.dispatcher.take(agent_id)


def _mark_queued(session: Any, call_id: str, skill: str, language: str,
                 priority: int) -> tuple[float | None, CallRoute | None]:
    """The CRM's route (recorded with its reasons as the call's `routed` event), then the call as queued."""
    route = _route(session, call_id, skill)
    if route is not None and route.ruled:
        priority = route.queue_priority(priority)
        calls.record_event(session, call_id, "routed", **route.detail())
    calls.mark_queued(session, call_id, category=skill, language=language, priority=priority)
    queued_at = calls.get_call(session, call_id).queued_at
    return (queued_at.timestamp() if queued_at else None), route


def _route(session: Any, call_id: str, skill: str) -> CallRoute | None:
    """The route of the call's investor; None (routed by skill) if a rule cannot be evaluated."""
    investor_id = calls.get_call(session, call_id).investor_id
    try:
        with session.begin_nested():
            return route_for(session, investor_id, skill)
    except (ValueError, TypeError) as exc:  # a rule that does not evaluate (ExpressionError, EvaluationError)
        logger.error("call %s: CRM route not read, routed by skill: %s", call_id, exc)
        return None


def preference(route: CallRoute | None) -> Preference | None:
    """The assigned agent the call goes to first, and how long it may wait for them."""
    if route is None or route.agent_id is None:
        return None
    return Preference(route.agent_id, route.service.wait_for_agent_seconds)


def _take_callback(session: Any, call_id: str, number: str, skill: str, language: str, priority: int,
                   entered_at: float) -> bool:
    return callbacks.take_in_queue(session, call_id, number=number, skill=skill, language=language,
                                   priority=priority, entered_at=datetime.fromtimestamp(entered_at, UTC)) is not None


def fail_pending(events: asyncio.Queue[dict[str, Any]]) -> list[int]:
    """The call ended: desk requests still queued are answered with a refusal; returns the agents of offers still
    queued (the dispatcher took them for this call: they must be freed, or they stay ringing for nothing)."""
    stranded = []
    while not events.empty():
        event = events.get_nowait()
        if event.get("type") == CONTROL:
            _settle(event["done"], error=ControlRefused("not_on_call", "the call has ended"))
        elif event.get("type") == OFFER:
            stranded.append(int(event["agent_id"]))
    return stranded


def _settle(done: asyncio.Future[Any], *, error: Exception | None = None) -> None:
    if done.done():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(None)

