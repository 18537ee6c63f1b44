"""The ACD's view of agents: states in memory, mirrored to the database, refreshed from it.

People change their own state (ready, not ready, log out) through the console (which goes through the
ACD) or the database (CLI); the ACD changes it when it offers a call, when the call is answered, missed
or ended. A refresh applies a database state only if it is newer than the ACD's own last change of
that agent: the ACD writes its changes to the database after acting, so an older row must never undo
them (it would free an agent who is ringing).
"""

from __future__ import annotations

import logging
import time

from ari_apps.acd.routing import RoutableAgent, Router
from ari_apps.events import EventSink, discard
from crm_core import agents as agent_service
from crm_core.agents import AgentSnapshot
from crm_core.db import AsyncDatabase
from crm_core.events import AgentStateChanged
from crm_core.models import AgentState

logger = logging.getLogger(__name__)


class AgentBoard:
    def __init__(self, db: AsyncDatabase, router: Router, events: EventSink = discard) -> None:
        self._db = db
        self._router = router
        self._events = events
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
                if not was_free:
                    self._router.agent_free(self._routable(agent))
                    newly_free.append(agent.id)
            else:
                self._router.agent_gone(agent.id)
        for agent_id in set(self.agents) - seen:
            if self._state_since.get(agent_id, 0.0) <= started:  # logged out since, not by the ACD
                self._router.agent_gone(agent_id)
                self.agents.pop(agent_id)
                self.states.pop(agent_id, None)
        return newly_free

    @staticmethod
    def _routable(agent: AgentSnapshot) -> RoutableAgent:
        return RoutableAgent(agent.id, agent.skills, agent.languages, agent.state_since.timestamp())

    async def set_state(self, agent_id: int, state: AgentState, reason: str | None = None) -> None:
        """The ACD's own transition: memory first (routing sees it at once), then the database."""
        self._state_since[agent_id] = time.time()
        self.states[agent_id] = state
        self._events(AgentStateChanged(agent_id, state.value, reason))
        agent = self.agents.get(agent_id)
        if state is AgentState.READY and agent is not None:
            self._router.agent_free(RoutableAgent(agent.id, agent.skills, agent.languages, time.time()))
        else:
            self._router.agent_gone(agent_id)
        await self._db.record(agent_service.set_state, agent_id, state, reason)

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
