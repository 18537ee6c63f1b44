"""The telephony's live snapshot as JSON, which live events each user may see on the WebSocket, and the live
events' names and fields for the browser scripts (made from `crm_core.events`, served at /live-events.js)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from console.ports import TelephonyPort
from crm_core.events import (
    SCHEMA,
    AgentStateChanged,
    CallEnded,
    CallState,
    ChatChanged,
    LiveEvent,
    PhoneRegistration,
    ScreenPop,
)
from crm_core.web_sessions import StaffIdentity

# What an agent's desk receives, of their own calls and state only; supervisors receive every live event.
DESK_EVENTS = (ScreenPop, AgentStateChanged, CallState, CallEnded, PhoneRegistration, ChatChanged)


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


def visible_to(identity: StaffIdentity, event: LiveEvent) -> bool:
    """Supervisors see everything; an agent sees only their own screen-pops, state changes, call states
    (ringing, hold, consultation), call ends, phone registration and their chats."""
    if identity.may("supervise"):
        return True
    return isinstance(event, DESK_EVENTS) and event.agent_id == identity.agent_id


def schema_script() -> str:
    """`LIVE_EVENTS`: each message's wire name and fields, the one place the browser scripts take them from."""
    return f"const LIVE_EVENTS = {json.dumps(SCHEMA, sort_keys=True)};\n"
