"""Typed live events that several sides share (the Stasis apps publish them, the console's desk reads them).

Each event is built here, once, and turned into the JSON object the WebSocket carries by `as_dict()`.
Today this module holds the phone's registration, the call line and the end of an agent's call; the
other live events (screen-pop, agent state, queue, supervision) are still dict literals at their call sites.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

CallLine = Literal["ringing", "talking", "held", "consult_ringing", "consulting"]


@dataclass(frozen=True)
class PhoneRegistration:
    """The agent's SIP phone, as Asterisk sees its endpoint: registered (and reachable) or not."""

    agent_id: int
    endpoint: str  # e.g. "PJSIP/agent2001"
    registered: bool

    def as_dict(self) -> dict[str, Any]:
        return {"type": "phone", **asdict(self)}


@dataclass(frozen=True)
class CallState:
    """The desk's call line for the agent's call: ringing (Asterisk reports the agent's phone ringing),
    talking, held, consult_ringing, consulting."""

    agent_id: int | None
    call_id: str
    state: CallLine
    target_agent_id: int | None = None
    target_number: str | None = None
    caller_number: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"type": "call_state", **asdict(self)}


@dataclass(frozen=True)
class CallEnded:
    """The agent's part in a call is over: completed, transferred (handed on), failed (click-to-dial that
    connected nobody), missed (the agent's phone rang and was not answered) or abandoned (the caller hung
    up while the agent's phone rang)."""

    agent_id: int | None
    call_id: str
    status: str
    hangup_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"type": "call_ended", **asdict(self)}
