"""The ACD call's three-way conference: CONFERENCE, where the caller, the agent and the consultation's target (an
expert from the research analysts' pool, or an outside number) talk in the call's own bridge, recorded like a
trading call (a bridge recording linked to the call).

    CONSULTING ─conference─▶ CONFERENCE          (or CONSULT_RINGING ─target answers─▶ CONFERENCE when the
                                                  target was rung straight into the conference: `join`)
    CONFERENCE ─the agent leaves (complete, or hangs up)─▶ TALKING with the expert (the call is theirs now)
    CONFERENCE ─the expert leaves (cancel, or hangs up)─▶ TALKING with the agent (back to two)
    CONFERENCE ─the caller hangs up─▶ DONE

Handing the caller to a skill's queue (the expert pool, by topic) is here too: TALKING/HELD ─to_queue─▶ WAITING.
"""

from __future__ import annotations

from dataclasses import replace

from ari_apps.acd import call_events as ev
from ari_apps.acd import desk_moves as desk
from ari_apps.acd import effects as fx
from ari_apps.acd.model import AcdCall, Context, Phase, Transition
from ari_apps.acd.moves import ended, publish_line, target_back
from crm_core import calls
from crm_core.experts import RECORDING_PURPOSE


def recording_name(call: AcdCall, ctx: Context) -> str:
    """The conference recording's name: the call's id and a part of the step's key (recordings.SAFE_NAME)."""
    return f"expert-{call.call_id}-{ctx.key[:8]}"


def join(call: AcdCall, event: ev.Conference | ev.TargetAnswered, ctx: Context) -> Transition:
    """The agent and the target leave their consultation bridge for the call's: the caller's music stops, all
    three talk, and the call's bridge is recorded from now on (until the call ends; unless the ACD's
    record_conferences is off)."""
    consult = call.consult
    assert consult is not None and call.agent_channel_id is not None
    conference = replace(call, phase=Phase.CONFERENCE)
    recorder = (fx.RecordBridge(call.bridge_id, recording_name(call, ctx), RECORDING_PURPOSE),) \
        if ctx.record_conferences else ()
    return Transition(conference, (
        fx.RemoveFromBridge(consult.bridge_id, consult.channel_id),
        fx.RemoveFromBridge(consult.bridge_id, call.agent_channel_id), fx.DestroyBridge(consult.bridge_id),
        fx.StopMoh(call.bridge_id), fx.AddToBridge(call.bridge_id, call.agent_channel_id),
        fx.AddToBridge(call.bridge_id, consult.channel_id),
        fx.Write(calls.record_event, {"kind": "conference", "agent_id": call.agent_id,
                                      "expert_agent_id": consult.agent_id, "number": consult.number}),
        *recorder, publish_line(conference)))


def target_answers(call: AcdCall, event: ev.TargetAnswered, ctx: Context) -> Transition:
    """The consultation's target answered: a consultation, or straight into the conference it was rung for."""
    consulting = desk.target_answers(call, event, ctx)
    assert call.consult is not None
    if not call.consult.join:
        return consulting
    joined = join(consulting.call, event, ctx)
    return Transition(joined.call, (*consulting.effects, *joined.effects))


def agent_leaves(call: AcdCall, event: ev.Complete | ev.AgentGone, ctx: Context) -> Transition:
    """The agent leaves the conference (or hangs up): the caller stays with the expert, whose call it is now."""
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
        *hang_up, fx.Write(calls.mark_transferred, {"from_agent_id": old_agent, "to_agent_id": consult.agent_id,
                                                    "to_number": consult.number, "attended": True}),
        *old, publish_line(talking)))


def expert_leaves(call: AcdCall, event: ev.Cancel | ev.TargetGone, ctx: Context) -> Transition:
    """The expert leaves (the agent let them go, or they hung up): the caller and the agent talk on."""
    consult = call.consult
    assert consult is not None
    talking = replace(call, phase=Phase.TALKING, consult=None)
    hang_up = (fx.HangUp(consult.channel_id),) if isinstance(event, ev.Cancel) else ()
    by = "agent" if isinstance(event, ev.Cancel) else "expert"
    return Transition(talking, (
        *hang_up, *target_back(consult),
        fx.Write(calls.record_event, {"kind": "conference_ended", "expert_agent_id": consult.agent_id,
                                      "number": consult.number, "by": by}),
        publish_line(talking)))


def to_queue(call: AcdCall, event: ev.ToQueue, ctx: Context) -> Transition:
    """The agent hands the caller to a skill's queue and leaves (to wrap-up): the caller hears music and waits,
    queued again under that skill (written as queued: then offered to the skill's agents)."""
    old = call.agent_id
    hang_up = (fx.HangUp(call.agent_channel_id),) if call.agent_channel_id else ()
    old_back = (ended(old, call, "transferred", "agent"), fx.AgentBack(old, wrap_up=True)) if old is not None else ()
    waiting = replace(call, phase=Phase.WAITING, skill=event.skill, agent_id=None, agent_channel_id=None,
                      announcing=None)
    note = fx.Write(calls.record_event, {"kind": "transferred", "from_agent_id": old, "to_skill": event.skill})
    return Transition(waiting, (*hang_up, note, *old_back, fx.StartMoh(call.bridge_id), fx.MarkQueued()))


