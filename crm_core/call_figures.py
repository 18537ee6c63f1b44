"""What one finished call adds to the contact-centre figures: a pure function of its timeline.

The timeline is the call's row (direction, skill, entered, queued, ended, status) and its events in order
(answered, hold, unhold, offered, transferred, trade_confirmed, hangup ...). Everything lands in the
15-minute interval the call entered in. Definitions:

- offered: an inbound call that queued for a skill; answered: an agent answered it (the first answer; a
  blind transfer's second answer does not count twice); abandoned: it ended unanswered as abandoned;
- wait: from queueing to the first answer (answered) or to the end (not answered); for a caller who asked to
  be called back keeping their place, to that request: the time they waited on the line, not the time the
  call then kept their place without them (the callback is counted apart, `callbacks_*`); `answered_within_T`
  and `abandoned_within_T` count waits of at most T seconds (a call answered exactly at T is within);
- overflowed: offered at least once beyond its own skill (the router's `overflow` or `any agent` level);
- talk: an agent's time with the caller (answer, or taking over by attended transfer, to the next transfer
  or the end) less hold; hold: from `hold` to `unhold`, a transfer or the end;
- IVR: every inbound call is `entered`; `contained` if it never queued for an agent and did not fail;
  `trades`: phone-trading confirmations (also per action, kind `trade`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crm_core.models.report_interval import INTERVAL_MINUTES, MAXIMA, WAIT_THRESHOLDS

OVERFLOW_REASONS = frozenset({"overflow", "any agent"})
TRADE_CONFIRMED = "trade_confirmed"
CALLBACK_REQUESTED = "callback_requested"  # crm_core.callbacks.take_in_queue: the caller hangs up keeping their place

Key = tuple[datetime, str, str]  # interval start, kind, key


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Timeline:
    entered_at: datetime
    ended_at: datetime
    status: str
    inbound: bool = True
    skill: str | None = None
    queued_at: datetime | None = None
    steps: Sequence[Step] = ()


def interval_of(at: datetime) -> datetime:
    return at.replace(minute=at.minute - at.minute % INTERVAL_MINUTES, second=0, microsecond=0)


def ms(start: datetime, end: datetime) -> int:
    return max(0, round((end - start) / timedelta(milliseconds=1)))


@dataclass
class _Segments:
    """Walks the steps: who talks when, and the hold inside each agent's time."""

    talk: dict[int, int] = field(default_factory=dict)
    hold: dict[int, int] = field(default_factory=dict)
    handled: dict[int, int] = field(default_factory=dict)
    transfers_out: dict[int, int] = field(default_factory=dict)
    agent: int | None = None
    since: datetime | None = None
    held_since: datetime | None = None
    held_before: int = 0  # the agent's hold when this stretch began

    def walk(self, steps: Iterable[Step], ended_at: datetime) -> _Segments:
        for step in steps:
            if step.kind == "answered":
                self._close(step.at)
                self._open(int(step.detail["agent_id"]), step.at)
            elif step.kind == "transferred":
                if self.agent is not None:
                    self.transfers_out[self.agent] = self.transfers_out.get(self.agent, 0) + 1
                self._close(step.at)
                if step.detail.get("attended") and step.detail.get("to_agent_id") is not None:
                    self._open(int(step.detail["to_agent_id"]), step.at)
            elif step.kind == "hold" and self.agent is not None and self.held_since is None:
                self.held_since = step.at
            elif step.kind == "unhold":
                self._unhold(step.at)
        self._close(ended_at)
        return self

    def _open(self, agent: int, at: datetime) -> None:
        self.agent, self.since = agent, at
        self.handled[agent] = self.handled.get(agent, 0) + 1
        self.talk.setdefault(agent, 0)
        self.held_before = self.hold.setdefault(agent, 0)

    def _unhold(self, at: datetime) -> None:
        if self.agent is not None and self.held_since is not None:
            self.hold[self.agent] += ms(self.held_since, at)
        self.held_since = None

    def _close(self, at: datetime) -> None:
        if self.agent is None or self.since is None:
            return
        self._unhold(at)
        self.talk[self.agent] += ms(self.since, at) - (self.hold[self.agent] - self.held_before)
        self.agent, self.since = None, None


def contributions(call: Timeline) -> dict[Key, dict[str, int]]:
    """(interval, kind, key) → figures this call adds there."""
    start = interval_of(call.entered_at)
    rows: dict[Key, dict[str, int]] = {}
    if not call.inbound:
        return rows
    trades = [s for s in call.steps if s.kind == TRADE_CONFIRMED]
    rows[(start, "ivr", "")] = {"entered": 1, "trades": len(trades),
                                "contained": int(call.queued_at is None and call.status != "failed")}
    for step in trades:
        row = rows.setdefault((start, "trade", str(step.detail.get("action", ""))), {"trades": 0})
        row["trades"] += 1
    if call.queued_at is None or not call.skill:
        return rows
    segments = _Segments().walk(call.steps, call.ended_at)
    rows[(start, "skill", call.skill)] = _queue_figures(call, call.queued_at, segments)
    for agent, handled in segments.handled.items():
        rows[(start, "agent", str(agent))] = {"answered": handled, "talk_ms": segments.talk[agent],
                                              "hold_ms": segments.hold[agent],
                                              "transferred": segments.transfers_out.get(agent, 0)}
    return rows


def _queue_figures(call: Timeline, queued_at: datetime, segments: _Segments) -> dict[str, int]:
    first_answer = next((s.at for s in call.steps if s.kind == "answered"), None)
    asked = next((s.at for s in call.steps if s.kind == CALLBACK_REQUESTED), None)
    on_the_line = asked if asked is not None and (first_answer is None or asked < first_answer) else None
    wait = ms(queued_at, on_the_line or first_answer or call.ended_at)
    answered = first_answer is not None
    abandoned = not answered and call.status == "abandoned"
    figures = {"offered": 1, "answered": int(answered), "abandoned": int(abandoned), "max_wait_ms": wait,
               "answer_wait_ms": wait if answered else 0, "talk_ms": sum(segments.talk.values()),
               "hold_ms": sum(segments.hold.values()),
               "overflowed": int(any(s.kind == "offered" and s.detail.get("reason") in OVERFLOW_REASONS
                                     for s in call.steps)),
               "transferred": int(any(s.kind == "transferred" for s in call.steps))}
    for t in WAIT_THRESHOLDS:
        figures[f"answered_within_{t}"] = int(answered and wait <= t * 1000)
        figures[f"abandoned_within_{t}"] = int(abandoned and wait <= t * 1000)
    return figures


def add_into(total: dict[Key, dict[str, int]], part: dict[Key, dict[str, int]]) -> None:
    """Sum `part` into `total` (the longest wait is a maximum)."""
    for key, figures in part.items():
        into = total.setdefault(key, {})
        for name, value in figures.items():
            into[name] = max(into.get(name, 0), value) if name in MAXIMA else into.get(name, 0) + value
