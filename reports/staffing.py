"""Erlang C staffing: how many agents a forecast interval needs to meet a service level.

Written here rather than taken from pyworkforce: pyworkforce 0.5.1 installs and imports on Python 3.11
and agrees with this module on the worked example, but pulls ortools, protobuf, absl-py, joblib and
cloudpickle (a 274 MB virtualenv with pandas and numpy) for its shift optimiser; the formula is a few lines.
The results are checked against published worked examples (tests/unit/reports/test_staffing.py).

Model (M/M/N, callers never abandon): traffic A = calls x handle time / interval, in erlangs;
P(wait) = Erlang C(A, N); service level = 1 - P(wait) x exp(-(N - A) x answer time / handle time);
ASA = P(wait) x handle time / (N - A); occupancy = A / N. Shrinkage (breaks, training, absence) turns the
agents needed on the phones into agents to schedule: ceil(N / (1 - shrinkage)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

MAX_AGENTS = 100_000


class StaffingError(ValueError):
    """A forecast that makes no sense (no calls, a service level of 100 %, shrinkage of 100 %, ...)."""


@dataclass(frozen=True)
class Forecast:
    calls: float  # calls offered in the interval
    interval_seconds: float
    handle_seconds: float  # average handle time (talk + hold + wrap-up)
    target_service_level: float  # share of calls answered within answer_seconds, 0 < x < 1
    answer_seconds: float
    shrinkage: float = 0.0  # share of paid time not on the phones, 0 <= x < 1
    max_occupancy: float = 1.0  # optional cap on A / N, 0 < x <= 1

    def __post_init__(self) -> None:
        checks = [
            (self.calls > 0, "calls must be more than 0"),
            (self.interval_seconds > 0, "the interval must be longer than 0 s"),
            (self.handle_seconds > 0, "the handle time must be longer than 0 s"),
            (0 < self.target_service_level < 1, "the target service level must be between 0 and 1 (e.g. 0.8)"),
            (self.answer_seconds >= 0, "the answer time cannot be negative"),
            (0 <= self.shrinkage < 1, "shrinkage must be at least 0 and less than 1 (e.g. 0.3)"),
            (0 < self.max_occupancy <= 1, "the maximum occupancy must be more than 0 and at most 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise StaffingError(message)

    @property
    def traffic_erlangs(self) -> float:
        return self.calls * self.handle_seconds / self.interval_seconds


@dataclass(frozen=True)
class Staffing:
    traffic_erlangs: float
    agents: int  # on the phones
    scheduled_agents: int  # with shrinkage
    wait_probability: float
    service_level: float
    asa_seconds: float  # average speed of answer, over all calls
    occupancy: float


def erlang_c(traffic: float, agents: int) -> float:
    """The probability that a call waits, with `traffic` erlangs offered to `agents` agents (1 if they
    cannot keep up). Computed through Erlang B's recursion, which neither overflows nor loses precision."""
    if agents <= traffic:
        return 1.0
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(traffic: float, agents: int, handle_seconds: float, answer_seconds: float) -> float:
    if agents <= traffic:
        return 0.0
    return 1 - erlang_c(traffic, agents) * math.exp(-(agents - traffic) * answer_seconds / handle_seconds)


def average_speed_of_answer(traffic: float, agents: int, handle_seconds: float) -> float:
    if agents <= traffic:
        return math.inf
    return erlang_c(traffic, agents) * handle_seconds / (agents - traffic)


def staffing_with(forecast: Forecast, agents: int) -> Staffing:
    """What `agents` agents on the phones give for this forecast."""
    traffic = forecast.traffic_erlangs
    return Staffing(traffic, agents, math.ceil(agents / (1 - forecast.shrinkage) - 1e-9),
                    erlang_c(traffic, agents),
                    service_level(traffic, agents, forecast.handle_seconds, forecast.answer_seconds),
                    average_speed_of_answer(traffic, agents, forecast.handle_seconds), min(1.0, traffic / agents))


def required_agents(forecast: Forecast) -> Staffing:
    """The fewest agents that meet the target service level (and the occupancy cap)."""
    traffic = forecast.traffic_erlangs
    agents = max(1, math.floor(traffic) + 1, math.ceil(traffic / forecast.max_occupancy - 1e-9))
    while agents <= MAX_AGENTS:
        result = staffing_with(forecast, agents)
        if result.service_level >= forecast.target_service_level:
            return result
        agents += 1
    raise StaffingError(f"more than {MAX_AGENTS} agents would be needed")


@dataclass(frozen=True)
class Interval:
    label: str  # e.g. "09:00"
    forecast: Forecast


def read_forecast(text: str, template: Forecast) -> list[Interval]:
    """A day's forecast from CSV: a header `interval,calls` (and optionally `aht`, seconds), one row per
    interval; the other figures come from `template` (its calls are not used). A bad row is a StaffingError
    naming its line."""
    rows = [line for line in text.splitlines() if line.strip()]
    if not rows:
        raise StaffingError("the forecast is empty: a header interval,calls[,aht] and a row per interval")
    header = [name.strip().lower() for name in rows[0].split(",")]
    if header[:2] != ["interval", "calls"] or header[2:] not in ([], ["aht"]):
        raise StaffingError(f"the forecast's header is interval,calls[,aht], not {rows[0].strip()!r}")
    return [_interval(number, row, len(header), template) for number, row in enumerate(rows[1:], start=2)]


def _interval(number: int, row: str, columns: int, template: Forecast) -> Interval:
    cells = [cell.strip() for cell in row.split(",")]
    try:
        if len(cells) != columns:
            raise ValueError(f"{columns} values expected")
        handle = float(cells[2]) if columns == 3 else template.handle_seconds
        forecast = replace(template, calls=float(cells[1]), handle_seconds=handle)
    except ValueError as error:
        raise StaffingError(f"forecast line {number} ({row.strip()!r}): {error}") from None
    return Interval(cells[0], forecast)
