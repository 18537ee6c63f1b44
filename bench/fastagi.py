"""FastAGI `identify_caller` under a burst: the project's own server on loopback, spoken to as Asterisk does.

    python bench/fastagi.py [--investors 2000] [--calls 200] [--databases sqlite,postgresql]

For each database (a fresh migrated SQLite file; a throwaway PostgreSQL cluster) with demo-like investors,
two servers run in a process of their own, on loopback:

- `server`: the project's FastAgiServer (agi/server.py) with its handlers table, as `hotline serve` runs it,
  in a process that has imported the service and frozen its heap as the service does once started
  (`unfrozen`, on request: the same without the freeze, whose full garbage collections stall the loop);
- `forked`: the baseline, a process per call: a fork per connection that opens its own database
  connection and runs the same handler code (what a classic AGI script does).

This process plays Asterisk: for each call it connects, sends the agi_ environment (agi_network_script
= identify_caller, a caller number that is a known investor nine times in ten), answers every command
the server sends with `200 result=...` until the server closes, and checks the variables it was given
(the right HOTLINE_CUSTOMER_ID, or not_found for an unknown number). Figures: p50 / p99 of that whole
round trip (connect to close), one call at a time, then in bursts of 20 and of 100 calls released
together (each burst after the previous one ended). Wrong answers, errors and timeouts are counted and
printed: a fast wrong answer is not a result.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import random
import socket
import socketserver
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvloop  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from agi.arrivals import CallArrivals  # noqa: E402
from agi.channel import FastAgiChannel  # noqa: E402
from agi.handlers import HANDLERS, AgiDeps, AgiRequest, Handler, _found  # noqa: E402
from agi.server import FastAgiServer, serve_session  # noqa: E402
from bench.agi_phases import probed_server, summary  # noqa: E402
from bench.figures import percentile  # noqa: E402
from crm_core.db import AsyncDatabase, Database  # noqa: E402
from crm_core.migrate import upgrade  # noqa: E402
from crm_core.models import Investor, InvestorPhone  # noqa: E402
from crm_core.models.base import new_id  # noqa: E402
from dialplan import variables as v  # noqa: E402
from tests.support.ports import free_port  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402

BURSTS = (1, 20, 100)
CALL_TIMEOUT_SECONDS = 10.0
CLASSES = ("ordinary", "professional")
RISKS = ("C1", "C2", "C3", "C4", "C5")


def phone_of(n: int) -> str:
    return f"139{n:08d}"


def seed_investors(db: Database, count: int) -> dict[str, int]:
    """Demo-like investors, one mobile number each; returns number -> investor id."""
    rng = random.Random(7)
    with db.session() as session:
        rows = [{"account_number": f"1{n:08d}", "name": f"Bench investor {n}", "investor_class": rng.choice(CLASSES),
                 "risk_class": rng.choice(RISKS), "language": rng.choice(("zh", "zh", "en")),
                 "vip": rng.random() < 0.1} for n in range(count)]
        session.execute(insert(Investor), rows)
        ids = {account: id_ for id_, account in session.query(Investor.id, Investor.account_number)}
        phones = [{"investor_id": ids[f"1{n:08d}"], "number": phone_of(n)} for n in range(count)]
        session.execute(insert(InvestorPhone), phones)
    return {phone_of(n): ids[f"1{n:08d}"] for n in range(count)}


def warm_up(url: str) -> None:
    """One identify_caller through the server, in this process: what the forks inherit warm."""
    db = Database(url)
    server = FastAgiServer(free_port(), db)
    server.start_in_thread()
    try:
        with socket.create_connection(server.server_address, timeout=30) as sock, sock.makefile("rwb") as stream:
            stream.write(environment(phone_of(0), 0))
            stream.flush()
            while stream.readline():
                stream.write(b"200 result=1\n")
                stream.flush()
    finally:
        server.shutdown()
        server.server_close()
        db.dispose()


class ForkedAgiServer(socketserver.ForkingMixIn, socketserver.TCPServer):
    """Baseline: a process per call, each with its own database connection, running the same handlers
    with the same protocol code (agi.server.serve_session) in the child."""

    allow_reuse_address = True
    request_queue_size = 128
    max_children = 1000

    def __init__(self, port: int, url: str) -> None:
        self.url = url
        warm_up(url)  # each child starts from a warm interpreter: mappers configured, statements compiled
        super().__init__(("127.0.0.1", port), socketserver.BaseRequestHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        db = Database(self.url)  # in the child: this call's own connection, like an AGI script's
        with ThreadPoolExecutor(1) as executor:
            deps = AgiDeps(AsyncDatabase(db, executor), CallArrivals(db))

            async def session() -> None:
                reader, writer = await asyncio.open_connection(sock=request)
                await serve_session(FastAgiChannel(reader, writer), HANDLERS, deps)

            try:
                asyncio.run(session())
            finally:
                deps.arrivals.close()
                db.dispose()


def serve(kind: str, url: str, port: int, ready: Any, phases: Any = None) -> None:
    """The server's own process, so that the caller side does not share its interpreter. Failed lookups are
    counted by the caller side (WRONG, with examples), not logged here as tracebacks. With `phases` (a pipe),
    the server's clock marks (bench/agi_phases.py) are sent back each time the bench asks."""
    logging.getLogger("agi").setLevel(logging.CRITICAL)
    from hotline.service import freeze_startup_heap  # the service's heap, frozen as the service freezes it

    if kind == "server" and phases is not None:
        server, probe = probed_server(port, Database(url))
        server.start_in_thread()
        freeze_startup_heap()
        report_full_collections(kind)
        ready.set()
        while phases.recv():
            phases.send(probe.take())
    elif kind in ("server", "nodb", "unfrozen"):
        db = Database(url)
        FastAgiServer(port, db, no_database_handlers(db) if kind == "nodb" else None).start_in_thread()
        if kind != "unfrozen":
            freeze_startup_heap()
        report_full_collections(kind)
        ready.set()
        threading.Event().wait()  # until the bench terminates this process
    else:
        forked = ForkedAgiServer(port, url)
        ready.set()
        forked.serve_forever()


def report_full_collections(kind: str) -> None:
    """From now on, print each full garbage collection of this server process as it ends, with how long it held
    the process."""
    started = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            held = (time.perf_counter() - started[0]) * 1000
            print(f"    ({kind} process: a full garbage collection held it {held:.1f} ms)", flush=True)

    gc.callbacks.append(timed)


def no_database_handlers(db: Database) -> dict[str, Handler]:
    """The floor under any database: the project's server with an identify_caller that answers the same
    variables from a dictionary loaded at start (no call record written), so that what remains is the protocol,
    the loop, the kernel and this bench's own caller side."""
    with db.session() as session:
        directory = dict(session.execute(select(InvestorPhone.number, Investor).join(Investor)).tuples().all())

    async def identify_caller(agi: AgiRequest, _deps: AgiDeps) -> dict[str, str]:
        caller = "".join(ch for ch in agi.env.get("agi_callerid", "") if ch.isdigit())
        return {"__" + v.CALL_ID: new_id(), **_found(directory.get(caller), "number")}

    return {**HANDLERS, "identify_caller": Handler(identify_caller)}


@dataclass
class Figures:
    millis: list[float] = field(default_factory=list)
    by_call: dict[str, float] = field(default_factory=dict)  # agi_uniqueid -> ms
    wrong: int = 0
    failed: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        if len(self.examples) < 3:
            self.examples.append(problem)


def unique_id(n: int) -> str:
    return f"1700000000.{n}"


def environment(number: str, n: int) -> bytes:
    env = {
        "agi_network": "yes", "agi_network_script": "identify_caller",
        "agi_request": "agi://127.0.0.1/identify_caller", "agi_channel": f"PJSIP/trunk-{n:08x}",
        "agi_language": "en", "agi_type": "PJSIP", "agi_uniqueid": unique_id(n), "agi_version": "20.0.0",
        "agi_callerid": number, "agi_calleridname": "unknown", "agi_callingpres": "0", "agi_callingani2": "0",
        "agi_callington": "0", "agi_callingtns": "0", "agi_dnid": "95500", "agi_rdnis": "unknown",
        "agi_context": "hotline-entry", "agi_extension": "95500", "agi_priority": "4", "agi_enhanced": "0.0",
        "agi_accountcode": "", "agi_threadid": "140000000000000",
    }
    return ("".join(f"{key}: {value}\n" for key, value in env.items()) + "\n").encode()


async def converse(port: int, env: bytes) -> dict[str, str]:
    """Asterisk's side of one FastAGI session: every command answered, the variables set returned."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    found: dict[str, str] = {}
    try:
        writer.write(env)
        while line := await reader.readline():
            command = line.decode().strip()
            if command.startswith("SET VARIABLE"):
                parts = command.split('"')
                found[parts[1]] = parts[3]
                writer.write(b"200 result=1\n")
            elif command.startswith("EXEC MSet"):
                found.update(pair.partition("=")[::2] for pair in command.split('"')[1].split(","))
                writer.write(b"200 result=0\n")
            elif command.startswith("GET VARIABLE"):
                writer.write(b"200 result=0\n")
            else:
                writer.write(b"200 result=1\n")
    finally:
        writer.close()
    return found


async def one_call(port: int, number: str, expected: int | None, n: int, figures: Figures) -> None:
    started = time.perf_counter()
    try:
        found = await asyncio.wait_for(converse(port, environment(number, n)), CALL_TIMEOUT_SECONDS)
    except (OSError, TimeoutError) as exc:
        figures.failed += 1
        figures.note(f"{type(exc).__name__}: {exc}")
        return
    figures.millis.append((time.perf_counter() - started) * 1000)
    figures.by_call[unique_id(n)] = figures.millis[-1]
    status = found.get("HOTLINE_LOOKUP_STATUS")
    right = (status == "found" and found.get("HOTLINE_CUSTOMER_ID") == str(expected)) if expected is not None \
        else status == "not_found"
    if not right or "__HOTLINE_CALL_ID" not in found:
        figures.wrong += 1
        figures.note(f"{number}: {found}")


def caller(rng: random.Random, directory: dict[str, int], numbers: list[str]) -> tuple[str, int | None]:
    if rng.random() < 0.9:
        number = rng.choice(numbers)
        return number, directory[number]
    return f"137{rng.randrange(10**8):08d}", None


async def run_bursts(port: int, directory: dict[str, int], size: int, calls: int, seed: int) -> Figures:
    rng = random.Random(seed)
    numbers = list(directory)
    figures = Figures()
    waves = max(1, calls // size) if size > 1 else calls
    for wave in range(waves):
        chosen = [caller(rng, directory, numbers) for _ in range(size)]
        await asyncio.gather(*(one_call(port, number, expected, seed * 100_000 + wave * size + k, figures)
                               for k, (number, expected) in enumerate(chosen)))
    return figures


def start_server(kind: str, url: str, phases: Any = None) -> tuple[multiprocessing.process.BaseProcess, int]:
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    port = free_port()
    process = context.Process(target=serve, args=(kind, url, port, ready, phases), daemon=True)
    process.start()
    if not ready.wait(60):
        raise RuntimeError(f"the {kind} FastAGI server did not start")
    return process, port


def bench_server(kind: str, url: str, directory: dict[str, int], calls: int, label: str, phases: bool) -> None:
    ours, theirs = multiprocessing.Pipe() if phases and kind == "server" else (None, None)
    process, port = start_server(kind, url, theirs)
    try:
        uvloop.run(run_bursts(port, directory, 1, 20, seed=1))  # warm-up: imports, first connections
        if ours is not None:
            ours.send(True)
            ours.recv()  # the warm-up's marks: not counted
        for size in BURSTS:
            figures = uvloop.run(run_bursts(port, directory, size, max(calls, 2 * size), seed=size))
            line = (f"{label:<11} {kind:<8} {size:>3} at a time  n={len(figures.millis):<4} "
                    f"p50 {percentile(figures.millis, 0.5):8.1f} ms   p99 {percentile(figures.millis, 0.99):8.1f} ms"
                    f"   max {max(figures.millis, default=float('nan')):8.1f} ms")
            if figures.wrong or figures.failed:
                line += f"   WRONG {figures.wrong} FAILED {figures.failed} e.g. {figures.examples}"
            print(line, flush=True)
            if ours is not None:
                ours.send(True)
                print("\n".join(summary(ours.recv(), figures.by_call)), flush=True)
    finally:
        process.terminate()
        process.join(10)


def bench_database(label: str, url: str, investors: int, calls: int, servers: list[str], phases: bool) -> None:
    upgrade(url)
    db = Database(url)
    try:
        directory = seed_investors(db, investors)
    finally:
        db.dispose()
    for kind in servers:
        bench_server(kind, url, directory, calls, label, phases)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--investors", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=200, help="calls per figure (at least two bursts)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--servers", default="server,unfrozen,forked",
                        help="server: the project's, in a process with the service's heap, frozen once started as "
                             "the service does; unfrozen: the same, not frozen (full garbage collections scan the "
                             "whole heap); forked: a process per call; nodb: the project's server answering from a "
                             "dictionary, no database (the floor under any database)")
    parser.add_argument("--durable", action="store_true",
                        help="PostgreSQL with fsync and synchronous_commit on, as in production (the throwaway "
                             "cluster has them off by default)")
    parser.add_argument("--phases", action="store_true",
                        help="also print where the server's time goes: each phase of a session, each round trip "
                             "of a batch (bench/agi_phases.py)")
    args = parser.parse_args()
    servers = args.servers.split(",")
    print(f"FastAGI identify_caller round trip (connect to close), {args.investors} investors; "
          f"bursts of N released together", flush=True)
    for name in args.databases.split(","):
        if name == "sqlite":
            with tempfile.TemporaryDirectory(prefix="hotline-fastagi-") as folder:
                bench_database("sqlite", f"sqlite:///{folder}/bench.db", args.investors, args.calls, servers,
                               args.phases)
        elif name == "postgresql":
            cluster = ThrowawayPostgres(durable=args.durable)
            cluster.start()
            try:
                bench_database("postgresql", cluster.create_database("fastagi"), args.investors, args.calls,
                               servers, args.phases)
            finally:
                cluster.stop()
        else:
            parser.error(f"unknown database {name!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
