"""The ACD call's transitions once connected: TALKING, HELD, CONSULT_RINGING and CONSULTING (the desk's hold
and transfers, and either side hanging up)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.desk_rules import ControlRefused
from ari_apps.acd.model import AcdCall, Consultation, Context, Phase, Transition
from ari_apps.acd.moves import (
    back_to_agent,
    consult_over,
    end_consult,
    ended,
    finish,
    hold_effects,
    leg,
    publish_line,
    ring,
    target_back,
)
from crm_core import calls
from crm_core.events import ScreenPop
from crm_core.models import AgentState, CallStatus


# -- TALKING and HELD -------------------------------------------------------------------------------------------
def hold(call: AcdCall, event: ev.Hold, ctx: Context) -> Transition:
    held = replace(call, phase=Phase.HELD)
    return Transition(held, (*hold_effects(call), publish_line(held)))


def unhold(call: AcdCall, event: ev.Unhold, ctx: Context) -> Transition:
    return back_to_agent(call)


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
    old_back = (ended(old, call, "transferred", "agent"), fx.AgentBack(old, wrap_up=True)) if old is not None else ()
    rung = ring(replace(call, phase=Phase.WAITING), ctx, event.agent_id, event.job_number, event.dial_string,
                "transfer")
    note = fx.Write(calls.record_event, {"kind": "transferred", "from_agent_id": old, "to_agent_id": event.agent_id})
    return Transition(rung.call, (*hang_up, note, *old_back, fx.StartMoh(call.bridge_id), *rung.effects))


def consult(call: AcdCall, event: ev.Consult, ctx: Context) -> Transition:
    """The caller is held; the agent's channel moves to a bridge of its own and the target is rung. Ids are
    distinct from the bridge's: Asterisk keys an app's subscriptions by id alone, so a channel named like a
    bridge the app already follows would get no events of its own (no hang-up before it answers)."""
    if event.agent_id is not None and not event.available:
        return Transition(call, refusal=ControlRefused("agent_unavailable", "that agent is not ready"))
    assert call.agent_channel_id is not None
    target = Consultation(f"target-{ctx.key}", f"consult-{ctx.key}", event.agent_id, event.number, event.join)
    held = replace(call, phase=Phase.HELD)
    hold_first = (*hold_effects(call), publish_line(held)) if call.phase is Phase.TALKING else ()
    ringing = replace(call, phase=Phase.CONSULT_RINGING, consult=target)
    target_rings = (fx.RecordAgentState(event.agent_id, AgentState.RINGING),) if event.agent_id is not None else ()
    return Transition(ringing, (
        *hold_first,
        fx.CreateBridge(target.bridge_id, f"consultation {call.call_id}"),
        fx.AddToBridge(target.bridge_id, call.agent_channel_id),
        fx.Write(calls.record_event, {"kind": "consult_offered", "agent_id": event.agent_id, "number": event.number,
                                      "from_agent_id": call.agent_id}),
        *target_rings,
        leg(call, ctx, event.endpoint, target.channel_id, role="agent" if event.agent_id else "outside",
            agent_id=event.agent_id, args="consult"),
        publish_line(ringing)))


def agent_leaves(call: AcdCall, event: ev.AgentGone, ctx: Context) -> Transition:
    """The agent (or the outside party holding the call) hung up: the call is over; the caller is hung up, or
    kept for the post-call survey (AfterCall: the survey's policy decides, unseen by the desk)."""
    done = replace(call, phase=Phase.DONE)
    return Transition(done, (*finish(call, CallStatus.COMPLETED, "agent", agent_id=call.agent_id),
                             fx.AfterCall(call.channel_id, call.bridge_id)))


def caller_leaves(call: AcdCall, event: ev.CallerGone, ctx: Context) -> Transition:
    """The caller hung up on a connected call: any consultation is dropped, the agent's phone hung up."""
    consult = call.consult
    drop = (*end_consult(call), *target_back(consult)) if consult is not None else ()
    hang_up = (fx.HangUp(call.agent_channel_id),) if call.agent_channel_id else ()
    done = replace(call, phase=Phase.DONE, consult=None)
    return Transition(done, (*drop, *hang_up, *finish(call, CallStatus.COMPLETED, "caller", agent_id=call.agent_id)))


# -- CONSULT_RINGING and CONSULTING -------------------------------------------------------------------------------
def target_answers(call: AcdCall, event: ev.TargetAnswered, ctx: Context) -> Transition:
    consult = call.consult
    assert consult is not None
    consulting = replace(call, phase=Phase.CONSULTING)
    agent: tuple[fx.Effect, ...] = ()
    if consult.agent_id is not None:
        agent = (fx.SetAgentState(consult.agent_id, AgentState.BUSY),
                 fx.Publish(ScreenPop(consult.agent_id, call.call_id, call.caller_number, consultation=True)))
    return Transition(consulting, (
        fx.AddToBridge(consult.bridge_id, consult.channel_id), *agent,
        fx.Write(calls.record_event, {"kind": "consulting", "agent_id": consult.agent_id, "number": consult.number}),
        publish_line(consulting)))


def target_fails(call: AcdCall, event: ev.TargetGone | ev.OriginateFailed, ctx: Context) -> Transition:
    """The target was busy, did not answer or could not be rung: the caller is back with the agent."""
    assert call.consult is not None
    if isinstance(event, ev.OriginateFailed):
        if event.channel_id != call.consult.channel_id:
            return Transition(call)
        back = consult_over(call, "consult_failed", missed=True, cause=f"originate failed: {event.status}")
        return replace(back, refusal=ControlRefused("phone_unavailable", "the transfer target could not be rung"))
    return consult_over(call, "consult_failed", missed=True, cause=event.cause)


def target_leaves(call: AcdCall, event: ev.TargetGone, ctx: Context) -> Transition:
    return consult_over(call, "consult_ended", cause=event.cause)


def cancel(call: AcdCall, event: ev.Cancel, ctx: Context) -> Transition:
    return consult_over(call, "consult_cancelled", by="agent")


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
        old = (ended(old_agent, call, "transferred", "agent"), fx.AgentBack(old_agent, wrap_up=True))
    return Transition(talking, (
        fx.RemoveFromBridge(consult.bridge_id, consult.channel_id), fx.StopMoh(call.bridge_id),
        fx.AddToBridge(call.bridge_id, consult.channel_id), *hang_up, fx.DestroyBridge(consult.bridge_id),
        fx.Write(calls.mark_transferred, {"from_agent_id": old_agent, "to_agent_id": consult.agent_id,
                                          "to_number": consult.number, "attended": True}),
        *old, publish_line(talking)))


def agent_leaves_ringing_consult(call: AcdCall, event: ev.AgentGone, ctx: Context) -> Transition:
    """The agent hung up before the target answered: the target is hung up and the call ends."""
    consult = call.consult
    assert consult is not None
    over = agent_leaves(replace(call, consult=None), event, ctx)
    return Transition(over.call, (*end_consult(call), *target_back(consult), *over.effects))
