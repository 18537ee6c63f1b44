"""After a reconnect or a restart: what Asterisk still holds for the ACD, mapped to a state of the call table.

    caller in no bridge                                     ─▶ WAITING, started anew (a bridge is made)
    caller alone in the call's bridge                       ─▶ WAITING, resumed (queued again)
      ... and this call's agent leg up in no bridge, on hold by the record      ─▶ HELD
      ... and this call's agent leg in a consultation bridge                   ─▶ CONSULT_RINGING / CONSULTING
    caller with an agent's (or an outside party's) leg in the call's bridge    ─▶ TALKING
    caller with the agent's leg and a consultation target's in the call's bridge ─▶ CONFERENCE

A consultation whose target is already gone is resumed as ringing and then told the target is gone (the
caller goes back to the agent). Click-to-dial calls not connected yet (a customer in no bridge) are not
carried on; their legs are hung up by the app with every other leg nobody owns.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ari_apps.acd import call_events as ev
from ari_apps.acd.model import AcdCall, Consultation, Phase
from crm_core.models import AgentState
from dialplan import variables as v

LEG_ROLES = frozenset({"agent", "outside"})  # an agent's phone, or an outside number reached by a transfer
CONSULT_BRIDGE, TARGET = "consult-", "target-"  # the ids state.consult gives a consultation's bridge and leg

Channels = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Recovered:
    call: AcdCall
    first: ev.CallEvent  # Start (a caller in no bridge) or Resumed
    then: tuple[ev.CallEvent, ...] = ()
    agents: dict[int, AgentState] = field(default_factory=dict)  # the agents this call keeps ringing or busy


@dataclass(frozen=True)
class Record:
    """What the database says of a call that Asterisk cannot: on hold, the number being consulted, and when
    the call entered the queue (its queued_at, else when it was opened; epoch seconds)."""

    on_hold: bool = False
    consult_number: str | None = None
    entered_at: float | None = None


def variables(channel: Mapping[str, Any] | None) -> dict[str, str]:
    return dict((channel or {}).get("channelvars") or {})


def first_half(channel_id: str) -> str:
    """A Local channel's other half (`<id>;2`, e.g. a simulated agent's phone) belongs with its first half,
    which carries the id the hotline gave it; Asterisk lists both among the app's channels."""
    return channel_id.split(";", 1)[0]


def callers(channels: Channels, bridge_of: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The channels that are a call's caller: not a leg we originated (a dialled customer counts once
    connected)."""
    found = []
    for channel_id, channel in channels.items():
        role = variables(channel).get(v.ROLE)
        if role in LEG_ROLES or (role == "customer" and channel_id not in bridge_of):
            continue
        found.append(channel_id)
    return found


def new_call(channel: Mapping[str, Any], bridge_id: str, overflow_skill: str) -> AcdCall:
    """A caller's channel (its variables set by the dialplan and the IVR) as a waiting call."""
    found = variables(channel)
    number = (channel.get("caller") or {}).get("number", "")
    return AcdCall(call_id=found.get(v.CALL_ID) or "", channel_id=channel["id"], bridge_id=bridge_id,
                   caller_number=number, skill=found.get(v.CATEGORY) or overflow_skill,
                   language=found.get(v.LANGUAGE) or "zh", priority=int(found.get(v.PRIORITY) or 0))


def recovered(caller: Mapping[str, Any], bridge_of: Mapping[str, Mapping[str, Any]], channels: Channels,
              record: Record, overflow_skill: str) -> Recovered:
    bridge = bridge_of.get(caller["id"])
    entered_at = record.entered_at or 0.0
    if bridge is None:
        return Recovered(replace(new_call(caller, f"acd-{uuid.uuid4().hex}", overflow_skill), entered_at=entered_at),
                         ev.Start())
    call = replace(new_call(caller, bridge["id"], overflow_skill), entered_at=entered_at)
    in_bridge = [other for other in bridge.get("channels", []) if other != caller["id"]
                 and variables(channels.get(other)).get(v.ROLE) in LEG_ROLES]
    if len(in_bridge) > 1:
        return _conference(call, in_bridge, channels, record.consult_number)
    if in_bridge:
        return _with_agent(call, in_bridge[0], channels, Phase.TALKING)
    legs = [other for other, channel in channels.items() if other == first_half(other)
            and variables(channel).get(v.ROLE) in LEG_ROLES and variables(channel).get(v.CALL_ID) == call.call_id]
    for leg in legs:  # the agent's leg in a consultation bridge (the other one there is the target's)
        consultation = bridge_of.get(leg)
        if consultation is not None and _is_consulting(leg, str(consultation["id"])):
            return _consulting(_with_agent(call, leg, channels, Phase.CONSULT_RINGING), consultation, channels,
                               record.consult_number)
    held = next((leg for leg in legs if leg not in bridge_of), None)
    if held is not None and record.on_hold:
        return _with_agent(call, held, channels, Phase.HELD)
    return Recovered(call, ev.Resumed())


def _is_consulting(leg: str, bridge_id: str) -> bool:
    return bridge_id.startswith(CONSULT_BRIDGE) and leg != TARGET + bridge_id[len(CONSULT_BRIDGE):]


def _with_agent(call: AcdCall, leg: str, channels: Channels, phase: Phase) -> Recovered:
    agent_id = int(variables(channels.get(leg)).get(v.AGENT_ID) or 0) or None
    agents = {agent_id: AgentState.BUSY} if agent_id is not None else {}
    return Recovered(replace(call, phase=phase, agent_id=agent_id, agent_channel_id=leg), ev.Resumed(), agents=agents)


def _conference(call: AcdCall, legs: list[str], channels: Channels, number: str | None) -> Recovered:
    """Three-way: the target's leg (named by its consultation) is the expert's; the other is the agent's."""
    target = next((leg for leg in legs if leg.startswith(TARGET)), legs[-1])
    agent_leg = next(leg for leg in legs if leg != target)
    with_agent = _with_agent(call, agent_leg, channels, Phase.CONFERENCE)
    agent_id = int(variables(channels.get(target)).get(v.AGENT_ID) or 0) or None
    consult = Consultation(target, CONSULT_BRIDGE + target[len(TARGET):], agent_id, None if agent_id else number)
    agents = dict(with_agent.agents)
    if agent_id is not None:
        agents[agent_id] = AgentState.BUSY
    return Recovered(replace(with_agent.call, consult=consult), ev.Resumed(), agents=agents)


def _consulting(held: Recovered, bridge: Mapping[str, Any], channels: Channels,
                number: str | None) -> Recovered:
    key = str(bridge["id"])[len(CONSULT_BRIDGE):]
    target = TARGET + key
    agent_id = int(variables(channels.get(target)).get(v.AGENT_ID) or 0) or None
    answered = target in bridge.get("channels", [])
    consult = Consultation(target, str(bridge["id"]), agent_id, None if agent_id else number)
    call = replace(held.call, consult=consult, phase=Phase.CONSULTING if answered else Phase.CONSULT_RINGING)
    agents = dict(held.agents)
    if agent_id is not None:
        agents[agent_id] = AgentState.BUSY if answered else AgentState.RINGING
    then = () if target in channels else (ev.TargetGone("gone while the service was away"),)
    return Recovered(call, ev.Resumed(), then, agents)
