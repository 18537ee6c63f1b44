"""A burst of FastAGI calls: each caller gets their own answer, one transaction each, no lock errors; a dead
database answers every one of them with the failure status instead of hanging. Speed is bench/fastagi.py's."""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from agi.arrivals import CallArrivals
from agi.server import FastAgiServer
from crm_core import calls, investors
from crm_core.db import Database
from crm_core.migrate import upgrade
from crm_core.models import Call, Investor
from tests.support.ports import free_port
from tests.unit.agi.test_fastagi import add_investor, converse_on, variables_set

BURST = 30


def env_for(number: str, n: int) -> dict[str, str]:
    return {"agi_network_script": "identify_caller", "agi_callerid": number, "agi_uniqueid": f"1700.{n}",
            "agi_extension": "95500"}


def burst(port: int, numbers: list[str]) -> list[dict[str, str]]:
    """Every caller connects and sends its environment at the same moment; the variables each was given."""
    results: list[dict[str, str]] = [{} for _ in numbers]
    start = threading.Barrier(len(numbers))

    def one(n: int) -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            start.wait()
            results[n] = variables_set(converse_on(sock, env_for(numbers[n], n)))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(numbers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "a FastAGI session hung"
    return results


def test_a_burst_gives_each_caller_their_own_record(agi_server: FastAgiServer, database: Database,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    ids = {f"1380000{n:04d}": add_investor(database, f"1380000{n:04d}", f"10000{n:04d}", vip=n % 2 == 0)
           for n in range(BURST - 5)}
    numbers = list(ids) + [f"1399999{n:04d}" for n in range(5)]
    with caplog.at_level(logging.WARNING):
        results = burst(agi_server.server_address[1], numbers)
    assert [r.get("HOTLINE_CUSTOMER_ID") for r in results] == [str(ids[n]) if n in ids else None for n in numbers]
    assert [r["HOTLINE_LOOKUP_STATUS"] for r in results] == ["found"] * (BURST - 5) + ["not_found"] * 5
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # no "database is locked", no error
    with database.session() as session:
        for number, found in zip(numbers, results, strict=True):
            call = calls.get_call(session, found["__HOTLINE_CALL_ID"])
            assert (call.caller_number, call.investor_id) == (number, ids.get(number))
            kinds = [e.kind for e in calls.events_of(session, call.id)]
            assert kinds == ["entered", "identified" if number in ids else "not_identified"]


def test_identify_caller_is_one_query_and_one_transaction(agi_server: FastAgiServer, database: Database) -> None:
    """SQLite has one writer and takes its lock at the first write: the lookup comes before it, and the
    call's rows go in the same transaction, with no UPDATE of a row just inserted. PostgreSQL is a round trip
    per statement: one statement, atomic by itself, outside any transaction (no BEGIN, no COMMIT to wait for)."""
    add_investor(database, "13800000001", "100000001", vip=True)
    statements: list[tuple[str, bool]] = []
    event.listen(database.engine, "before_cursor_execute", lambda _c, cursor, sql, *_a: statements.append(
        (sql.split()[0].upper(), getattr(cursor.connection, "autocommit", False))))
    event.listen(database.engine, "commit", lambda _conn: statements.append(("COMMIT", False)))
    with socket.create_connection(("127.0.0.1", agi_server.server_address[1]), timeout=10) as sock:
        found = variables_set(converse_on(sock, env_for("13800000001", 1)))
    assert found["HOTLINE_LOOKUP_STATUS"] == "found"
    if database.engine.dialect.name == "postgresql":
        assert [s for s in statements if s[0] != "COMMIT"] == [("WITH", True)]  # COMMIT: SQLAlchemy's, a no-op
    else:
        assert [verb for verb, _ in statements] == ["SELECT", "INSERT", "INSERT", "COMMIT"]


def test_calls_arriving_together_are_written_in_one_transaction(tmp_path: Path) -> None:
    """While one call's record waits for the write lock (here: held by another writer), the calls arriving
    meanwhile queue up; they are all written by the next commit, not one commit each."""
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    upgrade(url)
    db = Database(url)
    arrivals = CallArrivals(db)
    commits: list[str] = []
    event.listen(db.engine, "commit", lambda _conn: commits.append(threading.current_thread().name))
    try:
        with db.session() as blocker:
            blocker.add(Investor(account_number="100000001", name="blocker", investor_class="ordinary",
                                 language="zh"))
            blocker.flush()  # holds the write lock until this block ends
            threads = [threading.Thread(target=asyncio.run, args=(arrivals.open(entering(n)),))
                       for n in range(BURST)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)  # let them all queue behind the blocked first one: not a timing assertion
        for thread in threads:
            thread.join(10)
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Call)) == BURST
        assert commits.count("fastagi-arrivals") <= 2
    finally:
        arrivals.close()
        db.dispose()


def entering(n: int) -> calls.Entering:
    return calls.Entering(f"1700.{n}", f"1399999{n:04d}", "95500")


def test_a_database_that_hangs_gets_the_burst_an_error_not_silence(tmp_path: Path) -> None:
    """Another process holds SQLite's write lock (as a long import would): the calls are not kept waiting
    for it; each is told HOTLINE_LOOKUP_STATUS=error once the open timeout passes."""
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    upgrade(url)
    db = Database(url)
    other_process = sqlite3.connect(tmp_path / "hotline.db", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    server = FastAgiServer(free_port(), db, open_timeout=0.5)
    server.start_in_thread()
    try:
        results = burst(server.server_address[1], [f"1380000{n:04d}" for n in range(5)])
        assert results == [{"HOTLINE_LOOKUP_STATUS": "error"}] * 5
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
        server.shutdown()
        server.server_close()
        db.dispose()


@pytest.mark.parametrize("url", ["postgresql+psycopg2://nobody@127.0.0.1:1/none",
                                 "sqlite:////nonexistent-folder/hotline.db"])
def test_a_burst_on_a_dead_database_is_told_so_at_once(url: str) -> None:
    """The dialplan goes on with HOTLINE_LOOKUP_STATUS=error (the caller keys their account or reaches an
    agent): every caller of the burst gets it and none is left waiting."""
    dead = Database(url)
    server = FastAgiServer(free_port(), dead)
    server.start_in_thread()
    try:
        results = burst(server.server_address[1], [f"1380000{n:04d}" for n in range(BURST)])
        assert results == [{"HOTLINE_LOOKUP_STATUS": "error"}] * BURST
    finally:
        server.shutdown()
        server.server_close()
        dead.dispose()


def test_the_batch_lookup_names_an_investor_only_when_the_number_is_theirs_alone(database: Database) -> None:
    one = add_investor(database, "13800000001", "100000001", vip=False)
    add_investor(database, "13800000002", "100000002", vip=False)
    add_investor(database, "13800000002", "100000003", vip=False)  # a shared family number names no one
    with database.session() as session:
        found = investors.find_by_phones(session, ["+8613800000001", "13800000002", "13999999999", ""])
        assert {number: investor.id for number, investor in found.items()} == {"+8613800000001": one}
        assert investors.find_by_phone(session, "13800000002") is None


def test_a_database_that_hangs_gets_the_account_lookup_an_error_too(tmp_path: Path) -> None:
    """identify_account writes the keyed account to the call's timeline: with the write lock held elsewhere
    it is given up at the same deadline as identify_caller, and the dialplan told so."""
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    upgrade(url)
    db = Database(url)
    add_investor(db, "13800000001", "100000001", vip=False)
    with db.session() as session:
        call_id = calls.open_call(session, channel_id="1700.9", caller_number="", dialed_number="95500").id
    other_process = sqlite3.connect(tmp_path / "hotline.db", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    server = FastAgiServer(free_port(), db, open_timeout=0.5)
    server.start_in_thread()
    try:
        with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
            found = variables_set(converse_on(sock, {"agi_network_script": "identify_account"},
                                              {"HOTLINE_ACCOUNT_INPUT": "100000001", "HOTLINE_CALL_ID": call_id}))
        assert found == {"HOTLINE_LOOKUP_STATUS": "error"}
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
        server.shutdown()
        server.server_close()
        db.dispose()


def test_a_batch_waits_for_the_sessions_already_talking_and_for_no_one_else(tmp_path: Path) -> None:
    """A burst arrives over a millisecond or two: the first call's record waits for the sessions announced
    before it (and only for them), so the burst is one commit, not the first alone and then the rest. A gather
    time of a minute makes the order, not the clock, decide."""
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    upgrade(url)
    db = Database(url)
    arrivals = CallArrivals(db, gather_seconds=60)
    commits: list[float] = []
    event.listen(db.engine, "commit", lambda _conn: commits.append(time.monotonic()))

    async def session(n: int, delay: float, brings_a_call: bool) -> None:
        arrivals.announce()  # as the server does when the session begins
        try:
            await asyncio.sleep(delay)
            if brings_a_call:
                await arrivals.open(entering(n))
        finally:
            arrivals.withdraw()

    async def scenario() -> tuple[float, float]:
        started = time.monotonic()
        await session(0, 0, True)  # alone: written at once, though the gather time is a minute
        alone = time.monotonic() - started
        started = time.monotonic()
        await asyncio.gather(session(1, 0, True), *(session(n, 0.05 * n, True) for n in range(2, BURST)),
                             session(BURST, 0.3, False))  # the last one runs another script: it withdraws
        return alone, time.monotonic() - started

    try:
        alone, burst_took = asyncio.run(scenario())
        assert alone < 30 and burst_took < 30  # neither waited out the gather time
        assert len(commits) == 2  # the lone call, then the whole burst together
        with db.session() as session_:
            assert session_.scalar(select(func.count()).select_from(Call)) == BURST
    finally:
        arrivals.close()
        db.dispose()


@pytest.mark.parametrize("linger", [0.0, 60.0])
def test_a_burst_whose_sessions_begin_one_after_another_lingers_for_the_next(tmp_path: Path, linger: float) -> None:
    """Asterisk's connections of a burst come one after another: each session here begins only once the one before
    has handed its call over, so none is announced while the batch gathers. A batch of two or more lingers for the
    next to begin: the burst is one commit. Without the linger it is the first pair, then a commit per call. A
    linger and a gather time of a minute make the order, not the clock, decide; the last session runs another
    script, and the linger ends once nothing new came for it (here: the minute, so the test stops the writer)."""
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    upgrade(url)
    db = Database(url)
    arrivals = CallArrivals(db, gather_seconds=60, linger_seconds=linger)
    commits: list[float] = []
    event.listen(db.engine, "commit", lambda _conn: commits.append(time.monotonic()))
    count = 6

    async def scenario() -> None:
        pending = [asyncio.create_task(one(0)), asyncio.create_task(one(1))]  # the first pair: one batch
        await asyncio.sleep(0.05)
        for n in range(2, count):
            pending.append(asyncio.create_task(one(n)))
            if linger:
                await asyncio.sleep(0.05)  # the session before has handed its call over
            else:  # its call written before the next session begins: on a slow machine a slow commit let two join
                await pending[-1]
        if linger:
            arrivals.close()  # the batch would linger for a minute: stopping the writer writes it
        await asyncio.gather(*pending)

    async def one(n: int) -> None:
        arrivals.announce()
        try:
            await asyncio.sleep(0)  # the pair's sessions both begin before either brings its call
            await arrivals.open(entering(n))
        finally:
            arrivals.withdraw()

    try:
        asyncio.run(scenario())
        written = len(commits)
        with db.session() as session_:
            assert session_.scalar(select(func.count()).select_from(Call)) == count
        assert written == (1 if linger else count - 1)  # the first pair together, then the rest with it or alone
    finally:
        arrivals.close()
        db.dispose()
