"""The ACD call's transitions while the caller waits: WAITING (queue, announcements) and RINGING (an offer).

The queue's own live events are published here: a call offered (it entered a skill's queue, once: not again
after a missed offer), answered (with how long the caller waited) and abandoned (the caller hung up waiting in
the queue or while an agent's phone rang). How many wait per skill is the dispatcher's (QueueChanged)."""

from __future__ import annotations

from dataclasses import replace

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.model import AcdCall, Context, Phase, Transition
from ari_apps.acd.moves import (
    ended,
    finish,
    publish_line,
    ring,
)
from crm_core import calls
from crm_core.events import CallAbandoned, CallAnswered, CallOffered, CallState, ScreenPop
from crm_core.models import AgentState, CallStatus


# -- WAITING --------------------------------------------------------------------------------------------------
def arrive(call: AcdCall, event: ev.Start, ctx: Context) -> Transition:
    return Transition(call, (
        fx.CreateBridge(call.bridge_id, f"hotline call {call.call_id}"),
        fx.AddToBridge(call.bridge_id, call.channel_id), fx.StartMoh(call.bridge_id), fx.MarkQueued()))


def wait_again(call: AcdCall, event: ev.Resumed, ctx: Context) -> Transition:
    """Recovered while waiting: the caller is still in the bridge; queued again."""
    return Transition(call, (fx.StartMoh(call.bridge_id), fx.MarkQueued()))


def queued(call: AcdCall, event: ev.Queued, ctx: Context) -> Transition:
    """Written as queued: the call is offered to the skill's queue (from the time the record gives) and waits,
    with the priority and the assigned agent the CRM's route gives."""
    route = event.route or call.route
    priority = route.queue_priority(call.priority) if route is not None else call.priority
    waiting = replace(call, entered_at=event.entered_at, route=route, priority=priority)
    return Transition(waiting, (fx.Publish(CallOffered(call.call_id, call.skill, event.entered_at)), fx.Enqueue()))


def offered(call: AcdCall, event: ev.Offer, ctx: Context) -> Transition:
    return ring(call, ctx, event.agent_id, event.job_number, event.dial_string, event.reason)


def announce(call: AcdCall, event: ev.AnnounceDue, ctx: Context) -> Transition:
    if call.announcing:
        return Transition(call)
    playing = replace(call, announcing=ctx.key, callback_offered=call.callback_offered or event.offer_callback)
    return Transition(playing, (
        fx.StopMoh(call.bridge_id),
        fx.Announce(call.bridge_id, ctx.key, event.position, event.minutes, call.language, event.offer_callback),
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
    return Transition(done, (fx.Publish(CallAbandoned(call.call_id, ctx.now - call.entered_at, "queue")),
                             *finish(call, CallStatus.ABANDONED, "caller", agent_id=None)))


# -- RINGING --------------------------------------------------------------------------------------------------
def phone_rings(call: AcdCall, event: ev.AgentRinging, ctx: Context) -> Transition:
    state = CallState(call.agent_id, call.call_id, "ringing", caller_number=call.caller_number)
    return Transition(call, (fx.Publish(state),))


def agent_answers(call: AcdCall, event: ev.AgentAnswered, ctx: Context) -> Transition:
    assert call.agent_id is not None and call.agent_channel_id is not None
    talking = replace(call, phase=Phase.TALKING)
    return Transition(talking, (
        fx.StopMoh(call.bridge_id), fx.AddToBridge(call.bridge_id, call.agent_channel_id),
        fx.SetAgentState(call.agent_id, AgentState.BUSY), fx.Write(calls.mark_answered, {"agent_id": call.agent_id}),
        fx.Publish(CallAnswered(call.call_id, call.agent_id, ctx.now - call.entered_at)),
        fx.Publish(ScreenPop(call.agent_id, call.call_id, call.caller_number)), publish_line(talking)))


def missed(call: AcdCall, event: ev.AgentGone | ev.OriginateFailed, ctx: Context) -> Transition:
    """No answer, busy, rejected or not rung at all: the agent is set not ready, the caller waits again."""
    if isinstance(event, ev.OriginateFailed) and event.channel_id != call.agent_channel_id:
        return Transition(call)
    assert call.agent_id is not None
    cause = event.cause if isinstance(event, ev.AgentGone) else f"originate failed: {event.status}"
    waiting = replace(call, phase=Phase.WAITING, agent_id=None, agent_channel_id=None)
    return Transition(waiting, (
        fx.Write(calls.mark_missed, {"agent_id": call.agent_id, "cause": cause}),
        ended(call.agent_id, call, "missed", "agent"), fx.AgentMissed(call.agent_id), fx.Enqueue()))


def abandoned_ringing(call: AcdCall, event: ev.CallerGone, ctx: Context) -> Transition:
    assert call.agent_id is not None and call.agent_channel_id is not None
    done = replace(call, phase=Phase.DONE, agent_id=None, agent_channel_id=None)
    return Transition(done, (
        fx.HangUp(call.agent_channel_id), ended(call.agent_id, call, CallStatus.ABANDONED.value, "caller"),
        fx.AgentBack(call.agent_id, wrap_up=False),  # not the agent's fault
        fx.Publish(CallAbandoned(call.call_id, ctx.now - call.entered_at, "ringing")),
        *finish(call, CallStatus.ABANDONED, "caller", agent_id=None)))
