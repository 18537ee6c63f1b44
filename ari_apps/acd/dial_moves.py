"""The ACD call's transitions of a click-to-dial not connected yet: DIALING_OUT (the agent's phone, then
the customer's). A callback (callback_moves) takes the same path once offered: its screen-pop says so, and its
customer answering makes the callback done."""

from __future__ import annotations

from dataclasses import replace

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.model import AcdCall, Context, Phase, Transition
from ari_apps.acd.moves import (
    ended,
    leg,
    publish_line,
)
from crm_core import callbacks, calls
from crm_core.events import ScreenPop
from crm_core.models import AgentState, CallStatus


# -- DIALING_OUT (click-to-dial) ----------------------------------------------------------------------------------
def dial_agent(call: AcdCall, event: ev.Start, ctx: Context) -> Transition:
    """The agent's own phone rings first (shown the customer's number); the customer is dialled on answer."""
    assert call.agent_id is not None and call.agent_channel_id is not None and call.dialling is not None
    return Transition(call, (
        fx.RecordAgentState(call.agent_id, AgentState.BUSY),
        leg(call, ctx, call.dialling.agent_dial_string, call.agent_channel_id, role="agent", agent_id=call.agent_id,
            args="agent")))


def dial_customer(call: AcdCall, event: ev.AgentAnswered, ctx: Context) -> Transition:
    assert call.agent_channel_id is not None and call.dialling is not None
    if call.dialling.agent_answered:
        return Transition(call)
    dialling = replace(call, dialling=replace(call.dialling, agent_answered=True))
    return Transition(dialling, (
        fx.CreateBridge(call.bridge_id, f"hotline outbound call {call.call_id}"),
        fx.AddToBridge(call.bridge_id, call.agent_channel_id),
        fx.Publish(ScreenPop(call.agent_id, call.call_id, call.caller_number, callback=call.callback is not None)),
        leg(call, ctx, call.dialling.customer_endpoint, call.channel_id, role="customer", agent_id=None,
            args="customer", caller_id=False)))


def customer_answers(call: AcdCall, event: ev.CallerAnswered, ctx: Context) -> Transition:
    assert call.agent_id is not None
    talking = replace(call, phase=Phase.TALKING, dialling=None)
    made = (fx.Write(callbacks.connected),) if call.callback is not None else ()
    return Transition(talking, (
        fx.AddToBridge(call.bridge_id, call.channel_id), fx.Write(calls.mark_answered, {"agent_id": call.agent_id}),
        *made, publish_line(talking)))


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
        ended(agent_id, call, CallStatus.FAILED.value, by), after))
