"""Typed live events that several sides share: the Stasis apps publish them, the console routes them to the
agent's desk or the supervisors, the browser scripts read them, and reports and notifications can follow
the queue's facts (a call offered, answered, abandoned).

Every live event is a frozen dataclass here, once, with its wire name in `type`; `as_dict()` is the JSON object
the WebSocket carries. `SCHEMA` (each wire name and its fields) is what the console serves to the browser
scripts, so that the names the scripts read come from these classes and nowhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, Literal

CallLine = Literal["ringing", "talking", "held", "consult_ringing", "consulting", "conference"]
AbandonedWhere = Literal["queue", "ringing"]


class _Event:
    """The wire name and the JSON object of an event; subclasses are frozen dataclasses."""

    type: ClassVar[str]
    __dataclass_fields__: ClassVar[dict[str, Any]]  # set by @dataclass on each event

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass(frozen=True)
class ScreenPop(_Event):
    """The caller is bridged with the agent (or the agent picked up a click-to-dial call, or is the target of an
    attended transfer: `consultation`; or is making a `callback`); the desk fetches the call's screen-pop."""

    type: ClassVar[str] = "screen_pop"
    agent_id: int | None
    call_id: str
    caller_number: str | None = None
    consultation: bool = False
    callback: bool = False  # the agent is calling a customer back (a callback taken in the queue or scheduled)


@dataclass(frozen=True)
class AgentStateChanged(_Event):
    """An agent's state changed (ready, not_ready, ringing, busy, wrap_up, logged_out); `reason` for not_ready."""

    type: ClassVar[str] = "agent_state"
    agent_id: int
    state: str
    reason: str | None = None


@dataclass(frozen=True)
class PhoneRegistration(_Event):
    """The agent's SIP phone, as Asterisk sees its endpoint: registered (and reachable) or not."""

    type: ClassVar[str] = "phone"
    agent_id: int
    endpoint: str  # e.g. "PJSIP/agent2001"
    registered: bool


@dataclass(frozen=True)
class CallState(_Event):
    """The desk's call line for the agent's call: ringing (Asterisk reports the agent's phone ringing),
    talking, held, consult_ringing, consulting, conference (three-way with the target: an expert)."""

    type: ClassVar[str] = "call_state"
    agent_id: int | None
    call_id: str
    state: CallLine
    target_agent_id: int | None = None
    target_number: str | None = None
    caller_number: str | None = None


@dataclass(frozen=True)
class CallEnded(_Event):
    """The agent's part in a call is over: completed, transferred (handed on), failed (click-to-dial that
    connected nobody), missed (the agent's phone rang and was not answered) or abandoned (the caller hung
    up while the agent's phone rang)."""

    type: ClassVar[str] = "call_ended"
    agent_id: int | None
    call_id: str
    status: str
    hangup_by: str | None = None


@dataclass(frozen=True)
class QueueChanged(_Event):
    """A call joined or left a skill's queue (offered to an agent, or gone): how many wait now (queued, not yet
    offered). A call offered at once leaves as it joins: one event, the queue as it was."""

    type: ClassVar[str] = "queue"
    skill: str
    waiting: int


@dataclass(frozen=True)
class SupervisionChanged(_Event):
    """A supervisor's listen / whisper / barge on an agent's call: their phone rings, it is active, it ended."""

    type: ClassVar[str] = "supervision"
    supervision_id: str
    supervisor_id: int
    agent_id: int
    call_id: str
    mode: str  # listen | whisper | barge
    state: str  # ringing (the supervisor's phone) | active | ended


@dataclass(frozen=True)
class CallOffered(_Event):
    """A call entered the queue of a skill (`entered_at`: epoch seconds)."""

    type: ClassVar[str] = "call_offered"
    call_id: str
    skill: str
    entered_at: float


@dataclass(frozen=True)
class CallAnswered(_Event):
    """An agent answered a queued call, `wait_seconds` after it entered the queue."""

    type: ClassVar[str] = "call_answered"
    call_id: str
    agent_id: int
    wait_seconds: float


@dataclass(frozen=True)
class CallAbandoned(_Event):
    """The caller hung up before an agent answered: while waiting in the queue or while an agent's phone rang."""

    type: ClassVar[str] = "call_abandoned"
    call_id: str
    wait_seconds: float
    where: AbandonedWhere


@dataclass(frozen=True)
class ComplaintEscalated(_Event):
    """An overdue complaint went to the owner's supervisor (level 1) or the head of service (level 2, `to`: a job
    number); the supervisor board shows it."""

    type: ClassVar[str] = "complaint_escalated"
    complaint_id: int
    level: int
    to: str
    reason: str


@dataclass(frozen=True)
class ChatChanged(_Event):
    """A client's text chat, for the agent it is offered to: offered (the desk shows it with the screen-pop),
    talking (answered), message (the chat's messages now go up to `seq`), missed (not answered in time, offered
    to another agent), ended (by the client, the agent or the idle timeout: `ended_by`)."""

    type: ClassVar[str] = "chat"
    agent_id: int | None
    chat_id: int
    state: str
    seq: int = 0
    ended_by: str | None = None


@dataclass(frozen=True)
class Hello(_Event):
    """The WebSocket's first message to each socket: subscribed, every later event reaches it."""

    type: ClassVar[str] = "hello"
    agent_id: int
    role: str


LiveEvent = (ScreenPop | AgentStateChanged | PhoneRegistration | CallState | CallEnded | QueueChanged
             | SupervisionChanged | CallOffered | CallAnswered | CallAbandoned | ComplaintEscalated | ChatChanged)
LIVE_EVENTS: tuple[type[LiveEvent], ...] = (ScreenPop, AgentStateChanged, PhoneRegistration, CallState, CallEnded,
                                            QueueChanged, SupervisionChanged, CallOffered, CallAnswered,
                                            CallAbandoned, ComplaintEscalated, ChatChanged)

# Each message the WebSocket carries, by wire name: its fields, "type" first (what the browser scripts read).
SCHEMA: dict[str, list[str]] = {cls.type: ["type", *(f.name for f in fields(cls))]
                                for cls in (*LIVE_EVENTS, Hello)}
