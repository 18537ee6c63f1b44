"""The ACD's view of agents: states in memory, mirrored to the database, refreshed from it.

People change their own state (ready, not ready, log out) through the console (which goes through the
ACD) or the database (CLI); the ACD changes it when it offers a call, when the call is answered, missed
or ended. A refresh applies a database state only if it is newer than the ACD's own last change of
that agent: the ACD writes its changes to the database after acting, so an older row must never undo
them (it would free an agent who is ringing).

A ready agent is free for routing only while their phone can be rung (`reachable`, from the phone watch);
a phone registering or going away is told through `phone_changed`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ari_apps.acd.routing import RoutableAgent, Router
from ari_apps.events import EventSink, discard
from crm_core import agents as agent_service
from crm_core.agents import AgentSnapshot
from crm_core.db import AsyncDatabase
from crm_core.events import AgentStateChanged
from crm_core.models import AgentState
from crm_core.models.base import utcnow

logger = logging.getLogger(__name__)


def always_reachable(agent_id: int, dial_string: str) -> bool:
    return True


class AgentBoard:
    def __init__(self, db: AsyncDatabase, router: Router, events: EventSink = discard,
                 reachable: Callable[[int, str], bool] = always_reachable) -> None:
        self._db = db
        self._router = router
        self._events = events
        self._reachable = reachable  # (agent id, dial string) → the phone can be rung now
        self.agents: dict[int, AgentSnapshot] = {}
        self.states: dict[int, AgentState] = {}
        self._state_since: dict[int, float] = {}  # epoch seconds of the last change this process saw

    async def refresh(self) -> list[int]:
        """Reload agents from the database; returns the ids that became free."""
        started = time.time()
        snapshot = await self._db.run(agent_service.routing_snapshot)
        seen = set()
        newly_free = []
        for agent in snapshot:
            seen.add(agent.id)
            self.agents[agent.id] = agent
            if agent.state_since.timestamp() < self._state_since.get(agent.id, 0.0):
                continue
            was_free = self._router.is_free(agent.id)
            if self.states.get(agent.id) is not agent.state:
                self._state_since[agent.id] = agent.state_since.timestamp()
                self._events(AgentStateChanged(agent.id, agent.state.value))
            self.states[agent.id] = agent.state
            if agent.state is AgentState.READY:
                routable = self._routable(agent)
                if not was_free and routable.reachable:
                    self._router.agent_free(routable)
                    newly_free.append(agent.id)
                elif was_free and not routable.reachable:
                    self._router.agent_gone(agent.id)
            else:
                self._router.agent_gone(agent.id)
        for agent_id in set(self.agents) - seen:
            if self._state_since.get(agent_id, 0.0) <= started:  # logged out since, not by the ACD
                self._router.agent_gone(agent_id)
                self.agents.pop(agent_id)
                self.states.pop(agent_id, None)
        return newly_free

    def _routable(self, agent: AgentSnapshot, idle_since: float | None = None) -> RoutableAgent:
        since = agent.state_since.timestamp() if idle_since is None else idle_since
        return RoutableAgent(agent.id, agent.skills, agent.languages, since,
                             self._reachable(agent.id, agent.dial_string))

    def phone_changed(self, agent_id: int) -> bool:
        """The agent's phone registered or went away: a ready agent becomes free or stops being offered
        calls. Returns True if the agent became free."""
        agent = self.agents.get(agent_id)
        if agent is None or self.states.get(agent_id) is not AgentState.READY:
            return False
        was_free = self._router.is_free(agent_id)
        self._router.agent_free(self._routable(agent, self.state_since(agent_id)))
        return self._router.is_free(agent_id) and not was_free

    async def set_state(self, agent_id: int, state: AgentState, reason: str | None = None) -> None:
        """The ACD's own transition: memory first (routing sees it at once), then the database, dated when it was
        decided (an offer made while the write waits is newer than it, and a refresh must not undo that offer)."""
        decided = utcnow()  # the row's `state_since` exactly: a refresh finds it no older than this decision
        self._state_since[agent_id] = decided.timestamp()
        self.states[agent_id] = state
        self._events(AgentStateChanged(agent_id, state.value, reason))
        agent = self.agents.get(agent_id)
        if state is AgentState.READY and agent is not None:
            self._router.agent_free(self._routable(agent, time.time()))
        else:
            self._router.agent_gone(agent_id)
        await self._db.record(agent_service.set_state, agent_id, state, reason, at=decided)

    def state_since(self, agent_id: int) -> float:
        """Epoch seconds of the agent's last state change, as far as this process knows."""
        changed = self._state_since.get(agent_id)
        if changed is not None:
            return changed
        agent = self.agents.get(agent_id)
        return agent.state_since.timestamp() if agent else time.time()

    def mark_offered(self, agent_id: int) -> None:
        """Synchronous part of an offer: the agent is taken before any await."""
        self.mark_taken(agent_id, AgentState.RINGING)

    def mark_taken(self, agent_id: int, state: AgentState) -> None:
        """The agent is ringing or busy from now on, decided before any await (the database follows)."""
        self._state_since[agent_id] = time.time()
        self.states[agent_id] = state
        self._events(AgentStateChanged(agent_id, state.value))
        self._router.agent_gone(agent_id)
