"""An ACD call's state, as the state machine (state.py) sees it: its phase, its legs and bridges, a consultation
in progress, a click-to-dial not connected yet; and what a step needs and returns. Values only, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ari_apps.acd import effects as fx
from ari_apps.acd.desk_rules import CallView, ControlRefused
from ari_apps.originate import dial_string
from crm_core.call_routing import CallRoute
from crm_core.events import CallLine
from crm_core.models import AgentState


class Phase(StrEnum):
    WAITING = "waiting"  # in the queue, music and announcements
    RINGING = "ringing"  # an agent's phone rings for the waiting caller (an offer or a blind transfer)
    TALKING = "talking"
    HELD = "held"  # the caller hears music; the agent's phone stays up, out of the bridge
    CONSULT_RINGING = "consult_ringing"  # the caller held; the agent waits for the transfer target
    CONSULTING = "consulting"  # the caller held; the agent talks with the target
    CONFERENCE = "conference"  # three-way: the caller, the agent and the target (an expert) in the call's bridge
    DIALING_OUT = "dialing_out"  # click-to-dial: the agent's phone rings, then the customer's
    CALLBACK_PENDING = "callback_pending"  # to be called back: queued (or awaiting its next attempt), no caller
    DONE = "done"


CONNECTED = frozenset({Phase.TALKING, Phase.HELD, Phase.CONSULT_RINGING, Phase.CONSULTING, Phase.CONFERENCE})


@dataclass(frozen=True)
class Consultation:
    channel_id: str  # the target's leg
    bridge_id: str  # the agent's and the target's bridge (gone once the target joins a conference)
    agent_id: int | None  # the target agent; None for an outside number
    number: str | None
    join: bool = False  # rung straight into a conference: the target joins the call's bridge on answer


@dataclass(frozen=True)
class Dialling:
    """Click-to-dial: the agent's phone, the customer's endpoint, and the agent's state before the click."""

    agent_dial_string: str
    customer_endpoint: str
    state_before: AgentState
    agent_answered: bool = False


@dataclass(frozen=True)
class Callback:
    """The call is to be made back (the caller pressed 1 keeping their place, or a desk scheduled it): the
    customer's endpoint, the attempts they did not answer, the agent rung first if ready (who scheduled it),
    and when it may be offered again (epoch seconds; 0: now)."""

    endpoint: str
    attempts: int = 0
    agent_id: int | None = None
    due_at: float = 0.0


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
    entered_at: float = 0.0  # when the call entered the queue (epoch seconds, the record's queued_at; see Queued)
    callback_offered: bool = False  # the waiting caller heard "press 1 to be called back"
    callback: Callback | None = None  # to be called back, or being called back (DIALING_OUT)
    route: CallRoute | None = None  # the CRM's route (assigned agent, service level), read as it was queued


@dataclass(frozen=True)
class Context:
    """What a step needs besides the call and the event: a fresh key for the ids it makes, the app that
    originated legs enter, the ring timeouts, and the time of the step (epoch seconds: how long a caller
    waited, for the live events)."""

    key: str
    app: str
    ring_seconds: int
    dial_seconds: int
    now: float
    callback_attempts: int = 3  # attempts the customer may leave unanswered before the agent gets a reminder
    callback_retry_seconds: float = 300.0  # between attempts
    record_conferences: bool = True  # a three-way call's bridge is recorded


@dataclass(frozen=True)
class Transition:
    call: AcdCall
    effects: tuple[fx.Effect, ...] = ()
    refusal: ControlRefused | None = None  # the answer to a desk control (or to the leg it failed to ring)


Handler = Callable[[AcdCall, Any, Context], Transition]


def view(call: AcdCall) -> CallView:
    """What the desk rules need to know about the call."""
    return CallView(talking=call.phase in CONNECTED and call.agent_channel_id is not None,
                    held=call.phase is not Phase.TALKING, consulting=call.consult is not None,
                    consult_answered=call.phase in (Phase.CONSULTING, Phase.CONFERENCE),
                    conference=call.phase is Phase.CONFERENCE)


def line(call: AcdCall) -> CallLine | None:
    """The desk's call line for a connected call (talking, held, consult_ringing, consulting, conference), else
    None."""
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


def callback_endpoint(template: str, number: str) -> str | None:
    """The customer's endpoint for a callback, None for a number that cannot be dialled (anonymous, too short):
    such a caller is not offered a callback."""
    try:
        return dial_string(template, number)
    except ValueError:
        return None
