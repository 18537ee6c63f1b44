"""Whether an overdue complaint escalates now, and to whom, pure.

An open complaint past its acknowledge deadline, or one not closed past its resolve deadline, is overdue.
Overdue and not escalated: to the owner's supervisor (level 1; with no owner, the service's supervisor).
Escalated to the supervisor and still overdue: to the head of service (level 2) when the resolve deadline
passes after that, or one working day after it went to the supervisor. One step per decision; a closed complaint never
escalates and level 2 is the last."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime

from crm_core.complaints.deadlines import end_of_working_days, missed

SUPERVISOR, HEAD_OF_SERVICE = 1, 2


@dataclass(frozen=True)
class Standing:
    """What the decision reads of a complaint."""

    status: str
    acknowledge_by: datetime | None
    resolve_by: datetime | None
    escalation_level: int
    escalated_at: datetime | None


@dataclass(frozen=True)
class Escalate:
    level: int
    reason: str


def overdue(standing: Standing, now: datetime) -> str | None:
    """Why the complaint is overdue now, or None."""
    if standing.status == "closed":
        return None
    if standing.resolve_by is not None and missed(standing.resolve_by, now):
        return f"not resolved by {standing.resolve_by.isoformat()}"
    if standing.status == "open" and standing.acknowledge_by is not None and missed(standing.acknowledge_by, now):
        return f"not acknowledged by {standing.acknowledge_by.isoformat()}"
    return None


def decide(standing: Standing, now: datetime, holidays: Container[date], time_zone: str) -> Escalate | None:
    why = overdue(standing, now)
    if why is None or standing.escalation_level >= HEAD_OF_SERVICE:
        return None
    if standing.escalation_level == 0:
        return Escalate(SUPERVISOR, why)
    since = standing.escalated_at
    resolve_missed = (standing.resolve_by is not None and now >= standing.resolve_by
                      and (since is None or since < standing.resolve_by))
    waited = since is not None and now >= end_of_working_days(since, 1, holidays, time_zone)
    if resolve_missed or waited:
        return Escalate(HEAD_OF_SERVICE, why if resolve_missed else f"{why}; a working day with the supervisor")
    return None
