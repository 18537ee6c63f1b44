"""What an ACD call's state machine asks for, as small values: the machine (state.py) does no I/O, the call's
interpreter (call.py) carries these out in order through ARI, the database, the dispatcher and the event sink.

Telephony effects whose failure means the call cannot go on as decided (`CreateBridge`, `AddToBridge`) raise;
the others are quiet (a channel already gone, music already stopped). A failed `Originate` ends its
transition's effects and comes back to the machine as an `OriginateFailed` event; `MarkQueued` comes back as
a `Queued` event (the time the record gives), `ClaimCallback` as a `CallbackClaimed` event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ari_apps.originate import Originate
from crm_core.events import LiveEvent
from crm_core.models import AgentState

if TYPE_CHECKING:  # call_events imports this module (through model)
    from ari_apps.acd.call_events import Offer

# -- Asterisk -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateBridge:
    bridge_id: str
    name: str


@dataclass(frozen=True)
class DestroyBridge:
    bridge_id: str


@dataclass(frozen=True)
class AddToBridge:
    bridge_id: str
    channel_id: str


@dataclass(frozen=True)
class RemoveFromBridge:
    bridge_id: str
    channel_id: str


@dataclass(frozen=True)
class StartMoh:
    bridge_id: str


@dataclass(frozen=True)
class StopMoh:
    bridge_id: str


@dataclass(frozen=True)
class RecordBridge:
    """Record what the bridge hears (Asterisk's bridge recording, until the bridge goes) and link the recording to
    the call (a `call_recordings` row, as a trading call's). A recording that cannot start is logged and noted
    on the call; the call goes on."""

    bridge_id: str
    name: str
    purpose: str


@dataclass(frozen=True)
class Ring:
    """Originate a channel into the ACD app (ari_apps.originate: our own channel id, variables, timeout)."""

    call: Originate


@dataclass(frozen=True)
class HangUp:
    channel_id: str


@dataclass(frozen=True)
class AfterCall:
    """The agent hung up on the caller: the caller's channel is offered to what comes after the call (the
    post-call survey, if its policy picks the call: the channel leaves the ACD) and hung up otherwise."""

    channel_id: str
    bridge_id: str


@dataclass(frozen=True)
class Announce:
    """Tell the waiting caller their place and expected wait (prompts played to the call's bridge)."""

    bridge_id: str
    playback_id: str
    position: int
    minutes: int
    language: str
    offer_callback: bool = False  # then "press 1 to be called back", and the caller's channel awaits a key


@dataclass(frozen=True)
class Say:
    """Play one prompt to the call's bridge (e.g. the callback's confirmation)."""

    bridge_id: str
    playback_id: str
    prompt: str
    language: str


# -- the database ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """A call record change: `action(session, call_id, **args)`, one of crm_core.calls' functions."""

    action: Callable[..., Any]
    args: Mapping[str, Any] = field(default_factory=dict)


# -- the queue and the agents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkQueued:
    """The call is written as queued (its skill, language and priority); when it entered the queue (the
    record's queued_at, kept from the first time: a recovered call keeps its place) comes back to the machine
    as a `Queued` event."""


@dataclass(frozen=True)
class SaveCallback:
    """Write the waiting caller's callback (crm_core.callbacks.take_in_queue: their place kept); the answer comes
    back to the machine as a `CallbackSaved` event."""


@dataclass(frozen=True)
class ClaimCallback:
    """Right before a callback's agent is rung: take it for this attempt in the database (crm_core.callbacks.
    claim_attempt), unless its client cancelled it; the answer comes back as a `CallbackClaimed` event."""

    offer: Offer


@dataclass(frozen=True)
class Enqueue:
    """The caller waits for an agent in the router's queue, from the call's `entered_at`. A callback whose agent
    (who scheduled it) is free is offered to them at once."""


@dataclass(frozen=True)
class Withdraw:
    """The call leaves the router's queue (it ended)."""


@dataclass(frozen=True)
class RecordAgentState:
    """The agent's state in the database only: the board already took the agent before any await."""

    agent_id: int
    state: AgentState


@dataclass(frozen=True)
class SetAgentState:
    """The agent's state on the board (routing sees it at once), then in the database."""

    agent_id: int
    state: AgentState


@dataclass(frozen=True)
class AgentBack:
    """The agent's part of the call ended: wrap-up (if `wrap_up`) then ready, and offered the next call."""

    agent_id: int
    wrap_up: bool


@dataclass(frozen=True)
class AgentMissed:
    """The agent did not answer an offer: not ready, with the reason ("missed call", "missed chat")."""

    agent_id: int
    reason: str = "missed call"


# -- live events ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publish:
    """A live event for the desks, the board and whoever follows the queue (one of crm_core.events' types)."""

    event: LiveEvent


Effect = (CreateBridge | DestroyBridge | AddToBridge | RemoveFromBridge | StartMoh | StopMoh | RecordBridge | Ring
          | HangUp | AfterCall | Announce | Say | Write | SaveCallback | ClaimCallback | MarkQueued | Enqueue | Withdraw
          | RecordAgentState | SetAgentState | AgentBack | AgentMissed | Publish)
