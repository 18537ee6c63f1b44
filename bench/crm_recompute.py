"""Benchmark of crm_core on N synthetic investors (default 1,000,000). Prints figures; not run in CI.

    .venv/bin/python bench/crm_recompute.py --investors 100000 [--url sqlite:////tmp/crm-bench.db]

Figures: full attribute + classification + matching recompute (time, peak RSS of the process doing it),
incremental re-match after one attribute change (p50/p95), keyword and field search (p95).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, select  # noqa: E402

from bench.figures import percentile  # noqa: E402
from crm_core.db import Database  # noqa: E402
from crm_core.migrate import upgrade  # noqa: E402
from crm_core.models import (  # noqa: E402
    AttributeValue,
    Investor,
    InvestorAssignment,
    InvestorPhone,
    MatchChange,
    MatchResult,
    QuestionnaireResponse,
    SegmentMembership,
    StaffLoad,
)
from crm_core.rematch import full_recompute, rematch_investors  # noqa: E402
from crm_core.search import field_search, keyword_search, reindex  # noqa: E402
from crm_core.seed import seed_reference_data  # noqa: E402
from crm_core.synth import SynthOptions, synthesize  # noqa: E402

AS_OF = date(2026, 11, 20)


def _recompute(url: str, chunk: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    db = Database(url)
    report = full_recompute(db, chunk_size=chunk, as_of=AS_OF)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((report.seconds, peak_mb, report.investors, report.attribute_changes, report.segment_moves,
               report.assignment_changes))


def run_recompute_in_child(url: str, chunk: int) -> tuple[float, float, int, int, int, int]:
    """A fresh process, so that its peak memory is the recompute's own."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_recompute, args=(url, chunk, queue))
    child.start()
    result = queue.get()
    child.join()
    return result  # type: ignore[no-any-return]


def timed(function, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--investors", type=int, default=1_000_000)
    parser.add_argument("--url", default="")
    parser.add_argument("--valuation-days", type=int, default=20)
    parser.add_argument("--trades-per-investor", type=float, default=5.0)
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database of the right size")
    parser.add_argument("--clear-derived", action="store_true",
                        help="with --reuse: delete computed values, paths and matches first (a first recompute)")
    args = parser.parse_args()
    url = args.url or f"sqlite:////tmp/crm-bench-{args.investors}.db"
    if url.startswith("sqlite:////") and not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    upgrade(url)
    db = Database(url)
    with db.session() as session:
        seed_reference_data(session)
        present = session.scalar(select(func.count()).select_from(Investor)) or 0
    print(f"database: {url}")
    print(f"investors: {args.investors:,}  (valuation days {args.valuation_days}, "
          f"trades/investor {args.trades_per_investor}, chunk {args.chunk_size:,}, cpus {os.cpu_count()})")
    if args.clear_derived:
        with db.session() as session:
            for model in (MatchChange, MatchResult, InvestorAssignment, StaffLoad, SegmentMembership, AttributeValue):
                session.execute(delete(model))
        print("derived tables cleared")
    if present < args.investors:
        started = time.perf_counter()
        synthesize(db, SynthOptions(investors=args.investors - present, valuation_days=args.valuation_days,
                                    trades_per_investor=args.trades_per_investor, as_of=AS_OF))
        print(f"synthesis (not part of the figures): {time.perf_counter() - started:,.1f} s")
    started = time.perf_counter()
    with db.session() as session:
        reindex(session)
    print(f"search index build: {time.perf_counter() - started:,.1f} s")

    seconds, peak_mb, investors, attributes, paths, assignments = run_recompute_in_child(url, args.chunk_size)
    print(f"full recompute (attributes + classification + matching): {seconds:,.1f} s, "
          f"peak RSS {peak_mb:,.0f} MB  [{investors:,} investors, {attributes:,} attribute values, "
          f"{paths:,} paths, {assignments:,} assignments]")
    seconds, peak_mb, *_ = run_recompute_in_child(url, args.chunk_size)
    print(f"full recompute again (nothing changed): {seconds:,.1f} s, peak RSS {peak_mb:,.0f} MB")

    rng = random.Random(11)
    with db.session() as session:
        high = session.scalar(select(func.max(Investor.id))) or 1
    sample = [rng.randint(1, high) for _ in range(args.samples)]
    latencies = []
    for investor_id in sample:
        started = time.perf_counter()
        with db.session() as session:
            session.add(QuestionnaireResponse(investor_id=investor_id, answers=[1], score=rng.randint(1, 99),
                                              answered_at=datetime.now(UTC)))
            session.flush()
            rematch_investors(session, [investor_id], "bench: questionnaire", as_of=AS_OF)
        latencies.append((time.perf_counter() - started) * 1000)
    print(f"incremental re-match after one attribute change: p50 {percentile(latencies, 0.5):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms  ({len(latencies)} samples, commit included)")

    with db.session() as session:
        people = session.execute(select(Investor.name, Investor.account_number, InvestorPhone.number)
                                 .join(InvestorPhone).where(Investor.id.in_(sample))).all()
        keyword = [timed(keyword_search, session, name) for name, _, _ in people]
        by_account = [timed(field_search, session, "account", account) for _, account, _ in people]
        by_phone = [timed(field_search, session, "phone", phone) for _, _, phone in people]
        by_attribute = [timed(field_search, session, "age_band", rng.choice(["65+", "25-34", "45-54"]))
                        for _ in people]
        by_segment = [timed(field_search, session, "segment", rng.choice(["retail_mass", "vip", "professional"]))
                      for _ in people]
    print(f"keyword search (name, FTS): p95 {percentile(keyword, 0.95):.1f} ms, "
          f"p50 {statistics.median(keyword):.1f} ms")
    print(f"field search p95: account {percentile(by_account, 0.95):.1f} ms, phone {percentile(by_phone, 0.95):.1f}"
          f" ms, attribute age_band {percentile(by_attribute, 0.95):.1f} ms, segment "
          f"{percentile(by_segment, 0.95):.1f} ms (first 20 hits)")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
