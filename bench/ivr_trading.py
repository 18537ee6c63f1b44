"""Phone orders through the real Asterisk: orders per second, and the time from the confirming key to the
order accepted.

    python bench/ivr_trading.py [--calls 30] [--concurrency 10]

Starts its own Asterisk instance (free ports), a fresh SQLite database and the service. Each scripted
caller is a different client: main menu 5, fund account, trading password, buy 100 shares of 600036 at
42.48, hears the read-back, presses 1, and hangs up at the next menu. Figures:

- accepted orders per second over the run (calls placed concurrently; each call lasts as long as its
  prompts); orders the broker rejected are counted apart, with their reject codes, and calls that left no
  order at all too;
- p50/p95 from the confirming key leaving the caller (sendDTMF) to the accepted order row's creation time
  (both wall clocks of this machine).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from bench.call_setup import push, start_bench_asterisk  # noqa: E402
from bench.figures import percentile  # noqa: E402
from crm_core.db import Database  # noqa: E402
from crm_core.migrate import upgrade  # noqa: E402
from crm_core.models import TradingOrder  # noqa: E402
from crm_core.models.trading_order import OrderStatus  # noqa: E402
from crm_core.rematch import rematch_investors  # noqa: E402
from crm_core.seed import seed_reference_data  # noqa: E402
from crm_core.trading.demo import seed_demo_trading  # noqa: E402
from hotline.scripted_call import CallScript  # noqa: E402
from tests.support.hotline import add_investor  # noqa: E402

PASSWORD = "246810"
CONFIRM_GROUP = 7  # index of the confirming "1" in the script's key groups


def seed_clients(db: Database, count: int) -> list[tuple[str, str]]:
    clients = []
    for n in range(count):
        account, phone = f"2{n:08d}", f"139{n:08d}"
        investor_id = add_investor(db, account, f"Bench client {n}", phone)
        with db.session() as session:
            seed_reference_data(session)
            seed_demo_trading(session, investor_id, cash_cents=10_000_000, password=PASSWORD, bank_password="9999")
            rematch_investors(session, [investor_id], "bench")
        clients.append((account, phone))
    return clients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()

    settings, instance, service = start_bench_asterisk("benchtrade", rtp_start=31000,
                                                       HOTLINE_TRADING_ALWAYS_OPEN="true",
                                                       HOTLINE_IVR_INPUT_TIMEOUT_SECONDS="3")
    try:
        upgrade(settings.database_url)
        db = Database(settings.database_url)
        clients = seed_clients(db, args.calls)
        service.start()
        number = settings.asterisk.hotline_number
        scripts = [CallScript(number, phone, ["5", account + "#", PASSWORD + "#", "1", "600036", "42*48#", "100#",
                                              "1"], hang_up_when_done=True, timeout=120)
                   for account, phone in clients]
        print(f"{args.calls} phone orders, {args.concurrency} callers at a time")
        observations, elapsed = asyncio.run(push(instance, scripts, args.concurrency))
        with db.session() as session:
            orders = list(session.scalars(select(TradingOrder)))
        accepted_orders = [o for o in orders if o.status != OrderStatus.REJECTED.value]
        accepted = {o.call_id: o.created_at for o in accepted_orders}
        rejected = Counter(o.reject_code or "?" for o in orders if o.status == OrderStatus.REJECTED.value)
        spans = []
        for obs in observations:
            created = accepted.get(obs.call_id)
            if created is not None and len(obs.input_epochs) > CONFIRM_GROUP:
                created = created if created.tzinfo else created.replace(tzinfo=UTC)
                spans.append((created.timestamp() - obs.input_epochs[CONFIRM_GROUP]) * 1000)
        done = len(accepted_orders)
        print(f"  {done}/{len(observations)} orders accepted, {done / elapsed:.2f} accepted orders/s ({elapsed:.1f} s)")
        reasons = ", ".join(f"{code} x{n}" for code, n in rejected.most_common()) or "none"
        print(f"  {rejected.total()} rejected ({reasons}); "
              f"{len(observations) - len({o.call_id for o in orders})} calls left no order")
        print(f"  confirming key -> order accepted ({len(spans)} orders): p50 {percentile(spans, 0.5):.0f} ms, "
              f"p95 {percentile(spans, 0.95):.0f} ms, max {max(spans, default=float('nan')):.0f} ms")
        db.dispose()
    finally:
        service.stop()
        instance.discard()


if __name__ == "__main__":
    main()
