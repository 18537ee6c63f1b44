"""What can happen to an ACD call, as small typed values, and how an ARI event becomes one (`read`).

ARI events name channels; which leg of the call a channel is (the caller's, the agent's, the consultation
target's) depends on the call's state, so `read` takes the call. Events of channels the call no longer has
(the second and third hang-up events of a leg, a leg replaced by a transfer) read as nothing.

Desk controls, the dispatcher's offers and timers are built by the interpreter (call.py) with what it knows
(the agent's dial string from the board, whether a transfer target could be taken).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ari_apps.acd.model import AcdCall
from ari_apps.acd.phones import rings
from ari_apps.session import HANGUP_EVENTS
from crm_core.call_routing import CallRoute

# -- the call's life ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """A new call: a caller entered the ACD, or an agent clicked to dial."""


@dataclass(frozen=True)
class Resumed:
    """A call recovered after a reconnect or restart, as Asterisk still holds it."""


@dataclass(frozen=True)
class Queued:
    """The call is written as queued (the interpreter's answer to a `MarkQueued` effect): when it entered the
    queue, by the record (a recovered call keeps its first time); the CRM's route for the call (assigned agent,
    service level), None if it could not be read."""

    entered_at: float
    route: CallRoute | None = None


@dataclass(frozen=True)
class Offer:
    """The dispatcher matched the waiting call with a free agent (already taken on the board)."""

    agent_id: int
    reason: str  # skill, overflow, any agent
    job_number: str
    dial_string: str


@dataclass(frozen=True)
class AnnounceDue:
    """Time to tell the waiting caller their place (the interpreter asks only while the call waits)."""

    position: int
    minutes: int
    offer_callback: bool = False  # and offer to call them back, keeping their place (call_moves.offer_due)


@dataclass(frozen=True)
class AnnounceDone:
    playback_id: str


# -- callbacks ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPressed:
    """The waiting caller pressed a key (1 takes the callback they were offered)."""

    digit: str


@dataclass(frozen=True)
class CallbackSaved:
    """The interpreter's answer to `SaveCallback`: the callback is written (`endpoint`: the customer's, to dial
    back), or None: another callback is open for the number (the caller keeps waiting)."""

    endpoint: str | None


@dataclass(frozen=True)
class CallbackDue:
    """A callback's next attempt is due: it goes back to the queue, in its old place."""


@dataclass(frozen=True)
class CallbackClaimed:
    """The interpreter's answer to `ClaimCallback`, right before the agent is rung: the callback is being made
    (`claimed`), or its client cancelled it meanwhile (the offer is dropped, nobody is rung)."""

    offer: Offer
    claimed: bool


@dataclass(frozen=True)
class CallbackCancelled:
    """The ACD's check of the database found the pending callback cancelled (by or for its client): out of the queue."""


# -- the legs, from ARI -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerAnswered:
    """Click-to-dial: the customer answered (their channel entered the app)."""


@dataclass(frozen=True)
class CallerGone:
    """The caller (or the dialled customer) hung up."""

    cause: str = ""


@dataclass(frozen=True)
class AgentRinging:
    """Asterisk reports the agent's phone ringing."""


@dataclass(frozen=True)
class AgentAnswered:
    pass


@dataclass(frozen=True)
class AgentGone:
    """The agent's channel (or an outside party's that took the call) hung up, was busy or was not answered."""

    cause: str = ""


@dataclass(frozen=True)
class TargetAnswered:
    """The consultation target answered."""


@dataclass(frozen=True)
class TargetGone:
    cause: str = ""


@dataclass(frozen=True)
class OriginateFailed:
    """Asterisk refused to originate a leg (the interpreter's answer to a `Ring` effect)."""

    channel_id: str
    status: int | None


# -- the desk (each answered with None or a refusal) --------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    pass


@dataclass(frozen=True)
class Unhold:
    pass


@dataclass(frozen=True)
class Blind:
    """Blind transfer to another agent; `available`: the dispatcher could take that agent."""

    agent_id: int
    available: bool
    job_number: str = ""
    dial_string: str = ""


@dataclass(frozen=True)
class Consult:
    """Attended transfer, first half: to an agent (`available` as for Blind) or an outside number."""

    agent_id: int | None
    number: str | None
    endpoint: str
    available: bool = True
    join: bool = False  # straight into a three-way conference once the target answers


@dataclass(frozen=True)
class Complete:
    pass


@dataclass(frozen=True)
class Cancel:
    pass


@dataclass(frozen=True)
class Conference:
    """The answered consultation's target (an expert) joins the caller and the agent: three-way."""


@dataclass(frozen=True)
class ToQueue:
    """The agent hands the caller to a skill's queue (e.g. the expert pool) and leaves."""

    skill: str


DeskControl = Hold | Unhold | Blind | Consult | Complete | Cancel | Conference | ToQueue
CallEvent = (Start | Resumed | Queued | Offer | AnnounceDue | AnnounceDone | KeyPressed | CallbackSaved | CallbackDue
             | CallbackClaimed | CallbackCancelled | CallerAnswered | CallerGone | AgentRinging | AgentAnswered
             | AgentGone | TargetAnswered | TargetGone | OriginateFailed | DeskControl)


def read(call: AcdCall, event: dict[str, Any]) -> CallEvent | None:
    """The ARI event as an event of this call; None if it is about nothing the call has now."""
    kind = event.get("type")
    channel = (event.get("channel") or {}).get("id")
    target = call.consult.channel_id if call.consult else None
    if kind == "PlaybackFinished":
        return AnnounceDone((event.get("playback") or {}).get("id", ""))
    if channel is None:
        return None
    if kind in HANGUP_EVENTS:
        cause = str(event.get("cause_txt") or event.get("cause") or kind)
        if channel == call.channel_id:
            return CallerGone(cause)
        if channel == call.agent_channel_id:
            return AgentGone(cause)
        if channel == target:
            return TargetGone(cause)
    elif kind == "StasisStart":
        if channel == call.agent_channel_id:
            return AgentAnswered()
        if channel == target:
            return TargetAnswered()
        if channel == call.channel_id:
            return CallerAnswered()
    elif rings(event) and channel == call.agent_channel_id:
        return AgentRinging()
    elif kind == "ChannelDtmfReceived" and channel == call.channel_id:
        return KeyPressed(str(event.get("digit", "")))
    return None
