"""Relationship routing's one decision, pure: does a call wait for the investor's own agent, and until when?

The call is offered to the assigned agent first when they are free (ready, phone reachable). If they are on a
call (ringing, talking, wrapping up), the call waits for them until `entered_at + wait_seconds` (the segment's
service level), then goes by skill; unless too many calls already wait for that agent (fair to the callers:
the extra spill to the skill pool at once). An agent who is not ready, logged out or unreachable is not waited
for: the call goes by skill at once, still offered to them first should they become free.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_core.models import AgentState

OCCUPIED = frozenset({AgentState.RINGING, AgentState.BUSY, AgentState.WRAP_UP})


@dataclass(frozen=True)
class Preference:
    """The investor's assigned agent for the call's category, and how long the call may wait for them."""

    agent_id: int
    wait_seconds: float


@dataclass(frozen=True)
class Plan:
    hold_until: float  # 0: not held
    fallback: str  # why the call goes by skill ("" when it waits for or goes to the agent)


def plan(preference: Preference, *, state: AgentState | None, free: bool, waiting_for_agent: int,
         max_waiting: int, entered_at: float) -> Plan:
    """Whether the call waits for its agent (`state`: the agent's state on the board, None if not logged in;
    `free`: the router offers them calls now; `waiting_for_agent`: calls already held for them)."""
    if free:
        return Plan(entered_at + preference.wait_seconds, "")
    if state not in OCCUPIED:
        return Plan(0.0, f"assigned agent {_state_name(state)}")
    if waiting_for_agent >= max_waiting:
        return Plan(0.0, f"assigned agent at the limit of {waiting_for_agent} waiting")
    if preference.wait_seconds <= 0:
        return Plan(0.0, "assigned agent busy")
    return Plan(entered_at + preference.wait_seconds, "")


def _state_name(state: AgentState | None) -> str:
    if state is None:
        return "not logged in"
    if state is AgentState.READY:
        return "unreachable"
    return state.value.replace("_", " ")
