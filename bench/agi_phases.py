"""Where an identify_caller's time goes, measured inside the bench's FastAGI server process (bench/fastagi.py).

Each session's clock marks, in the server process (time.perf_counter, one clock for all):
  start     the session's coroutine begins (the connection accepted)
  open      the handler hands its call to the batch writer (the environment has been read)
  formed    the writer has closed the batch the call is in (the gather wait is over)
  written   the batch's transaction is over (lookup, inserts, commit) and the answers posted to the loop (the
            loop may take them before this mark: "loop wake" can read a little below zero)
  answered  the session's coroutine has its answer back (the loop woke it)
  end       the variables have been set and the session closed
and each batch's database work, per round trip, on the writer thread: the pool's ping at checkout, each
statement (psycopg2 sends its BEGIN inside the first), the commit, the reset at return; and, given the caller
side's clock of each call, what the session does not account for ("outside the session": the connect, the
accept, the caller side's own work: this bench's Python spends about 0.15 ms of CPU a call, serially, so a
burst's last caller of twenty waits some 3 ms for the others' share of it).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import event

from agi.arrivals import CallArrivals, Waiting
from agi.channel import FastAgiChannel
from agi.server import FastAgiServer, serve_session
from bench.figures import percentile
from crm_core.calls import Arrival, Entering
from crm_core.db import Database

SEGMENTS = (("env read", "start", "open"), ("queue+gather", "open", "formed"), ("batch write", "formed", "written"),
            ("loop wake", "written", "answered"), ("reply+close", "answered", "end"))
WRITER = "fastagi-arrivals"


class Probe:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sessions: dict[str, dict[str, float]] = {}  # by agi_uniqueid
        self.batches: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None  # the batch the writer is writing

    def mark(self, key: str, name: str, at: float | None = None) -> None:
        with self._lock:
            self.sessions.setdefault(key, {})[name] = time.perf_counter() if at is None else at

    def round_trip(self, kind: str, seconds: float) -> None:
        if threading.current_thread().name == WRITER and self._current is not None:
            self._current["trips"].append((kind, seconds))

    def take(self) -> dict[str, Any]:
        """What was measured since the last take: the sessions' segments and the batches."""
        with self._lock:
            sessions, self.sessions = self.sessions, {}
            batches, self.batches = self.batches, []
        return {"sessions": {uid: s for uid, s in sessions.items() if "end" in s and "open" in s}, "batches": batches}


class ProbedArrivals(CallArrivals):
    def __init__(self, db: Database, probe: Probe) -> None:
        self.probe = probe
        super().__init__(db)

    async def open(self, entering: Entering) -> Arrival:
        key = _key(entering)
        self.probe.mark(key, "open")
        try:
            return await super().open(entering)
        finally:
            self.probe.mark(key, "answered")

    def _write(self, batch: list[Waiting]) -> None:
        formed, cpu = time.perf_counter(), time.thread_time()
        self.probe._current = {"size": len(batch), "trips": []}
        super()._write(batch)
        written = time.perf_counter()
        self.probe._current["total"] = written - formed
        self.probe._current["cpu"] = time.thread_time() - cpu
        self.probe.batches.append(self.probe._current)
        self.probe._current = None
        for entering, _ in batch:
            self.probe.mark(_key(entering), "formed", formed)
            self.probe.mark(_key(entering), "written", written)


def _key(entering: Entering) -> str:
    return entering.channel_id  # identify_caller's channel id is the session's agi_uniqueid


def probed_server(port: int, db: Database) -> tuple[FastAgiServer, Probe]:
    """The project's server, its batch writer replaced by one that marks the clock, its engine timed."""
    probe = Probe()
    _time_round_trips(db, probe)
    server = FastAgiServer(port, db)
    server.deps.arrivals.close()
    server.deps = replace(server.deps, arrivals=ProbedArrivals(db, probe))

    async def session(reader: Any, writer: Any) -> None:
        channel = FastAgiChannel(reader, writer)
        started = time.perf_counter()
        try:
            await serve_session(channel, server.handlers, server.deps)
        finally:
            key = channel.env.get("agi_uniqueid", "")
            probe.mark(key, "start", started)
            probe.mark(key, "end")

    server._session = session  # type: ignore[method-assign]
    return server, probe


def _time_round_trips(db: Database, probe: Probe) -> None:
    dialect = db.engine.dialect
    for name, kind in (("do_ping", "ping"), ("do_commit", "COMMIT"), ("do_rollback", "reset")):
        setattr(dialect, name, _timed(getattr(dialect, name), kind, probe))

    @event.listens_for(db.engine, "before_cursor_execute")
    def before(_conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        context._bench_started = time.perf_counter()

    @event.listens_for(db.engine, "after_cursor_execute")
    def after(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        verb = statement.split()[0].upper()
        if verb == "INSERT":
            verb += " " + statement.split()[2]
        probe.round_trip(verb, time.perf_counter() - context._bench_started)


def _timed(method: Callable[..., Any], kind: str, probe: Probe) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            probe.round_trip(kind, time.perf_counter() - started)

    return timed


def summary(taken: dict[str, Any], client_ms: dict[str, float]) -> list[str]:
    """Printable lines: each segment's p50 / p99 over the sessions, and a batch's round trips. `client_ms`: each
    call's whole round trip as the caller side timed it (by agi_uniqueid); what the server's session does not
    account for is the connect, the accept and the caller side's own work."""
    lines = []
    sessions = taken["sessions"]
    outside = [ms - (sessions[uid]["end"] - sessions[uid]["start"]) * 1000 for uid, ms in client_ms.items()
               if uid in sessions and "start" in sessions[uid]]
    parts = [f"outside the session {percentile(outside, 0.5):.2f}/{percentile(outside, 0.99):.2f}"]
    for label, begin, end in SEGMENTS:
        values = [(s[end] - s[begin]) * 1000 for s in sessions.values() if begin in s and end in s]
        parts.append(f"{label} {percentile(values, 0.5):.2f}/{percentile(values, 0.99):.2f}")
    lines.append("    server-side ms p50/p99: " + ", ".join(parts))
    batches = taken["batches"]
    if batches:
        sizes = [b["size"] for b in batches]
        trips: dict[str, list[float]] = defaultdict(list)
        for batch in batches:
            for kind, seconds in batch["trips"]:
                trips[kind].append(seconds * 1000)
        totals = [b["total"] * 1000 for b in batches]
        cpu = [b["cpu"] * 1000 for b in batches]
        lines.append(f"    {len(batches)} batches, size p50 {percentile(sizes, 0.5)} max {max(sizes)}; batch ms "
                     f"p50/p99 {percentile(totals, 0.5):.2f}/{percentile(totals, 0.99):.2f} (writer's CPU "
                     f"{percentile(cpu, 0.5):.2f}/{percentile(cpu, 0.99):.2f}); round trips p50/p99: "
                     + ", ".join(f"{kind} {percentile(v, 0.5):.2f}/{percentile(v, 0.99):.2f}"
                                 for kind, v in trips.items()))
    return lines
