"""An agent's time in a state, split between the 15-minute intervals it spans: a pure function of the
state, its reason and its start and end. Logged-out time is no one's time and is left out."""

from __future__ import annotations

from datetime import datetime, timedelta

from crm_core.call_figures import interval_of, ms
from crm_core.models.report_interval import INTERVAL_MINUTES

StateKey = tuple[datetime, int, str, str]  # interval start, agent id, state, reason
LOGGED_OUT = "logged_out"


def state_time(agent_id: int, state: str, reason: str | None, start: datetime,
               end: datetime) -> dict[StateKey, int]:
    parts: dict[StateKey, int] = {}
    if state == LOGGED_OUT:
        return parts
    at = start
    while at < end:
        interval = interval_of(at)
        until = min(end, interval + timedelta(minutes=INTERVAL_MINUTES))
        parts[(interval, agent_id, state, reason or "")] = ms(at, until)
        at = until
    return parts
