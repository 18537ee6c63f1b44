"""What the console needs from the telephony side, as Protocols (implemented in ari_apps/, wired in hotline/).

The console never imports ari_apps: the service hands it objects that satisfy these Protocols, and
tests of the web layer alone may hand it the in-memory `LiveEvents` below plus a real `TelephonyPort`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session

from crm_core.events import LiveEvent

SupervisionMode = Literal["listen", "whisper", "barge"]


class TelephonyError(Exception):
    """A telephony action could not be done; `code` is machine-readable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # "not_on_call", "phone_unavailable", "unknown_agent", "unknown_call", ...


@dataclass(frozen=True)
class AgentLive:
    agent_id: int
    job_number: str
    name: str
    state: str  # logged_out | ready | not_ready | ringing | busy | wrap_up
    state_since: float  # epoch seconds
    call_id: str | None
    caller_number: str | None
    phone_registered: bool | None  # None: not a SIP phone (simulated)
    call_state: str | None = None  # talking | held | consult_ringing | consulting | conference, while on a call


@dataclass(frozen=True)
class QueueLive:
    skill: str
    waiting: int
    longest_wait_seconds: float
    answered_today: int
    abandoned_today: int
    service_level: float  # share of today's answered calls answered within the target, 0..1


@dataclass(frozen=True)
class LiveSnapshot:
    agents: list[AgentLive]
    queues: list[QueueLive]
    calls_today: int


class TelephonyPort(Protocol):
    async def set_agent_state(self, agent_id: int, state: str, reason: str | None = None) -> None:
        """ready / not_ready (with reason) / wrap_up / logged_out, as the agent or a supervisor asks."""

    async def supervise(self, supervisor_id: int, agent_id: int, mode: SupervisionMode) -> str:
        """Ring the supervisor's phone and snoop the agent's call; returns a supervision id."""

    async def end_supervision(self, supervision_id: str) -> None: ...

    # Call control. `by_agent`: the agent asking (None for a supervisor); the call must be theirs.
    async def hold(self, call_id: str, on: bool, *, by_agent: int | None = None) -> None:
        """On: the caller hears music on hold and nothing of the agent; off: the conversation resumes."""

    async def transfer(self, call_id: str, *, to_job_number: str | None = None, to_number: str | None = None,
                       attended: bool = False, by_agent: int | None = None) -> None:
        """Blind: the target is rung and the agent leaves. Attended: the caller is held and the agent talks
        to the target first; then `complete_transfer` or `cancel_transfer`."""

    async def complete_transfer(self, call_id: str, *, by_agent: int | None = None) -> None:
        """Attended transfer: the target takes the caller, the agent leaves (to wrap-up)."""

    async def cancel_transfer(self, call_id: str, *, by_agent: int | None = None) -> None:
        """Attended transfer: the target is hung up and the caller is back with the agent."""

    async def conference(self, call_id: str, *, to_job_number: str | None = None, to_number: str | None = None,
                         by_agent: int | None = None) -> None:
        """Three-way: with no target, the answered consultation's target joins the caller and the agent; with a
        target (an agent or a number), it is rung and joins once it answers. The conference is recorded."""

    async def leave_conference(self, call_id: str, who: str, *, by_agent: int | None = None) -> None:
        """`agent`: the agent leaves, the caller stays with the expert; `expert`: the expert is hung up."""

    async def to_queue(self, call_id: str, skill: str, *, by_agent: int | None = None) -> None:
        """The agent leaves; the caller waits in the skill's queue (e.g. the expert pool's)."""

    async def dial(self, agent_id: int, number: str) -> str:
        """Click-to-dial: ring the agent's phone, then the number; returns the new call id."""

    def live(self) -> LiveSnapshot: ...


class ReportView(Protocol):
    """One report for a period, ready to show: its table and its charts (SVG markup, escaped by its maker)."""

    @property
    def title(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def columns(self) -> list[str]: ...
    @property
    def rows(self) -> list[list[Any]]: ...
    @property
    def charts(self) -> list[str]: ...


class ReportSource(Protocol):
    """The contact-centre reports (reports/views.py, wired in hotline/). `build` raises ValueError, with a
    message for people, for a bad day, interval, threshold or name."""

    @property
    def names(self) -> tuple[str, ...]: ...
    @property
    def intervals(self) -> tuple[str, ...]: ...

    def today(self) -> str:
        """Today's date (YYYY-MM-DD) in the reports' zone: the page's default period."""
        ...
    def build(self, session: Session, name: str, start_day: str, end_day: str, interval: str,
              service_level_seconds: int, short_abandon_seconds: int) -> Any: ...
    def csv(self, view: Any) -> str: ...
    def html(self, view: Any) -> str: ...


@dataclass
class LiveEvents:
    """Fan-out of live events (the typed events of `crm_core.events`) to WebSocket clients."""

    _queues: set[asyncio.Queue[LiveEvent]] = field(default_factory=set)

    def publish(self, event: LiveEvent) -> None:
        for queue in list(self._queues):
            if queue.qsize() < 1000:
                queue.put_nowait(event)

    def subscribe(self) -> asyncio.Queue[LiveEvent]:
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue()
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[LiveEvent]) -> None:
        self._queues.discard(queue)
