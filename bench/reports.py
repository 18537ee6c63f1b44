"""Contact-centre reports on many calls, on PostgreSQL: the day report and the month report read from the
interval aggregates, p50 / p95, against the same figures as one plain GROUP BY over the raw rows (calls and
their events) in the same run. Prints figures; not run in CI.

    .venv/bin/python bench/reports.py [--calls 1000000] [--days 30] [--runs 20] [--url postgresql+psycopg2://...]

The calls (a month, December 2026, in office hours, five skills, 100 agents; about one in eight abandoned,
some held, some transferred, one in six served by the IVR alone) are generated with their events and CDRs
and loaded with COPY; their aggregate rows are the sum of `crm_core.call_figures.contributions` of each
generated timeline, the function that `calls.finish` runs as each call ends, and are loaded with COPY too.
The default is 1,000,000 calls (about 7 million rows), generated and loaded in about 3 minutes here;
10,000,000 (the issue's figure, some 70 million rows) is `--calls 10000000` and takes about ten times as long
to generate, well over the few minutes this machine (two cores shared with other engineers) should give a
default run. Without --url a throwaway PostgreSQL cluster is started and removed.

Measured here with the default (1,000,000 calls over 30 days, PostgreSQL 15 on the shared two cores):
    day report (by hour)    aggregates p50 5.5 ms, p95 10.5 ms;  raw GROUP BY p50 2,099 ms, p95 2,486 ms
    month report (by day)   aggregates p50 31.5 ms, p95 51.2 ms; raw GROUP BY p50 5,590 ms, p95 5,826 ms
    month agents report     aggregates p50 187 ms, p95 243 ms (100 agents: 144,000 quarter-hour rows summed)
and both reports give the same figures as the GROUP BY. With `--calls 10000000 --runs 10` (70 million rows,
generated and loaded in 32 minutes; 156,960 aggregate rows):
    day report (by hour)    aggregates p50 6.3 ms, p95 26.1 ms;  raw GROUP BY p50 25.7 s, p95 25.7 s
    month report (by day)   aggregates p50 16.8 ms, p95 35.5 ms; raw GROUP BY p50 37.8 s, p95 46.5 s
    month agents report     aggregates p50 118 ms, p95 135 ms
(the GROUP BY timed 3 times, the aggregate reports 10 times; same figures).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import percentile  # noqa: E402
from crm_core.call_figures import Key, Step, Timeline, add_into, contributions  # noqa: E402
from crm_core.db import Database  # noqa: E402
from crm_core.migrate import upgrade  # noqa: E402
from crm_core.models.report_interval import FIGURES  # noqa: E402
from reports import contact_centre  # noqa: E402
from reports.contact_centre import Options, Report  # noqa: E402
from reports.raw import queues_raw, same_figures  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402

MONTH = datetime(2026, 12, 1, tzinfo=UTC)
SKILLS = ["trading", "funds", "accounts", "margin", "operator"]
AGENTS = 100
CHUNK = 50_000


def timeline(rng: random.Random, days: int) -> Timeline:
    entered = MONTH + timedelta(days=rng.randrange(days), seconds=rng.randrange(8 * 3600, 20 * 3600),
                                milliseconds=rng.randrange(1000))
    if rng.random() < 1 / 6:
        return Timeline(entered_at=entered, ended_at=entered + timedelta(seconds=rng.randrange(20, 300)),
                        status="completed", steps=[Step(entered + timedelta(seconds=15), "trade_confirmed",
                                                        {"action": rng.choice(["order", "cancel", "transfer"])})])
    queued = entered + timedelta(seconds=rng.randrange(5, 60))
    wait = timedelta(milliseconds=int(rng.expovariate(1 / 25_000)))
    skill = rng.choice(SKILLS)
    if rng.random() < 0.12:
        return Timeline(entered_at=entered, ended_at=queued + wait, status="abandoned", skill=skill, queued_at=queued)
    agent, answered = rng.randrange(1, AGENTS + 1), queued + wait
    steps = [Step(answered, "offered", {"agent_id": agent, "reason": "skill" if wait.seconds < 40 else "overflow"}),
             Step(answered, "answered", {"agent_id": agent})]
    end = answered + timedelta(seconds=rng.randrange(30, 400))
    if rng.random() < 0.2:
        steps += [Step(answered + timedelta(seconds=10), "hold", {"agent_id": agent}),
                  Step(answered + timedelta(seconds=25), "unhold", {"agent_id": agent})]
    if rng.random() < 0.05:
        steps.append(Step(end - timedelta(seconds=5), "transferred",
                          {"from_agent_id": agent, "to_agent_id": agent % AGENTS + 1, "attended": True}))
    return Timeline(entered_at=entered, ended_at=end, status="completed", skill=skill, queued_at=queued, steps=steps)


def _t(at: datetime | None) -> str:
    return "\\N" if at is None else at.isoformat()


def copy_rows(cursor, table: str, columns: str, lines: Iterator[str]) -> None:  # type: ignore[no-untyped-def]
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO("".join(lines)))


def load(database: Database, count: int, days: int, seed: int) -> dict[Key, dict[str, int]]:
    rng = random.Random(seed)
    total: dict[Key, dict[str, int]] = {}
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("INSERT INTO agents (id, job_number, name, role, password_hash, sip_username, sip_ha1, "
                       "languages, state, state_since) SELECT n, (8000 + n)::text, 'Agent ' || n, 'agent', '-', "
                       "'agent' || (8000 + n), '-', 'zh', 'logged_out', now() FROM generate_series(1, %s) n",
                       (AGENTS,))
        for start in range(0, count, CHUNK):
            calls, events, cdrs = [], [], []
            for n in range(start, min(count, start + CHUNK)):
                call = timeline(rng, days)
                call_id = f"{n:032x}"
                add_into(total, contributions(call))
                answers = [s for s in call.steps if s.kind == "answered"]
                agent = answers[0].detail["agent_id"] if answers else None
                calls.append(f"{call_id}\tbench\t138{n:08d}\t95500\t{call.skill or chr(92) + 'N'}\t{call.status}\t"
                             f"inbound\t{agent or chr(92) + 'N'}\t{_t(call.entered_at)}\t{_t(call.queued_at)}\t"
                             f"{_t(answers[0].at if answers else None)}\t{_t(call.ended_at)}\tf\t0\n")
                steps = [Step(call.entered_at, "entered", {}), *([Step(call.queued_at, "queued", {})]
                                                                 if call.queued_at else []), *call.steps,
                         Step(call.ended_at, "hangup", {})]
                events += [f"{call_id}\t{_t(s.at)}\t{s.kind}\t{_json(s.detail)}\n" for s in steps]
                cdrs.append(f"{call_id}\t138{n:08d}\t95500\t{_t(call.entered_at)}\t"
                            f"{_t(answers[0].at if answers else None)}\t{_t(call.ended_at)}\t0\t0\t0\t"
                            f"{'ANSWERED' if answers else 'ABANDONED'}\n")
            copy_rows(cursor, "calls", "id, channel_id, caller_number, dialed_number, category, status, direction, "
                      "agent_id, entered_at, queued_at, answered_at, ended_at, vip, priority", iter(calls))
            copy_rows(cursor, "call_events", "call_id, at, kind, detail", iter(events))
            copy_rows(cursor, "call_detail_records", "call_id, source, destination, started_at, answered_at, "
                      "ended_at, duration_seconds, wait_seconds, billable_seconds, disposition", iter(cdrs))
            connection.commit()
            print(f"  {min(count, start + CHUNK):>10,} calls loaded", file=sys.stderr, flush=True)
        copy_rows(cursor, "report_intervals", "interval_start, kind, key, " + ", ".join(FIGURES), (
            f"{_t(s)}\t{kind}\t{key}\t" + "\t".join(str(figures.get(name, 0)) for name in FIGURES) + "\n"
            for (s, kind, key), figures in total.items()))
        cursor.execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()
    return total


def _json(detail: dict[str, object]) -> str:
    return "{" + ", ".join(f'"{k}": ' + (f'"{v}"' if isinstance(v, str) else str(v).lower() if isinstance(v, bool)
                                          else str(v)) for k, v in detail.items()) + "}"


def timed(runs: int, build: Callable[[], Report]) -> tuple[list[float], Report]:
    samples, report = [], None
    for _ in range(runs):
        started = time.perf_counter()
        report = build()
        samples.append((time.perf_counter() - started) * 1000)
    assert report is not None
    return samples, report


def race(database: Database, name: str, start: datetime, end: datetime, options: Options, runs: int) -> None:
    with database.session() as session:
        fast, aggregate = timed(runs, lambda: contact_centre.queues(session, start, end, options))
        slow, raw = timed(max(3, runs // 5), lambda: queues_raw(session, start, end, options))
    agree = same_figures(aggregate).rows == raw.rows
    print(f"{name:<22} {len(aggregate.rows):>5} rows   aggregates p50 {percentile(fast, .5):8.1f} ms  "
          f"p95 {percentile(fast, .95):8.1f} ms   raw GROUP BY p50 {percentile(slow, .5):9.1f} ms  "
          f"p95 {percentile(slow, .95):9.1f} ms   x{statistics.median(slow) / statistics.median(fast):,.0f}   "
          f"same figures: {'yes' if agree else 'NO'}")


def bench(url: str, count: int, days: int, runs: int) -> None:
    upgrade(url)
    database = Database(url)
    try:
        started = time.perf_counter()
        rows = load(database, count, days, seed=15)
        print(f"{count:,} calls with their events and CDRs, {len(rows):,} aggregate rows: generated and loaded "
              f"in {time.perf_counter() - started:.0f} s")
        day = MONTH + timedelta(days=min(days, 15) - 1)
        race(database, "day report (by hour)", day, day + timedelta(days=1), Options("hour"), runs)
        race(database, "month report (by day)", MONTH, MONTH + timedelta(days=days), Options("day"), runs)
        with database.session() as session:
            samples, _ = timed(runs, lambda: contact_centre.agents(session, MONTH, MONTH + timedelta(days=days),
                                                                   Options("month")))
        print(f"month agents report from aggregates: p50 {percentile(samples, .5):.1f} ms  "
              f"p95 {percentile(samples, .95):.1f} ms")
    finally:
        database.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30, help="the calls are spread over this many days")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each aggregate report")
    parser.add_argument("--url", default="", help="an empty PostgreSQL database (default: a throwaway cluster)")
    args = parser.parse_args()
    if args.url:
        bench(args.url, args.calls, args.days, args.runs)
        return 0
    cluster = ThrowawayPostgres()
    cluster.start()
    try:
        bench(cluster.create_database("reports"), args.calls, args.days, args.runs)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
