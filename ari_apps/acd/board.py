"""The ACD's view of agents: states in memory, mirrored to the database, refreshed from it.

People change their own state (ready, not ready, log out) through the database (CLI, console); the
ACD changes it when it offers a call, when the call is answered, missed or ended. A refresh never
overwrites a change the ACD made after the refresh began.
"""

from __future__ import annotations

import logging
import time

from ari_apps.acd.routing import RoutableAgent, Router
from ari_apps.database import AsyncDatabase
from crm_core import agents as agent_service
from crm_core.agents import AgentSnapshot
from crm_core.models import AgentState

logger = logging.getLogger(__name__)


class AgentBoard:
    def __init__(self, db: AsyncDatabase, router: Router) -> None:
        self._db = db
        self._router = router
        self.agents: dict[int, AgentSnapshot] = {}
        self.states: dict[int, AgentState] = {}
        self._changed_at: dict[int, float] = {}

    async def refresh(self) -> list[int]:
        """Reload agents from the database; returns the ids that became free."""
        started = time.monotonic()
        snapshot = await self._db.run(agent_service.routing_snapshot)
        seen = set()
        newly_free = []
        for agent in snapshot:
            seen.add(agent.id)
            self.agents[agent.id] = agent
            if self._changed_at.get(agent.id, 0.0) > started:
                continue
            was_free = self._router.is_free(agent.id)
            self.states[agent.id] = agent.state
            if agent.state is AgentState.READY:
                if not was_free:
                    self._router.agent_free(self._routable(agent))
                    newly_free.append(agent.id)
            else:
                self._router.agent_gone(agent.id)
        for agent_id in set(self.agents) - seen:
            if self._changed_at.get(agent_id, 0.0) <= started:
                self._router.agent_gone(agent_id)
                self.agents.pop(agent_id)
                self.states.pop(agent_id, None)
        return newly_free

    @staticmethod
    def _routable(agent: AgentSnapshot) -> RoutableAgent:
        return RoutableAgent(agent.id, agent.skills, agent.languages, agent.state_since.timestamp())

    async def set_state(self, agent_id: int, state: AgentState, reason: str | None = None) -> None:
        """The ACD's own transition: memory first (routing sees it at once), then the database."""
        self._changed_at[agent_id] = time.monotonic()
        self.states[agent_id] = state
        agent = self.agents.get(agent_id)
        if state is AgentState.READY and agent is not None:
            self._router.agent_free(RoutableAgent(agent.id, agent.skills, agent.languages, time.time()))
        else:
            self._router.agent_gone(agent_id)
        await self._db.record(agent_service.set_state, agent_id, state, reason)

    def mark_offered(self, agent_id: int) -> None:
        """Synchronous part of an offer: the agent is taken before any await."""
        self._changed_at[agent_id] = time.monotonic()
        self.states[agent_id] = AgentState.RINGING
        self._router.agent_gone(agent_id)
