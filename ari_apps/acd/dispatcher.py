"""Matches waiting calls with free agents and hands each match to the call's session as an offer."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

from ari_apps.acd.board import AgentBoard
from ari_apps.acd.relationship import Preference, plan
from ari_apps.acd.routing import Decision, Router, WaitingCall
from ari_apps.acd.settings import AcdSettings
from ari_apps.events import EventSink, discard
from crm_core.events import QueueChanged
from crm_core.models import AgentState

logger = logging.getLogger(__name__)

OFFER = "HotlineOffer"  # internal event, put in the call's queue like ARI events


class Offerable(Protocol):
    """A waiting call's task, as the dispatcher sees it: offers go into its event queue; its skill is the queue
    whose length is published as it joins and leaves."""

    call_id: str
    events: asyncio.Queue[dict[str, Any]]

    @property
    def skill(self) -> str: ...


class Dispatcher:
    def __init__(self, router: Router, board: AgentBoard, settings: AcdSettings, events: EventSink = discard) -> None:
        self.router = router
        self.board = board
        self.settings = settings
        self._events = events
        self._waiting: dict[str, Offerable] = {}
        self._wrap_ups: dict[int, asyncio.Task[None]] = {}

    # calls -------------------------------------------------------------------------------------------
    def enqueue(self, session: Offerable, *, skill: str, language: str, priority: int, entered_at: float,
                preference: Preference | None = None) -> None:
        call = WaitingCall(session.call_id, skill, language, priority, entered_at)
        if preference is not None:
            self._prefer(call, preference)
        self.router.call_waiting(call, time.time())
        self._waiting[call.id] = session
        decision = self.router.best_agent_for(call)
        if decision is not None:
            self._offer(decision)
        else:
            self._queue_changed(skill)

    def _prefer(self, call: WaitingCall, preference: Preference) -> None:
        """The investor's own agent first; wait for them while busy (relationship.plan)."""
        agent_id = preference.agent_id
        chosen = plan(preference, state=self.board.states.get(agent_id) if agent_id in self.board.agents else None,
                      free=self.router.is_free(agent_id), waiting_for_agent=self.router.waiting_for(agent_id),
                      max_waiting=self.settings.max_waiting_per_agent, entered_at=call.entered_at)
        call.preferred, call.hold_until, call.fallback = agent_id, chosen.hold_until, chosen.fallback

    def withdraw(self, call_id: str) -> None:
        self.router.call_done(call_id)
        session = self._waiting.pop(call_id, None)
        if session is not None:
            self._queue_changed(session.skill)

    def is_waiting(self, call_id: str) -> bool:
        """Queued and not yet offered to an agent."""
        return call_id in self._waiting

    def position(self, call_id: str) -> int:
        return self.router.position(call_id)

    def expected_wait_seconds(self, call_id: str) -> float:
        """Position times the average handling time, shared by the agents logged in (for a call held for its
        assigned agent: that agent's share, at most until the hold ends)."""
        if self.router.held(call_id):
            own = self.position(call_id) * self.settings.average_handle_seconds
            return max(0.0, min(own, self.router.hold_ends(call_id) - time.time()))
        staffed = max(1, sum(1 for state in self.board.states.values() if state is not AgentState.NOT_READY))
        return self.position(call_id) * self.settings.average_handle_seconds / staffed

    def _offer(self, decision: Decision) -> None:
        self.router.assign(decision)
        self._deliver(decision)

    def _deliver(self, decision: Decision) -> None:
        """The router has matched them: the agent is taken and the call's session is told."""
        session = self._waiting.pop(decision.call_id)
        self.board.mark_offered(decision.agent_id)
        session.events.put_nowait({"type": OFFER, "agent_id": decision.agent_id, "reason": decision.reason})
        self._queue_changed(session.skill)

    def _queue_changed(self, skill: str) -> None:
        self._events(QueueChanged(skill, sum(1 for s in self._waiting.values() if s.skill == skill)))

    def take(self, agent_id: int) -> bool:
        """Take a ready agent for a transfer of a call in progress (ringing at once); False if not free."""
        if not self.router.is_free(agent_id):
            return False
        self.board.mark_offered(agent_id)
        return True

    # agents ------------------------------------------------------------------------------------------
    def agent_free(self, agent_id: int) -> None:
        decision = self.router.best_call_for(agent_id)
        if decision is not None:
            self._offer(decision)

    async def agent_back(self, agent_id: int, *, wrap_up: bool) -> None:
        """The agent's call ended (or was never answered by the caller's fault)."""
        if wrap_up and self.settings.wrap_up_seconds > 0:
            self.cancel_wrap_up(agent_id)
            await self.board.set_state(agent_id, AgentState.WRAP_UP)
            self._wrap_ups[agent_id] = asyncio.create_task(self._end_wrap_up(agent_id))
            return
        await self.board.set_state(agent_id, AgentState.READY)
        self.agent_free(agent_id)

    def cancel_wrap_up(self, agent_id: int) -> None:
        """The agent took another call (click-to-dial) before the wrap-up ran out."""
        task = self._wrap_ups.pop(agent_id, None)
        if task is not None:
            task.cancel()

    async def _end_wrap_up(self, agent_id: int) -> None:
        await asyncio.sleep(self.settings.wrap_up_seconds)
        self._wrap_ups.pop(agent_id, None)
        if self.board.states.get(agent_id) is AgentState.WRAP_UP:
            await self.board.set_state(agent_id, AgentState.READY)
            self.agent_free(agent_id)

    async def agent_missed(self, agent_id: int, reason: str = "missed call") -> None:
        await self.board.set_state(agent_id, AgentState.NOT_READY, reason)

    # housekeeping ------------------------------------------------------------------------------------
    async def tick(self) -> None:
        for agent_id in await self.board.refresh():
            self.agent_free(agent_id)
        for decision in self.router.dispatch(time.time()):
            self._deliver(decision)

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                logger.exception("ACD tick failed; retrying")
            await asyncio.sleep(self.settings.agent_refresh_seconds)
