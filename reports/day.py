"""The charts a manager would rather look at than read, for a period: service level and calls by hour (every
skill together), and each agent's occupancy. Figures from the same aggregates and builders as the tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reports.charts import BarChart
from reports.contact_centre import Options, agent_names, per_cent, state_time, summed


def by_hour(session: Session, start: datetime, end: datetime, options: Options) -> dict[int, dict[str, int]]:
    """Hour of the day (in the report's zone) → offered, answered, abandoned, answered within the service
    level and abandoned within the short-abandon threshold, every skill together, over the period."""
    hours: dict[int, dict[str, int]] = {}
    for (at, _, _), f in summed(session, ("skill",), start, end, "hour", zone=options.zone).items():
        into = hours.setdefault(at.hour, {})
        for name in ("offered", "answered", "abandoned", f"answered_within_{options.service_level_seconds}",
                     f"abandoned_within_{options.short_abandon_seconds}"):
            into[name] = into.get(name, 0) + f[name]
    return hours


def totals(session: Session, start: datetime, end: datetime, options: Options) -> dict[str, int | float | None]:
    """The period's calls offered, answered, abandoned and service level (per cent), every skill together."""
    sums: dict[str, int] = {}
    for figures in by_hour(session, start, end, options).values():
        for name, value in figures.items():
            sums[name] = sums.get(name, 0) + value
    offered = sums.get("offered", 0)
    return {"offered": offered, "answered": sums.get("answered", 0), "abandoned": sums.get("abandoned", 0),
            "service_level": per_cent(sums.get(f"answered_within_{options.service_level_seconds}", 0),
                                      offered - sums.get(f"abandoned_within_{options.short_abandon_seconds}", 0))}


def charts(session: Session, start: datetime, end: datetime, options: Options) -> list[BarChart]:
    hours = by_hour(session, start, end, options)
    labels = [f"{hour:02d}" for hour in range(24)]
    service_level: list[float | None] = []
    offered: list[float | None] = []
    for hour in range(24):
        f = hours.get(hour, {})
        calls = f.get("offered", 0)
        offered.append(float(calls))
        service_level.append(per_cent(f.get(f"answered_within_{options.service_level_seconds}", 0),
                                      calls - f.get(f"abandoned_within_{options.short_abandon_seconds}", 0)))
    occupancy = agent_occupancy(session, start, end)
    names = sorted(occupancy)
    return [
        BarChart(f"Service level by hour ({options.zone}), answered within {options.service_level_seconds} s",
                 labels, service_level, "%", 100.0),
        BarChart(f"Calls offered by hour ({options.zone})", labels, offered),
        BarChart("Agent occupancy over the period", names, [occupancy[n] for n in names], "%", 100.0),
    ]


def agent_occupancy(session: Session, start: datetime, end: datetime) -> dict[str, float | None]:
    """Job number → occupancy over the whole period, as the agents report computes it per interval:
    (ringing + busy + wrap-up) / (that + ready)."""
    spent: dict[str, dict[str, int]] = {}
    for (_, agent, state, _), ms in state_time(session, start, end, "month").items():
        by_state = spent.setdefault(agent, {})
        by_state[state] = by_state.get(state, 0) + ms
    names = agent_names(session)
    out: dict[str, float | None] = {}
    for agent, s in spent.items():
        working = s.get("ringing", 0) + s.get("busy", 0) + s.get("wrap_up", 0)
        out[names.get(agent, (f"#{agent}", ""))[0]] = per_cent(working, working + s.get("ready", 0))
    return out
