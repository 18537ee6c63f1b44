"""What an agent may do from the desk, decided without I/O: click-to-dial, hold, transfers, an expert brought
into a three-way conference, the caller handed to a skill's queue (the expert pool).

The call sessions and the telephony port ask these functions and act on the answer; a refusal is a
`ControlRefused` whose code the console shows (HTTP 409 with the code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from crm_core.models import AgentState

DIALLABLE = re.compile(r"\+?[0-9]{3,20}")
MAY_DIAL_FROM = frozenset({AgentState.READY, AgentState.NOT_READY, AgentState.WRAP_UP})


class ControlRefused(Exception):
    """The action cannot be done now; `code` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Control(StrEnum):
    HOLD = "hold"
    UNHOLD = "unhold"
    BLIND = "blind"  # blind transfer to another agent
    CONSULT = "consult"  # first half of an attended transfer: the caller on hold, the target rung
    COMPLETE = "complete"  # the target takes the caller, the agent leaves (also: the agent leaves a conference)
    CANCEL = "cancel"  # the target is hung up, the caller is back with the agent (also: the expert leaves)
    CONFERENCE = "conference"  # the answered consultation's target joins the call: three-way
    TO_QUEUE = "to_queue"  # the agent leaves; the caller waits in a skill's queue (e.g. the expert pool)


@dataclass(frozen=True)
class CallView:
    """What the rules need to know about a call in progress."""

    talking: bool  # the caller and an agent (or an outside party) are connected
    held: bool
    consulting: bool  # a consultation leg exists (ringing or answered)
    consult_answered: bool
    conference: bool = False  # the target joined the caller and the agent (three-way)


def dial_digits(number: str) -> str:
    """The digits to dial for what the agent typed: `+86` is dropped, another `+` becomes `00`."""
    text = number.strip()
    if not DIALLABLE.fullmatch(text):
        raise ControlRefused("bad_number", f"{number[:40]!r} is not a phone number (3 to 20 digits, optional +)")
    if text.startswith("+86"):
        return text[3:]
    if text.startswith("+"):
        return "00" + text[1:]
    return text


def dial_endpoint(template: str, digits: str) -> str:
    """The ARI endpoint reaching `digits`, e.g. `PJSIP/{number}@trunk` → `PJSIP/13800138000@trunk`."""
    if "{number}" not in template:
        raise ControlRefused("no_outside_line", "no outside line is configured (acd.outbound_dial)")
    return template.replace("{number}", digits)


def dial_refusal(state: AgentState | None) -> ControlRefused | None:
    """Click-to-dial needs an agent logged in and not already ringing or on a call."""
    if state is None or state is AgentState.LOGGED_OUT:
        return ControlRefused("not_logged_in", "log in to the queue (ready or not ready) before dialling")
    if state not in MAY_DIAL_FROM:
        return ControlRefused("agent_busy", f"you are {state.value.replace('_', ' ')}: finish the current call first")
    return None


def control_refusal(control: Control, call: CallView) -> ControlRefused | None:
    """Whether `control` can be applied to the call as it is now."""
    if not call.talking:
        return ControlRefused("not_on_call", "the call is not connected (ringing, queued or ended)")
    if control in (Control.COMPLETE, Control.CANCEL, Control.CONFERENCE):
        if not call.consulting:
            return ControlRefused("no_consultation", "there is no attended transfer in progress")
        if control is not Control.CANCEL and not call.consult_answered:
            return ControlRefused("consult_not_answered", "the transfer target has not answered yet")
        if control is Control.CONFERENCE and call.conference:
            return ControlRefused("in_conference", "the expert is in the conference already")
        return None
    if call.conference:
        return ControlRefused("in_conference", "a three-way call is in progress: leave it or let the expert go first")
    if call.consulting:
        return ControlRefused("consulting", "an attended transfer is in progress: complete or cancel it first")
    return None
