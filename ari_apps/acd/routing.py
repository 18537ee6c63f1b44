"""Skill-based routing decisions, pure and indexed (no I/O: the ACD app feeds it and acts on it).

An agent is offered calls only while ready and reachable: a phone Asterisk could not ring (a SIP phone that is
not registered) is never offered a call, so a ready agent without a phone is not rung into a missed call
(`phones.reachable` decides; the board passes its answer in `RoutableAgent.reachable`).

A waiting call needs a skill and a language and has a priority (VIP first) and an entry time.
The best free agent for a call: has the skill and speaks the language, highest skill level, then
longest idle. The best call for a free agent: highest priority, then longest waiting.

Overflow widens what a call accepts as it waits: after `overflow_after` seconds, agents with the
overflow skill (the operator desk) too; after `any_agent_after`, any agent who speaks the language.

Relationship routing: a call from an investor with an assigned agent (crm_core.call_routing) names that agent
(`preferred`). It is indexed under the agent's own key, tier ASSIGNED, which beats every skill tier: the agent
takes it first whenever free, and a free agent takes their own clients' calls before any other. Until
`hold_until` the call accepts only that agent (it waits for them while they are busy); after it, it goes by
skill as any call, its own key kept. `fallback` says why a call with an assigned agent went by skill.

Free agents and waiting calls are kept in sorted indexes per (skill, language), so a decision costs
O(k log n) for k skills and languages of the agent or call, not a scan of every agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sortedcontainers import SortedList

ASSIGNED, NATIVE, OVERFLOW, ANY = -1, 0, 1, 2
LEVEL_NAMES = {ASSIGNED: "assigned", NATIVE: "skill", OVERFLOW: "overflow", ANY: "any agent"}
AGENT_KEY = "@agent"  # an agent's own index key: (AGENT_KEY, str(agent id))


def own_key(agent_id: int) -> tuple[str, str]:
    return (AGENT_KEY, str(agent_id))


@dataclass(frozen=True)
class RoutableAgent:
    id: int
    skills: dict[str, int]
    languages: frozenset[str]
    idle_since: float
    reachable: bool = True  # the agent's phone can be rung (phones.reachable)


@dataclass
class WaitingCall:
    id: str
    skill: str
    language: str
    priority: int
    entered_at: float
    level: int = NATIVE
    keys: list[tuple[tuple[str, str], int]] = field(default_factory=list)  # (index key, tier)
    preferred: int | None = None  # the investor's assigned agent
    hold_until: float = 0.0  # until then only the preferred agent takes the call
    fallback: str = ""  # why a call with a preferred agent goes by skill
    held: bool = False  # set by the router: waiting for the preferred agent only

    @property
    def order(self) -> tuple[int, float, str]:
        return (-self.priority, self.entered_at, self.id)


@dataclass(frozen=True)
class Decision:
    call_id: str
    agent_id: int
    reason: str


ANY_SKILL = "*"


class Router:
    def __init__(self, *, overflow_skill: str, overflow_after: float, any_agent_after: float) -> None:
        self.overflow_skill = overflow_skill
        self.overflow_after = overflow_after
        self.any_agent_after = any_agent_after
        self._agents: dict[int, RoutableAgent] = {}
        self._free_by_key: dict[tuple[str, str], SortedList] = {}
        self._calls: dict[str, WaitingCall] = {}
        self._calls_by_key: dict[tuple[str, str], SortedList] = {}
        self._by_entry = SortedList(key=lambda c: (c.entered_at, c.id))
        self._holds = SortedList(key=lambda c: (c.hold_until, c.id))

    # agents ------------------------------------------------------------------------------------------
    def agent_free(self, agent: RoutableAgent) -> None:
        """The agent is ready: offered calls from now on, if their phone can be rung."""
        self.agent_gone(agent.id)
        if not agent.reachable:
            return
        self._agents[agent.id] = agent
        for key, rank in self._agent_keys(agent):
            self._free_by_key.setdefault(key, SortedList()).add((rank, agent.idle_since, agent.id))

    def agent_gone(self, agent_id: int) -> None:
        """The agent is no longer free (ringing, busy, not ready, logged out)."""
        agent = self._agents.pop(agent_id, None)
        if agent is None:
            return
        for key, rank in self._agent_keys(agent):
            self._free_by_key[key].discard((rank, agent.idle_since, agent.id))

    def is_free(self, agent_id: int) -> bool:
        return agent_id in self._agents

    @property
    def free_agents(self) -> int:
        return len(self._agents)

    @staticmethod
    def _agent_keys(agent: RoutableAgent) -> list[tuple[tuple[str, str], int]]:
        keys = [((skill, language), -level) for skill, level in agent.skills.items() for language in agent.languages]
        keys += [((ANY_SKILL, language), 0) for language in agent.languages]
        keys.append((own_key(agent.id), 0))
        return keys

    # calls -------------------------------------------------------------------------------------------
    def call_waiting(self, call: WaitingCall, now: float) -> None:
        self.call_done(call.id)
        call.level = self._level_for(call, now)
        call.held = call.preferred is not None and now < call.hold_until
        call.keys = self._call_keys(call)
        self._calls[call.id] = call
        self._by_entry.add(call)
        if call.held:
            self._holds.add(call)
        for key, _tier in call.keys:
            self._calls_by_key.setdefault(key, SortedList(key=lambda c: c.order)).add(call)

    def call_done(self, call_id: str) -> None:
        call = self._calls.pop(call_id, None)
        if call is None:
            return
        self._by_entry.discard(call)
        self._holds.discard(call)
        for key, _tier in call.keys:
            self._calls_by_key[key].discard(call)

    def waiting(self) -> list[WaitingCall]:
        return sorted(self._calls.values(), key=lambda c: c.order)

    def waiting_for(self, agent_id: int) -> int:
        """How many calls wait for this agent in particular (held for them)."""
        return sum(1 for call in self._calls_by_key.get(own_key(agent_id), []) if call.held)

    def held(self, call_id: str) -> bool:
        call = self._calls.get(call_id)
        return call is not None and call.held

    def hold_ends(self, call_id: str) -> float:
        return self._calls[call_id].hold_until

    def position(self, call_id: str) -> int:
        """1-based place among calls that compete for the same skill and language (or the same agent, for a
        call held for its assigned agent)."""
        call = self._calls[call_id]
        queue = self._calls_by_key.get(call.keys[0][0], [])
        return sum(1 for other in queue if other.order < call.order) + 1

    def _level_for(self, call: WaitingCall, now: float) -> int:
        waited = now - call.entered_at
        if waited >= self.any_agent_after:
            return ANY
        if waited >= self.overflow_after:
            return OVERFLOW
        return NATIVE

    def _call_keys(self, call: WaitingCall) -> list[tuple[tuple[str, str], int]]:
        own = [(own_key(call.preferred), ASSIGNED)] if call.preferred is not None else []
        if call.held:
            return own
        keys = [((call.skill, call.language), NATIVE), *own]
        if call.level >= OVERFLOW and call.skill != self.overflow_skill:
            keys.append(((self.overflow_skill, call.language), OVERFLOW))
        if call.level >= ANY:
            keys.append(((ANY_SKILL, call.language), ANY))
        return keys

    def escalate(self, now: float) -> list[WaitingCall]:
        """Widen the calls that have waited past a threshold; returns the ones that changed."""
        changed = []
        while self._holds and self._holds[0].hold_until <= now:
            call = self._holds[0]
            call.fallback = call.fallback or "assigned agent still busy"
            self.call_waiting(call, now)
            changed.append(call)
        for call in list(self._by_entry):
            if now - call.entered_at < self.overflow_after:
                break
            if self._level_for(call, now) != call.level and not call.held:
                self.call_waiting(call, now)
                changed.append(call)
        return changed

    # decisions ---------------------------------------------------------------------------------------
    def best_agent_for(self, call: WaitingCall) -> Decision | None:
        best: tuple[tuple[int, int, float, int], str] | None = None
        for key, tier in call.keys:
            index = self._free_by_key.get(key)
            if index:
                rank, idle_since, agent_id = index[0]
                candidate = ((tier, rank, idle_since, agent_id), LEVEL_NAMES[tier])
                if best is None or candidate[0] < best[0]:
                    best = candidate
        if best is None:
            return None
        return Decision(call.id, best[0][3], _reason(call, best[0][0]))

    def best_call_for(self, agent_id: int) -> Decision | None:
        agent = self._agents.get(agent_id)
        if agent is None:
            return None
        own = self._calls_by_key.get(own_key(agent_id))
        if own:  # the agent's own clients first
            return Decision(own[0].id, agent_id, LEVEL_NAMES[ASSIGNED])
        best: WaitingCall | None = None
        keys = [(skill, language) for skill in agent.skills for language in agent.languages]
        keys += [(ANY_SKILL, language) for language in agent.languages]
        for key in keys:
            queue = self._calls_by_key.get(key)
            if queue and (best is None or queue[0].order < best.order):
                best = queue[0]
        if best is None:
            return None
        tier = min(tier for key, tier in best.keys if key in keys)
        return Decision(best.id, agent_id, _reason(best, tier))

    def assign(self, decision: Decision) -> None:
        self.call_done(decision.call_id)
        self.agent_gone(decision.agent_id)

    def dispatch(self, now: float) -> list[Decision]:
        """Match every waiting call that can be matched now, most urgent call first."""
        self.escalate(now)
        decisions = []
        for call in self.waiting():
            if not self._agents:
                break
            decision = self.best_agent_for(call)
            if decision is not None:
                self.assign(decision)
                decisions.append(decision)
        return decisions


def _reason(call: WaitingCall, tier: int) -> str:
    """The tier that matched, and why a call with an assigned agent went elsewhere."""
    if tier == ASSIGNED or call.preferred is None or not call.fallback:
        return LEVEL_NAMES[tier]
    return f"{LEVEL_NAMES[tier]}: {call.fallback}"
