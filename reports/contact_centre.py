"""Contact-centre reports for a period and an interval, read from the 15-minute aggregates
(`report_intervals`, kept up to date as calls end): per skill, per agent, IVR containment, phone trading.

Service level = calls answered within the threshold / (offered - abandoned within the short-abandon
threshold): short abandons count neither for nor against it. Average speed of answer and handle time are
per answered call; a skill's handle time is talk + hold (wrap-up is an agent's state, not tied to a call, so
it is in the agents' handle time only). A skill's callbacks (asked in the queue, at the desk, on the portal;
made, reached, failed after all attempts, cancelled) count in the interval they were asked in
(crm_core/callback_figures.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.call_figures import Key
from crm_core.complaints.rules import ComplaintRules
from crm_core.models import Agent
from crm_core.models.report_agent_state import report_agent_states
from crm_core.models.report_interval import CALLBACK_COUNTS, FIGURES, MAXIMA, WAIT_THRESHOLDS, report_intervals
from crm_core.reviews import scores_by_agent
from reports.periods import BadRequest, bucket, label
from reports.sql import bucket_sql, bucket_value, is_postgres

Cell = str | int | float | None
AGENT_FIGURES = ("answered", "talk_ms", "hold_ms", "transferred")


@dataclass(frozen=True)
class Options:
    interval: str = "day"
    service_level_seconds: int = 20
    short_abandon_seconds: int = 5
    zone: str = "UTC"  # the intervals are this zone's wall-clock ones (`[reports] time_zone`)
    complaints: ComplaintRules = field(default_factory=ComplaintRules)  # their calendar (`[complaints]`)

    def check(self) -> None:
        bucket(datetime(2000, 1, 1, tzinfo=UTC), self.interval, self.zone)  # BadRequest: unknown interval/zone
        for flag, value in (("--service-level", self.service_level_seconds),
                            ("--short-abandon", self.short_abandon_seconds)):
            if value not in WAIT_THRESHOLDS:
                raise BadRequest(f"{flag} {value}: one of {', '.join(map(str, WAIT_THRESHOLDS))} seconds")


@dataclass(frozen=True)
class Report:
    columns: list[str]
    rows: list[list[Cell]]


def summed(session: Session, kinds: tuple[str, ...], start: datetime, end: datetime, interval: str,
           names: tuple[str, ...] = FIGURES, zone: str = "UTC") -> dict[Key, dict[str, int]]:
    """(interval start, kind, key) → the figures `names` summed over the 15-minute rows that interval holds."""
    table = report_intervals.c
    at = bucket_sql(is_postgres(session), table.interval_start, interval, zone, (start, end)).label("at")
    query = (select(at, table.kind, table.key,
                    *(func.max(table[name]) if name in MAXIMA else func.sum(table[name]) for name in names))
             .where(table.kind.in_(kinds), table.interval_start >= start, table.interval_start < end)
             .group_by(at, table.kind, table.key))
    return {(bucket_value(bucket_at, zone), kind, key): dict(zip(names, map(int, figures), strict=True))
            for bucket_at, kind, key, *figures in session.execute(query)}


def per_cent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def seconds(total_ms: int, count: int = 1) -> float | None:
    return round(total_ms / count / 1000, 1) if count else None


def queues(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    columns = ["interval", "skill", "offered", "answered", "abandoned", "abandoned_short", "overflowed",
               "transferred", "service_level_pct", "asa_s", "aht_s", "avg_talk_s", "avg_hold_s", "longest_wait_s",
               *CALLBACK_COUNTS]
    rows: list[list[Cell]] = []
    for (at, _, skill), f in sorted(summed(session, ("skill",), start, end, options.interval,
                                                          zone=options.zone).items()):
        short = f[f"abandoned_within_{options.short_abandon_seconds}"]
        answered = f["answered"]
        rows.append([label(at, options.interval), skill, f["offered"], answered, f["abandoned"], short,
                     f["overflowed"], f["transferred"],
                     per_cent(f[f"answered_within_{options.service_level_seconds}"], f["offered"] - short),
                     seconds(f["answer_wait_ms"], answered), seconds(f["talk_ms"] + f["hold_ms"], answered),
                     seconds(f["talk_ms"], answered), seconds(f["hold_ms"], answered), seconds(f["max_wait_ms"]),
                     *(f[name] for name in CALLBACK_COUNTS)])
    return Report(columns, rows)


def state_time(session: Session, start: datetime, end: datetime,
               interval: str, zone: str = "UTC") -> dict[tuple[datetime, str, str, str], int]:
    """(interval start, agent id, state, reason) → milliseconds."""
    table = report_agent_states.c
    at = bucket_sql(is_postgres(session), table.interval_start, interval, zone, (start, end)).label("at")
    query = (select(at, table.agent_id, table.state, table.reason, func.sum(table.ms))
             .where(table.interval_start >= start, table.interval_start < end)
             .group_by(at, table.agent_id, table.state, table.reason))
    return {(bucket_value(bucket_at, zone), str(agent_id), state, reason): int(spent)
            for bucket_at, agent_id, state, reason, spent in session.execute(query)}


def agent_names(session: Session) -> dict[str, tuple[str, str]]:
    return {str(a.id): (a.job_number, a.name) for a in session.scalars(select(Agent))}


def agents(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    """Per agent: calls answered, talk, hold, handle time (talk + hold + wrap-up per call), transfers; time
    logged in, ready, not ready, in wrap-up; occupancy = (ringing + busy + wrap-up) / (that + ready); quality
    reviews of the calls that entered in the interval and their average score."""
    columns = ["interval", "agent", "name", "answered", "talk_s", "hold_s", "aht_s", "transferred_out",
               "login_s", "ready_s", "not_ready_s", "wrap_up_s", "occupancy_pct", "reviews", "review_score_pct"]
    calls = {(at, agent): f for (at, _, agent), f in summed(session, ("agent",), start, end, options.interval,
                                                                        AGENT_FIGURES, options.zone).items()}
    states: dict[tuple[datetime, str], dict[str, int]] = {}
    for (at, agent, state, _), spent in state_time(session, start, end, options.interval, options.zone).items():
        by_state = states.setdefault((at, agent), {})
        by_state[state] = by_state.get(state, 0) + spent
    reviewed = review_scores(session, start, end, options.interval, options.zone)
    names = agent_names(session)
    rows: list[list[Cell]] = []
    for at, agent in sorted(set(calls) | set(states) | set(reviewed)):
        f, s = calls.get((at, agent), {}), states.get((at, agent), {})
        count, tenths = reviewed.get((at, agent), (0, 0))
        answered, talk, hold, wrap = f.get("answered", 0), f.get("talk_ms", 0), f.get("hold_ms", 0), s.get("wrap_up", 0)
        working = s.get("ringing", 0) + s.get("busy", 0) + wrap
        job_number, name = names.get(agent, (f"#{agent}", ""))
        rows.append([label(at, options.interval), job_number, name, answered, seconds(talk), seconds(hold),
                     seconds(talk + hold + wrap, answered), f.get("transferred", 0), seconds(sum(s.values())),
                     seconds(s.get("ready", 0)), seconds(s.get("not_ready", 0)), seconds(wrap),
                     per_cent(working, working + s.get("ready", 0)), count,
                     round(tenths / count / 10, 1) if count else None])
    return Report(columns, rows)


def review_scores(session: Session, start: datetime, end: datetime,
                  interval: str, zone: str = "UTC") -> dict[tuple[datetime, str], tuple[int, int]]:
    """(interval start, agent id) → (reviews, their totals summed in tenths of a per cent)."""
    out: dict[tuple[datetime, str], tuple[int, int]] = {}
    for call_at, agent_id, tenths in scores_by_agent(session, start, end):
        key = (bucket(call_at.astimezone(UTC), interval, zone), str(agent_id))
        count, total = out.get(key, (0, 0))
        out[key] = (count + 1, total + tenths)
    return out


def not_ready(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    """Not-ready time per agent and reason."""
    names = agent_names(session)
    rows: list[list[Cell]] = [
        [label(at, options.interval), names.get(agent, (f"#{agent}", ""))[0], reason or "-", seconds(spent)]
        for (at, agent, state, reason), spent in sorted(state_time(session, start, end, options.interval,
                                                                   options.zone).items())
        if state == "not_ready"]
    return Report(["interval", "agent", "reason", "not_ready_s"], rows)


def ivr(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    """Self-service containment: inbound calls served without an agent (never queued, not failed)."""
    columns = ["interval", "entered", "contained", "containment_pct", "trades"]
    rows: list[list[Cell]] = [
        [label(at, options.interval), f["entered"], f["contained"], per_cent(f["contained"], f["entered"]),
         f["trades"]]
        for (at, _, _), f in sorted(summed(session, ("ivr",), start, end, options.interval,
                                                        ("entered", "contained", "trades"), options.zone).items())]
    return Report(columns, rows)


def trading(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    """Phone-trading volumes: confirmations by action (orders, cancels, transfers ...)."""
    by_action = summed(session, ("trade",), start, end, options.interval, ("trades",), options.zone)
    rows: list[list[Cell]] = [[label(at, options.interval), action, f["trades"]]
                              for (at, _, action), f in sorted(by_action.items())]
    return Report(["interval", "action", "confirmations"], rows)


Builder = Callable[[Session, datetime, datetime, Options], Report]
