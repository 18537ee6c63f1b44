"""Building blocks of the ACD call's transitions (state.py's table), shared by its paths: ringing a leg,
ending the call, holding and resuming, ending a consultation. Pure: they return effects."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ari_apps.acd import effects as fx
from ari_apps.acd.model import AcdCall, Consultation, Context, Phase, Transition, line
from ari_apps.originate import Originate
from crm_core import calls
from crm_core.events import CallEnded, CallState
from crm_core.models import AgentState, CallStatus
from dialplan import variables as v


def publish_line(call: AcdCall) -> fx.Publish:
    consult = call.consult
    state = CallState(call.agent_id, call.call_id, line(call) or "talking",
                      target_agent_id=consult.agent_id if consult else None,
                      target_number=consult.number if consult else None)
    return fx.Publish(state)


def ended(agent_id: int | None, call: AcdCall, status: str, by: str) -> fx.Publish:
    return fx.Publish(CallEnded(agent_id, call.call_id, status, by))


def leg(call: AcdCall, ctx: Context, endpoint: str, channel_id: str, *, role: str, agent_id: int | None,
        args: str, caller_id: bool = True) -> fx.Ring:
    variables = {v.CALL_ID: call.call_id, v.ROLE: role}
    if role != "customer":
        variables[v.AGENT_ID] = str(agent_id or "")
    seconds = ctx.dial_seconds if role == "customer" else ctx.ring_seconds
    shown = f'"{call.caller_number}" <{call.caller_number}>' if caller_id else None
    return fx.Ring(Originate(endpoint=endpoint, app=ctx.app, channel_id=channel_id, ring_seconds=seconds,
                             app_args=args, caller_id=shown, variables=variables))


def ring(call: AcdCall, ctx: Context, agent_id: int, job_number: str, dial_string: str, reason: str) -> Transition:
    """Offer the waiting caller to an agent: their phone is originated with our own id."""
    channel_id = f"agent-{ctx.key}"
    ringing = replace(call, phase=Phase.RINGING, agent_id=agent_id, agent_channel_id=channel_id)
    return Transition(ringing, (
        fx.Write(calls.mark_offered, {"agent_id": agent_id, "job_number": job_number, "reason": reason}),
        fx.RecordAgentState(agent_id, AgentState.RINGING),
        leg(ringing, ctx, dial_string, channel_id, role="agent", agent_id=agent_id, args="agent"),
    ))


def finish(call: AcdCall, status: CallStatus, by: str, *, agent_id: int | None) -> tuple[fx.Effect, ...]:
    after: tuple[fx.Effect, ...] = (fx.AgentBack(agent_id, wrap_up=True),) if agent_id is not None else ()
    return (fx.Withdraw(), fx.Write(calls.finish, {"status": status, "hangup_by": by}),
            ended(agent_id, call, status.value, by), *after)


def hold_effects(call: AcdCall) -> tuple[fx.Effect, ...]:
    assert call.agent_channel_id is not None
    return (fx.RemoveFromBridge(call.bridge_id, call.agent_channel_id), fx.StartMoh(call.bridge_id),
            fx.Write(calls.record_event, {"kind": "hold", "agent_id": call.agent_id}))


def back_to_agent(call: AcdCall) -> Transition:
    assert call.agent_channel_id is not None
    talking = replace(call, phase=Phase.TALKING, consult=None)
    return Transition(talking, (
        fx.StopMoh(call.bridge_id), fx.AddToBridge(call.bridge_id, call.agent_channel_id),
        fx.Write(calls.record_event, {"kind": "unhold", "agent_id": call.agent_id}), publish_line(talking)))


def end_consult(call: AcdCall) -> tuple[fx.Effect, ...]:
    """Hang up the consultation's target and drop its bridge (the agent's channel leaves it first)."""
    consult = call.consult
    assert consult is not None
    leave = (fx.RemoveFromBridge(consult.bridge_id, call.agent_channel_id),) if call.agent_channel_id else ()
    return (fx.HangUp(consult.channel_id), *leave, fx.DestroyBridge(consult.bridge_id))


def drop_consultation(call: AcdCall) -> tuple[fx.Effect, ...]:
    """What ends a consultation the call still has when its task stops in the middle of one (a bug)."""
    if call.consult is None:
        return ()
    return (*end_consult(call), *target_back(call.consult))


def target_back(consult: Consultation, *, missed: bool = False) -> tuple[fx.Effect, ...]:
    if consult.agent_id is None:
        return ()
    return (fx.AgentMissed(consult.agent_id),) if missed else (fx.AgentBack(consult.agent_id, wrap_up=False),)


def consult_over(call: AcdCall, kind: str, *, missed: bool = False, **detail: Any) -> Transition:
    """The consultation ends without a transfer: the caller is back with the agent."""
    consult = call.consult
    assert consult is not None
    back = back_to_agent(call)
    note = fx.Write(calls.record_event, {"kind": kind, "agent_id": consult.agent_id, "number": consult.number,
                                         **detail})
    return Transition(back.call, (*end_consult(call), *target_back(consult, missed=missed), note, *back.effects))
