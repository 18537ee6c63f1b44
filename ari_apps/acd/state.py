"""One ACD call as an explicit state machine: a table from (phase, event) to a transition (the next state of
the call and the effects to carry out), with no I/O. Inbound calls, click-to-dial, transfers and recovered
calls are paths through this one table:

    inbound      WAITING ─offer─▶ RINGING ─agent answers─▶ TALKING          (no answer: missed, WAITING again)
    click-to-dial          DIALING_OUT ─agent answers, then customer answers─▶ TALKING   (else DONE, failed)
    hold         TALKING ◀─hold / unhold─▶ HELD
    blind        TALKING/HELD ─blind─▶ RINGING (the new agent, into the same bridge)
    attended     TALKING/HELD ─consult─▶ CONSULT_RINGING ─target answers─▶ CONSULTING ─complete─▶ TALKING
                 CONSULT_RINGING/CONSULTING ─cancel, target gone or unanswered─▶ TALKING (back with the agent)
    end          the caller hangs up: DONE (abandoned before an answer, completed after); the agent hangs up
                 while connected: DONE (completed; an answered consultation target takes the caller instead)

The caller waits in a mixing bridge with music on hold; the agent's channel joins that bridge. On hold the
agent's channel leaves it and the bridge plays music. A consultation puts the agent's channel in a bridge
of its own with the target's (another agent's phone or an outside number); completing it moves the
target's channel into the call's bridge and hangs up the agent's.

CALLBACK_PENDING is reserved for callbacks (issue 11, items 7-8): nothing enters it yet, so it has no row.
An event with no row for the phase changes nothing; a desk control is answered with the desk rules'
refusal (desk_rules.control_refusal) before any row is looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.desk_rules import CallView, Control, ControlRefused, control_refusal
from ari_apps.originate import Originate
from crm_core import calls
from crm_core.events import CallEnded, CallLine, CallState
from crm_core.models import AgentState, CallStatus
from hotline import channel_vars as v


class Phase(StrEnum):
    WAITING = "waiting"  # in the queue, music and announcements
    RINGING = "ringing"  # an agent's phone rings for the waiting caller (an offer or a blind transfer)
    TALKING = "talking"
    HELD = "held"  # the caller hears music; the agent's phone stays up, out of the bridge
    CONSULT_RINGING = "consult_ringing"  # the caller held; the agent waits for the transfer target
    CONSULTING = "consulting"  # the caller held; the agent talks with the target
    DIALING_OUT = "dialing_out"  # click-to-dial: the agent's phone rings, then the customer's
    CALLBACK_PENDING = "callback_pending"  # reserved (items 7-8): no row in the table yet
    DONE = "done"


CONNECTED = frozenset({Phase.TALKING, Phase.HELD, Phase.CONSULT_RINGING, Phase.CONSULTING})


@dataclass(frozen=True)
class Consultation:
    channel_id: str  # the target's leg
    bridge_id: str  # the agent's and the target's bridge
    agent_id: int | None  # the target agent; None for an outside number
    number: str | None


@dataclass(frozen=True)
class Dialling:
    """Click-to-dial: the agent's phone, the customer's endpoint, and the agent's state before the click."""

    agent_dial_string: str
    customer_endpoint: str
    state_before: AgentState
    agent_answered: bool = False


@dataclass(frozen=True)
class AcdCall:
    call_id: str
    channel_id: str  # the caller's channel; for click-to-dial, the customer's
    bridge_id: str
    caller_number: str
    skill: str
    language: str = "zh"
    priority: int = 0
    phase: Phase = Phase.WAITING
    agent_id: int | None = None  # the agent rung, talking or holding
    agent_channel_id: str | None = None  # their phone's leg (an outside party's after a transfer to a number)
    consult: Consultation | None = None
    dialling: Dialling | None = None
    announcing: str | None = None  # the playback id of a position announcement being played


@dataclass(frozen=True)
class Context:
    """What a step needs besides the call and the event: a fresh key for the ids it makes, the app that
    originated legs enter, and the ring timeouts."""

    key: str
    app: str
    ring_seconds: int
    dial_seconds: int


@dataclass(frozen=True)
class Transition:
    call: AcdCall
    effects: tuple[fx.Effect, ...] = ()
    refusal: ControlRefused | None = None  # the answer to a desk control (or to the leg it failed to ring)


Handler = Callable[[AcdCall, Any, Context], Transition]


def step(call: AcdCall, event: ev.CallEvent, ctx: Context) -> Transition:
    """The call's next state and the effects to carry out, for one event."""
    control = CONTROL_OF.get(type(event))
    if control is not None:
        refusal = control_refusal(control, view(call))
        if refusal is not None:
            return Transition(call, refusal=refusal)
    handler = TABLE.get((call.phase, type(event)))
    if handler is None:
        return Transition(call)
    return handler(call, event, ctx)


def view(call: AcdCall) -> CallView:
    """What the desk rules need to know about the call."""
    return CallView(talking=call.phase in CONNECTED and call.agent_channel_id is not None,
                    held=call.phase is not Phase.TALKING, consulting=call.consult is not None,
                    consult_answered=call.phase is Phase.CONSULTING)


def line(call: AcdCall) -> CallLine | None:
    """The desk's call line for a connected call (talking, held, consult_ringing, consulting), else None."""
    return call.phase.value if call.phase in CONNECTED else None  # type: ignore[return-value]


def owned(call: AcdCall) -> set[str]:
    """The ARI objects whose events go to this call."""
    keys = {"channel:" + call.channel_id, "bridge:" + call.bridge_id}
    if call.agent_channel_id:
        keys.add("channel:" + call.agent_channel_id)
    if call.consult is not None:
        keys |= {"channel:" + call.consult.channel_id, "bridge:" + call.consult.bridge_id}
    if call.announcing:
        keys.add("playback:" + call.announcing)
    return keys


# -- pieces of transitions --------------------------------------------------------------------------------
def _publish_line(call: AcdCall) -> fx.Publish:
    consult = call.consult
    state = CallState(call.agent_id, call.call_id, line(call) or "talking",
                      target_agent_id=consult.agent_id if consult else None,
                      target_number=consult.number if consult else None)
    return fx.Publish(state.as_dict())


def _ended(agent_id: int | None, call: AcdCall, status: str, by: str) -> fx.Publish:
    return fx.Publish(CallEnded(agent_id, call.call_id, status, by).as_dict())


def _leg(call: AcdCall, ctx: Context, endpoint: str, channel_id: str, *, role: str, agent_id: int | None,
         args: str, caller_id: bool = True) -> fx.Ring:
    variables = {v.CALL_ID: call.call_id, v.ROLE: role}
    if role != "customer":
        variables[v.AGENT_ID] = str(agent_id or "")
    seconds = ctx.dial_seconds if role == "customer" else ctx.ring_seconds
    shown = f'"{call.caller_number}" <{call.caller_number}>' if caller_id else None
    return fx.Ring(Originate(endpoint=endpoint, app=ctx.app, channel_id=channel_id, ring_seconds=seconds,
                             app_args=args, caller_id=shown, variables=variables))


def _ring(call: AcdCall, ctx: Context, agent_id: int, job_number: str, dial_string: str,
          reason: str) -> Transition:
    """Offer the waiting caller to an agent: their phone is originated with our own id."""
    channel_id = f"agent-{ctx.key}"
    ringing = replace(call, phase=Phase.RINGING, agent_id=agent_id, agent_channel_id=channel_id)
    return Transition(ringing, (
        fx.Write(calls.mark_offered, {"agent_id": agent_id, "job_number": job_number, "reason": reason}),
        fx.RecordAgentState(agent_id, AgentState.RINGING),
        _leg(ringing, ctx, dial_string, channel_id, role="agent", agent_id=agent_id, args="agent"),
    ))


def _finish(call: AcdCall, status: CallStatus, by: str, *, agent_id: int | None) -> tuple[fx.Effect, ...]:
    after: tuple[fx.Effect, ...] = (fx.AgentBack(agent_id, wrap_up=True),) if agent_id is not None else ()
    return (fx.Withdraw(), fx.Write(calls.finish, {"status": status, "hangup_by": by}),
            _ended(agent_id, call, status.value, by), *after)


def _hold_effects(call: AcdCall) -> tuple[fx.Effect, ...]:
    assert call.agent_channel_id is not None
    return (fx.RemoveFromBridge(call.bridge_id, call.agent_channel_id), fx.StartMoh(call.bridge_id),
            fx.Write(calls.record_event, {"kind": "hold", "agent_id": call.agent_id}))


def _unhold(call: AcdCall) -> Transition:
    assert call.agent_channel_id is not None
    talking = replace(call, phase=Phase.TALKING, consult=None)
    return Transition(talking, (
        fx.StopMoh(call.bridge_id), fx.AddToBridge(call.bridge_id, call.agent_channel_id),
        fx.Write(calls.record_event, {"kind": "unhold", "agent_id": call.agent_id}), _publish_line(talking)))


def _end_consult(call: AcdCall) -> tuple[fx.Effect, ...]:
    """Hang up the consultation's target and drop its bridge (the agent's channel leaves it first)."""
    consult = call.consult
    assert consult is not None
    leave = (fx.RemoveFromBridge(consult.bridge_id, call.agent_channel_id),) if call.agent_channel_id else ()
    return (fx.HangUp(consult.channel_id), *leave, fx.DestroyBridge(consult.bridge_id))


def drop_consultation(call: AcdCall) -> tuple[fx.Effect, ...]:
    """What ends a consultation the call still has when its task stops in the middle of one (a bug)."""
    if call.consult is None:
        return ()
    return (*_end_consult(call), *_target_back(call.consult))


def _target_back(consult: Consultation, *, missed: bool = False) -> tuple[fx.Effect, ...]:
    if consult.agent_id is None:
        return ()
    return (fx.AgentMissed(consult.agent_id),) if missed else (fx.AgentBack(consult.agent_id, wrap_up=False),)


def _consult_over(call: AcdCall, kind: str, *, missed: bool = False, **detail: Any) -> Transition:
    """The consultation ends without a transfer: the caller is back with the agent."""
    consult = call.consult
    assert consult is not None
    back = _unhold(call)
    note = fx.Write(calls.record_event, {"kind": kind, "agent_id": consult.agent_id, "number": consult.number,
                                         **detail})
    return Transition(back.call, (*_end_consult(call), *_target_back(consult, missed=missed), note, *back.effects))


# -- WAITING --------------------------------------------------------------------------------------------------
def arrive(call: AcdCall, event: ev.Start, ctx: Context) -> Transition:
    return Transition(call, (
        fx.CreateBridge(call.bridge_id, f"hotline call {call.call_id}"),
        fx.AddToBridge(call.bridge_id, call.channel_id), fx.StartMoh(call.bridge_id), fx.Enqueue(record=True)))


def wait_again(call: AcdCall, event: ev.Resumed, ctx: Context) -> Transition:
    """Recovered while waiting: the caller is still in the bridge; queued again."""
    return Transition(call, (fx.StartMoh(call.bridge_id), fx.Enqueue(record=True)))


def offered(call: AcdCall, event: ev.Offer, ctx: Context) -> Transition:
    return _ring(call, ctx, event.agent_id, event.job_number, event.dial_string, event.reason)


def announce(call: AcdCall, event: ev.AnnounceDue, ctx: Context) -> Transition:
    if call.announcing:
        return Transition(call)
    playing = replace(call, announcing=ctx.key)
    return Transition(playing, (
        fx.StopMoh(call.bridge_id), fx.Announce(call.bridge_id, ctx.key, event.position, event.minutes, call.language),
        fx.Write(calls.record_event, {"kind": "announced", "position": event.position,
                                      "expected_minutes": event.minutes})))


def announced(call: AcdCall, event: ev.AnnounceDone, ctx: Context) -> Transition:
    """The announcement ended: music again while the caller still waits for an agent."""
    if event.playback_id != call.announcing:
        return Transition(call)
    music = (fx.StartMoh(call.bridge_id),) if call.phase in (Phase.WAITING, Phase.RINGING) else ()
    return Transition(replace(call, announcing=None), music)


def abandoned(call: AcdCall, event: ev.CallerGone, ctx: Context) -> Transition:
    done = replace(call, phase=Phase.DONE, agent_id=None, agent_channel_id=None)
    return Transition(done, _finish(call, CallStatus.ABANDONED, "caller", agent_id=None))


# -- RINGING --------------------------------------------------------------------------------------------------
def phone_rings(call: AcdCall, event: ev.AgentRinging, ctx: Context) -> Transition:
    state = CallState(call.agent_id, call.call_id, "ringing", caller_number=call.caller_number)
    return Transition(call, (fx.Publish(state.as_dict()),))


def agent_answers(call: AcdCall, event: ev.AgentAnswered, ctx: Context) -> Transition:
    assert call.agent_id is not None and call.agent_channel_id is not None
    talking = replace(call, phase=Phase.TALKING)
    return Transition(talking, (
        fx.StopMoh(call.bridge_id), fx.AddToBridge(call.bridge_id, call.agent_channel_id),
        fx.SetAgentState(call.agent_id, AgentState.BUSY), fx.Write(calls.mark_answered, {"agent_id": call.agent_id}),
        fx.Publish({"type": "screen_pop", "agent_id": call.agent_id, "call_id": call.call_id,
                    "caller_number": call.caller_number}),
        _publish_line(talking)))


def missed(call: AcdCall, event: ev.AgentGone | ev.OriginateFailed, ctx: Context) -> Transition:
    """No answer, busy, rejected or not rung at all: the agent is set not ready, the caller waits again."""
    if isinstance(event, ev.OriginateFailed) and event.channel_id != call.agent_channel_id:
        return Transition(call)
    assert call.agent_id is not None
    cause = event.cause if isinstance(event, ev.AgentGone) else f"originate failed: {event.status}"
    waiting = replace(call, phase=Phase.WAITING, agent_id=None, agent_channel_id=None)
    return Transition(waiting, (
        fx.Write(calls.mark_missed, {"agent_id": call.agent_id, "cause": cause}),
        _ended(call.agent_id, call, "missed", "agent"), fx.AgentMissed(call.agent_id), fx.Enqueue(record=False)))


def abandoned_ringing(call: AcdCall, event: ev.CallerGone, ctx: Context) -> Transition:
    assert call.agent_id is not None and call.agent_channel_id is not None
    done = replace(call, phase=Phase.DONE, agent_id=None, agent_channel_id=None)
    return Transition(done, (
        fx.HangUp(call.agent_channel_id), _ended(call.agent_id, call, CallStatus.ABANDONED.value, "caller"),
        fx.AgentBack(call.agent_id, wrap_up=False),  # not the agent's fault
        *_finish(call, CallStatus.ABANDONED, "caller", agent_id=None)))


# -- TALKING and HELD -------------------------------------------------------------------------------------------
def hold(call: AcdCall, event: ev.Hold, ctx: Context) -> Transition:
    held = replace(call, phase=Phase.HELD)
    return Transition(held, (*_hold_effects(call), _publish_line(held)))


def unhold(call: AcdCall, event: ev.Unhold, ctx: Context) -> Transition:
    return _unhold(call)


def already(call: AcdCall, event: Any, ctx: Context) -> Transition:
    """Hold on a held call, unhold on a talking one: done already."""
    return Transition(call)


def blind(call: AcdCall, event: ev.Blind, ctx: Context) -> Transition:
    """The agent leaves (to wrap-up); the new agent is rung into the same bridge. Unanswered, the call waits
    in the queue again like any missed offer."""
    if not event.available:
        return Transition(call, refusal=ControlRefused("agent_unavailable", "that agent is not ready"))
    old = call.agent_id
    hang_up = (fx.HangUp(call.agent_channel_id),) if call.agent_channel_id else ()
    old_back = (_ended(old, call, "transferred", "agent"), fx.AgentBack(old, wrap_up=True)) if old is not None else ()
    ring = _ring(replace(call, phase=Phase.WAITING), ctx, event.agent_id, event.job_number, event.dial_string,
                 "transfer")
    note = fx.Write(calls.record_event, {"kind": "transferred", "from_agent_id": old, "to_agent_id": event.agent_id})
    return Transition(ring.call, (*hang_up, note, *old_back, fx.StartMoh(call.bridge_id), *ring.effects))


def consult(call: AcdCall, event: ev.Consult, ctx: Context) -> Transition:
    """The caller is held; the agent's channel moves to a bridge of its own and the target is rung. Ids are
    distinct from the bridge's: Asterisk keys an app's subscriptions by id alone, so a channel named like a
    bridge the app already follows would get no events of its own (no hang-up before it answers)."""
    if event.agent_id is not None and not event.available:
        return Transition(call, refusal=ControlRefused("agent_unavailable", "that agent is not ready"))
    assert call.agent_channel_id is not None
    target = Consultation(f"target-{ctx.key}", f"consult-{ctx.key}", event.agent_id, event.number)
    held = replace(call, phase=Phase.HELD)
    hold_first = (*_hold_effects(call), _publish_line(held)) if call.phase is Phase.TALKING else ()
    ringing = replace(call, phase=Phase.CONSULT_RINGING, consult=target)
    target_rings = (fx.RecordAgentState(event.agent_id, AgentState.RINGING),) if event.agent_id is not None else ()
    return Transition(ringing, (
        *hold_first,
        fx.CreateBridge(target.bridge_id, f"consultation {call.call_id}"),
        fx.AddToBridge(target.bridge_id, call.agent_channel_id),
        fx.Write(calls.record_event, {"kind": "consult_offered", "agent_id": event.agent_id, "number": event.number,
                                      "from_agent_id": call.agent_id}),
        *target_rings,
        _leg(call, ctx, event.endpoint, target.channel_id, role="agent" if event.agent_id else "outside",
             agent_id=event.agent_id, args="consult"),
        _publish_line(ringing)))


def agent_leaves(call: AcdCall, event: ev.AgentGone, ctx: Context) -> Transition:
    """The agent (or the outside party holding the call) hung up: the call is over, the caller hung up."""
    done = replace(call, phase=Phase.DONE)
    return Transition(done, (*_finish(call, CallStatus.COMPLETED, "agent", agent_id=call.agent_id),
                             fx.HangUp(call.channel_id)))


def caller_leaves(call: AcdCall, event: ev.CallerGone, ctx: Context) -> Transition:
    """The caller hung up on a connected call: any consultation is dropped, the agent's phone hung up."""
    consult = call.consult
    drop = (*_end_consult(call), *_target_back(consult)) if consult is not None else ()
    hang_up = (fx.HangUp(call.agent_channel_id),) if call.agent_channel_id else ()
    done = replace(call, phase=Phase.DONE, consult=None)
    return Transition(done, (*drop, *hang_up, *_finish(call, CallStatus.COMPLETED, "caller",
                                                         agent_id=call.agent_id)))


# -- CONSULT_RINGING and CONSULTING -------------------------------------------------------------------------------
def target_answers(call: AcdCall, event: ev.TargetAnswered, ctx: Context) -> Transition:
    consult = call.consult
    assert consult is not None
    consulting = replace(call, phase=Phase.CONSULTING)
    agent: tuple[fx.Effect, ...] = ()
    if consult.agent_id is not None:
        agent = (fx.SetAgentState(consult.agent_id, AgentState.BUSY),
                 fx.Publish({"type": "screen_pop", "agent_id": consult.agent_id, "call_id": call.call_id,
                             "caller_number": call.caller_number, "consultation": True}))
    return Transition(consulting, (
        fx.AddToBridge(consult.bridge_id, consult.channel_id), *agent,
        fx.Write(calls.record_event, {"kind": "consulting", "agent_id": consult.agent_id, "number": consult.number}),
        _publish_line(consulting)))


def target_fails(call: AcdCall, event: ev.TargetGone | ev.OriginateFailed, ctx: Context) -> Transition:
    """The target was busy, did not answer or could not be rung: the caller is back with the agent."""
    assert call.consult is not None
    if isinstance(event, ev.OriginateFailed):
        if event.channel_id != call.consult.channel_id:
            return Transition(call)
        back = _consult_over(call, "consult_failed", missed=True, cause=f"originate failed: {event.status}")
        return replace(back, refusal=ControlRefused("phone_unavailable", "the transfer target could not be rung"))
    return _consult_over(call, "consult_failed", missed=True, cause=event.cause)


def target_leaves(call: AcdCall, event: ev.TargetGone, ctx: Context) -> Transition:
    return _consult_over(call, "consult_ended", cause=event.cause)


def cancel(call: AcdCall, event: ev.Cancel, ctx: Context) -> Transition:
    return _consult_over(call, "consult_cancelled", by="agent")


def complete(call: AcdCall, event: ev.Complete | ev.AgentGone, ctx: Context) -> Transition:
    """The target takes the caller; the agent's channel is hung up (unless it is what hung up)."""
    consult = call.consult
    assert consult is not None
    old_agent, old_channel = call.agent_id, call.agent_channel_id
    talking = replace(call, phase=Phase.TALKING, consult=None, agent_id=consult.agent_id,
                      agent_channel_id=consult.channel_id)
    hang_up = (fx.HangUp(old_channel),) if old_channel and isinstance(event, ev.Complete) else ()
    old: tuple[fx.Effect, ...] = ()
    if old_agent is not None:
        old = (_ended(old_agent, call, "transferred", "agent"), fx.AgentBack(old_agent, wrap_up=True))
    return Transition(talking, (
        fx.RemoveFromBridge(consult.bridge_id, consult.channel_id), fx.StopMoh(call.bridge_id),
        fx.AddToBridge(call.bridge_id, consult.channel_id), *hang_up, fx.DestroyBridge(consult.bridge_id),
        fx.Write(calls.mark_transferred, {"from_agent_id": old_agent, "to_agent_id": consult.agent_id,
                                          "to_number": consult.number, "attended": True}),
        *old, _publish_line(talking)))


def agent_leaves_ringing_consult(call: AcdCall, event: ev.AgentGone, ctx: Context) -> Transition:
    """The agent hung up before the target answered: the target is hung up and the call ends."""
    consult = call.consult
    assert consult is not None
    over = agent_leaves(replace(call, consult=None), event, ctx)
    return Transition(over.call, (*_end_consult(call), *_target_back(consult), *over.effects))


# -- DIALING_OUT (click-to-dial) ----------------------------------------------------------------------------------
def dial_agent(call: AcdCall, event: ev.Start, ctx: Context) -> Transition:
    """The agent's own phone rings first (shown the customer's number); the customer is dialled on answer."""
    assert call.agent_id is not None and call.agent_channel_id is not None and call.dialling is not None
    return Transition(call, (
        fx.RecordAgentState(call.agent_id, AgentState.BUSY),
        _leg(call, ctx, call.dialling.agent_dial_string, call.agent_channel_id, role="agent", agent_id=call.agent_id,
             args="agent")))


def dial_customer(call: AcdCall, event: ev.AgentAnswered, ctx: Context) -> Transition:
    assert call.agent_channel_id is not None and call.dialling is not None
    if call.dialling.agent_answered:
        return Transition(call)
    dialling = replace(call, dialling=replace(call.dialling, agent_answered=True))
    return Transition(dialling, (
        fx.CreateBridge(call.bridge_id, f"hotline outbound call {call.call_id}"),
        fx.AddToBridge(call.bridge_id, call.agent_channel_id),
        fx.Publish({"type": "screen_pop", "agent_id": call.agent_id, "call_id": call.call_id,
                    "caller_number": call.caller_number}),
        _leg(call, ctx, call.dialling.customer_endpoint, call.channel_id, role="customer", agent_id=None,
             args="customer", caller_id=False)))


def customer_answers(call: AcdCall, event: ev.CallerAnswered, ctx: Context) -> Transition:
    assert call.agent_id is not None
    talking = replace(call, phase=Phase.TALKING, dialling=None)
    return Transition(talking, (
        fx.AddToBridge(call.bridge_id, call.channel_id), fx.Write(calls.mark_answered, {"agent_id": call.agent_id}),
        _publish_line(talking)))


def dial_fails(call: AcdCall, event: ev.AgentGone | ev.CallerGone | ev.OriginateFailed, ctx: Context) -> Transition:
    """Nobody was connected: the call is closed as failed; the agent goes to wrap-up if they picked up, else
    back to the state they were in before dialling."""
    dialling, agent_id = call.dialling, call.agent_id
    assert dialling is not None and agent_id is not None and call.agent_channel_id is not None
    if isinstance(event, ev.OriginateFailed):
        agent_leg = event.channel_id == call.agent_channel_id
        by, cause = ("agent_unreachable" if agent_leg else "customer"), f"originate failed: {event.status}"
    else:
        agent_leg = isinstance(event, ev.AgentGone)
        by, cause = ("agent" if agent_leg else "customer"), event.cause
    other = call.channel_id if agent_leg else call.agent_channel_id
    picked_up = dialling.agent_answered
    if picked_up:
        after: fx.Effect = fx.AgentBack(agent_id, wrap_up=True)
    elif dialling.state_before is AgentState.READY:
        after = fx.AgentBack(agent_id, wrap_up=False)
    else:
        after = fx.SetAgentState(agent_id, dialling.state_before)
    return Transition(replace(call, phase=Phase.DONE), (
        fx.HangUp(other), fx.Write(calls.record_event, {"kind": "dial_failed", "by": by, "cause": cause}),
        fx.Write(calls.finish, {"status": CallStatus.FAILED, "hangup_by": by}),
        _ended(agent_id, call, CallStatus.FAILED.value, by), after))


# -- the table --------------------------------------------------------------------------------------------------
W, R, T, H = Phase.WAITING, Phase.RINGING, Phase.TALKING, Phase.HELD
CR, C, D = Phase.CONSULT_RINGING, Phase.CONSULTING, Phase.DIALING_OUT

TABLE: dict[tuple[Phase, type], Handler] = {
    (W, ev.Start): arrive,
    (W, ev.Resumed): wait_again,
    (W, ev.Offer): offered,
    (W, ev.AnnounceDue): announce,
    (W, ev.AnnounceDone): announced,
    (W, ev.CallerGone): abandoned,

    (R, ev.AgentRinging): phone_rings,
    (R, ev.AgentAnswered): agent_answers,
    (R, ev.AgentGone): missed,
    (R, ev.OriginateFailed): missed,
    (R, ev.AnnounceDone): announced,
    (R, ev.CallerGone): abandoned_ringing,

    (T, ev.Hold): hold,
    (T, ev.Unhold): already,
    (T, ev.Blind): blind,
    (T, ev.Consult): consult,
    (T, ev.AgentGone): agent_leaves,
    (T, ev.CallerGone): caller_leaves,
    (T, ev.AnnounceDone): announced,

    (H, ev.Unhold): unhold,
    (H, ev.Hold): already,
    (H, ev.Blind): blind,
    (H, ev.Consult): consult,
    (H, ev.AgentGone): agent_leaves,
    (H, ev.CallerGone): caller_leaves,

    (CR, ev.TargetAnswered): target_answers,
    (CR, ev.TargetGone): target_fails,
    (CR, ev.OriginateFailed): target_fails,
    (CR, ev.Cancel): cancel,
    (CR, ev.AgentGone): agent_leaves_ringing_consult,
    (CR, ev.CallerGone): caller_leaves,

    (C, ev.Complete): complete,
    (C, ev.Cancel): cancel,
    (C, ev.TargetGone): target_leaves,
    (C, ev.AgentGone): complete,  # the agent hung up: the target takes the caller
    (C, ev.CallerGone): caller_leaves,

    (D, ev.Start): dial_agent,
    (D, ev.AgentRinging): phone_rings,
    (D, ev.AgentAnswered): dial_customer,
    (D, ev.CallerAnswered): customer_answers,
    (D, ev.AgentGone): dial_fails,
    (D, ev.CallerGone): dial_fails,
    (D, ev.OriginateFailed): dial_fails,
}

CONTROL_OF: dict[type, Control] = {
    ev.Hold: Control.HOLD, ev.Unhold: Control.UNHOLD, ev.Blind: Control.BLIND, ev.Consult: Control.CONSULT,
    ev.Complete: Control.COMPLETE, ev.Cancel: Control.CANCEL,
}
