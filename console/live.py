"""The telephony's live snapshot as JSON, and which live events each user may see on the WebSocket."""

from __future__ import annotations

import dataclasses
from typing import Any

from console.ports import TelephonyPort
from crm_core.web_sessions import StaffIdentity

AGENT_EVENT_TYPES = frozenset({"screen_pop", "agent_state", "call_ended", "call_state", "phone"})


def snapshot_json(telephony: TelephonyPort) -> dict[str, Any]:
    snapshot = telephony.live()
    return {"agents": [dataclasses.asdict(agent) for agent in snapshot.agents],
            "queues": [dataclasses.asdict(queue) for queue in snapshot.queues],
            "calls_today": snapshot.calls_today}


def agent_live_json(telephony: TelephonyPort, agent_id: int) -> dict[str, Any] | None:
    for agent in telephony.live().agents:
        if agent.agent_id == agent_id:
            return dataclasses.asdict(agent)
    return None


def visible_to(identity: StaffIdentity, event: dict[str, Any]) -> bool:
    """Supervisors see everything; an agent sees only their own screen-pops, state changes, call states
    (ringing, hold, consultation), call ends and phone registration."""
    if identity.may("supervise"):
        return True
    return event.get("type") in AGENT_EVENT_TYPES and event.get("agent_id") == identity.agent_id
