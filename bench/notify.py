"""Notifications through the outbox to real servers on loopback: messages/s per channel and p50 / p95 from
queued to sent, against the bare sender in the same process (no outbox: what the outbox's bookkeeping costs).

    .venv/bin/python bench/notify.py [--messages 500] [--databases sqlite,postgresql]

E-mail goes to a real SMTP server (aiosmtpd), SMS to the test SMSC (tests/support/smsc.py, an SMPP 3.4 server
built on smpplib's codec, with delivery receipts). For each channel and database: N messages are queued in
one transaction (`enqueue`, as fill reports are), then the dispatcher sends them with its per-channel limit
(gateways/dispatcher.py); the clock runs from each notification's `created_at` to its `sent` event. The
baseline sends the same N rendered messages with the same sender and the same concurrency, without the
database. Every message must arrive once: a count that differs is printed as WRONG. Voice and fax are not
benched here (each is a real-time call: bench their call set-up like bench/call_setup.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from bench.figures import percentile  # noqa: E402
from crm_core.db import (
    AsyncDatabase,  # noqa: E402
    Database,  # noqa: E402
)
from crm_core.migrate import upgrade  # noqa: E402
from crm_core.models import Investor, InvestorDetail, InvestorPhone, Notification, NotificationEvent  # noqa: E402
from crm_core.models.base import utcnow  # noqa: E402
from crm_core.notifications.outbox import Outgoing, enqueue  # noqa: E402
from crm_core.notifications.rules import NotifyPolicy  # noqa: E402
from gateways.dispatcher import DEFAULT_CONCURRENCY, Dispatcher, Sender  # noqa: E402
from gateways.smpp import SmppSender  # noqa: E402
from gateways.smpp_settings import SmppSettings  # noqa: E402
from gateways.smtp import SmtpSender  # noqa: E402
from gateways.smtp_settings import SmtpSettings  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402
from tests.support.smsc import TestSmsc  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

CLIENTS = 50
NO_QUIET_HOURS = NotifyPolicy(quiet_channels=frozenset())


def seed_clients(db: Database) -> list[int]:
    with db.session() as session:
        ids = []
        for n in range(CLIENTS):
            investor = Investor(account_number=f"30{n:08d}", name=f"Client {n}", language="zh" if n % 2 else "en",
                                risk_class="C3")
            session.add(investor)
            session.flush()
            session.add(InvestorDetail(investor_id=investor.id, email=f"client{n}@example.com"))
            session.add(InvestorPhone(investor_id=investor.id, number=f"139{n:08d}"))
            ids.append(investor.id)
        return ids


def queue(db: Database, clients: list[int], channel: str, count: int, run: str) -> None:
    with db.session() as session:
        for n in range(count):
            enqueue(session, key=f"bench:{run}:{channel}:{n}", investor_id=clients[n % len(clients)], purpose="reply",
                    template="message", data={"subject": f"Statement {n}", "body": f"Your statement {n} is ready."},
                    now=utcnow(), policy=NO_QUIET_HOURS, channel=channel)


def latencies(db: Database, run: str, channel: str) -> tuple[list[float], int]:
    """Queued → sent, in ms, of this run's notifications on the channel; and how many were sent."""
    with db.session() as session:
        rows = session.execute(
            select(Notification.created_at, NotificationEvent.at)
            .join(NotificationEvent, NotificationEvent.notification_id == Notification.id)
            .where(Notification.key.like(f"bench:{run}:{channel}:%"), NotificationEvent.status.in_(("sent",)))).all()
    return [(sent - created).total_seconds() * 1000 for created, sent in rows], len(rows)


async def dispatch_all(db: Database, channel: str, sender: Sender, count: int, run: str) -> float:
    with ThreadPoolExecutor(8) as executor:
        dispatcher = Dispatcher(AsyncDatabase(db, executor), {channel: sender}, NO_QUIET_HOURS, every_seconds=0.01)
        started = time.perf_counter()
        task = asyncio.create_task(dispatcher.run_forever())
        while latencies(db, run, channel)[1] < count and time.perf_counter() - started < 300:
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        task.cancel()
        return elapsed


async def baseline(channel: str, sender: Sender, count: int) -> tuple[float, list[float]]:
    """The same sends, the same concurrency, no outbox."""
    limit = asyncio.Semaphore(DEFAULT_CONCURRENCY[channel])
    took: list[float] = []

    async def one(n: int) -> None:
        async with limit:
            began = time.perf_counter()
            await sender(Outgoing(n, f"base:{n}", channel, f"client{n}@example.com" if channel == "email"
                                  else f"139{n % CLIENTS:08d}", "en", f"Statement {n}",
                                  f"Dear Client,\n\nYour statement {n} is ready.", f"[Hotline] Your statement {n}"))
            took.append((time.perf_counter() - began) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return time.perf_counter() - started, took


def bench(label: str, url: str, count: int) -> None:
    upgrade(url)
    db = Database(url)
    smtp, smsc = SmtpServer(), TestSmsc()
    smtp.start()
    smsc.start()
    try:
        clients = seed_clients(db)
        senders: dict[str, Callable[[], Sender]] = {
            "email": lambda: SmtpSender(SmtpSettings(host="127.0.0.1", port=smtp.port)),
            "sms": lambda: SmppSender(SmppSettings(host="127.0.0.1", port=smsc.port, system_id=smsc.system_id,
                                                   password=smsc.password)),
        }
        arrived = {"email": lambda: len(smtp.mailbox.messages), "sms": lambda: len(smsc.messages)}
        for channel, make in senders.items():
            before = arrived[channel]()
            base_sender = make()
            base_seconds, base_ms = asyncio.run(baseline(channel, base_sender, count))
            getattr(base_sender, "close", lambda: None)()
            queue(db, clients, channel, count, label)
            sender = make()
            seconds = asyncio.run(dispatch_all(db, channel, sender, count, label))
            getattr(sender, "close", lambda: None)()
            millis, sent = latencies(db, label, channel)
            wrong = arrived[channel]() - before - 2 * count
            print(f"{label:<10} {channel:<5} outbox   {sent}/{count} sent  {sent / seconds:8.1f} msg/s   "
                  f"queued->sent p50 {percentile(millis, 0.5):8.1f} ms  p95 {percentile(millis, 0.95):8.1f} ms"
                  + (f"   WRONG: {wrong:+d} messages arrived" if wrong else ""), flush=True)
            print(f"{label:<10} {channel:<5} baseline {count}/{count} sent  {count / base_seconds:8.1f} msg/s   "
                  f"one send  p50 {percentile(base_ms, 0.5):8.1f} ms  p95 {percentile(base_ms, 0.95):8.1f} ms "
                  f"(the bare sender, same concurrency, no database)", flush=True)
    finally:
        smtp.stop()
        smsc.close()
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"{args.messages} messages per channel; concurrency {DEFAULT_CONCURRENCY}", flush=True)
    for name in args.databases.split(","):
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                bench("sqlite", f"sqlite:///{folder}/notify.db", args.messages)
        elif name == "postgresql":
            cluster = ThrowawayPostgres()
            cluster.start()
            try:
                bench("postgresql", cluster.create_database("notify_bench"), args.messages)
            finally:
                cluster.stop()
        else:
            print(f"unknown database {name!r}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
