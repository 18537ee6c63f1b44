"""The call records that FastAGI sessions open, by one writer: one query and one transaction per batch.

Each identify_caller used to look its caller up and write its call in a transaction of its own. On
SQLite that is one commit, one fsync, under the one write lock, per call: a burst of twenty calls queued
for twenty fsyncs in a row (bench/fastagi.py). Here the sessions hand their calls to one writer thread
and wait: whatever arrived while the previous batch was being committed is looked up in one query and
written in the next transaction. A session hears back once its row is committed (the IVR reads it next),
or gets the error, or gives up at the FastAGI handler's deadline (agi/server.py): a database that hangs
(rather than refuses) would otherwise keep the caller in silence for as long as it hangs. Either way the
failure is reported to the dialplan.

A burst of calls arrives over a millisecond or two, not at once: the first call's record would be written
alone and the other nineteen would wait for that commit before theirs. So a batch waits for the sessions
already talking that may still bring a call (announced by the server as each session begins, withdrawn once
the session has handed its call over or turns out to run another script), up to GATHER_SECONDS. And a batch of
two or more, a burst under way, lingers up to LINGER_SECONDS after the last session began or the last call came
for the next to begin: Asterisk's connections of a burst come one after another, and without it the batch closed
whenever the server had caught up with those already accepted (bench/fastagi.py --phases: ten bursts of twenty
were written in eighteen batches, and the second batch of a burst waited for the first one's commit). A caller
alone never waits: no other session is announced, and a batch of one does not linger.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from contextvars import ContextVar

from crm_core import calls
from crm_core.calls import Arrival, Entering
from crm_core.db import Database

logger = logging.getLogger(__name__)

MAX_BATCH = 200
GATHER_SECONDS = 0.004  # the longest a batch waits for sessions that may still bring a call
LINGER_SECONDS = 0.001  # how long a burst's batch waits for the next session to begin
POLL_SECONDS = 0.0005  # how often the writer looks again whether those sessions are still expected
_announced: ContextVar[bool] = ContextVar("arrival_announced", default=False)  # this session's, in its task
Waiting = tuple[Entering, "asyncio.Future[Arrival]"]


class CallArrivals:
    def __init__(self, db: Database, gather_seconds: float = GATHER_SECONDS,
                 linger_seconds: float = LINGER_SECONDS) -> None:
        self.db = db
        self.gather_seconds = gather_seconds
        self.linger_seconds = linger_seconds
        self._last_news = 0.0  # monotonic time a session last began or handed a call over
        self._queue: queue.SimpleQueue[Waiting | None] = queue.SimpleQueue()  # None: stop
        self._expected = 0  # sessions announced and not yet withdrawn (changed on the loop, read by the writer)
        self._writer = threading.Thread(target=self._write_forever, name="fastagi-arrivals", daemon=True)
        self._writer.start()

    def announce(self) -> None:
        """A FastAGI session has begun (call it in the session's own task): it may bring a call."""
        if not _announced.get():
            _announced.set(True)
            self._expected += 1
            self._last_news = time.monotonic()

    def withdraw(self) -> None:
        """This session brings no (further) call: batches need not wait for it."""
        if _announced.get():
            _announced.set(False)
            self._expected -= 1

    async def open(self, entering: Entering) -> Arrival:
        """The call's record, written with whatever else is waiting; raises if that failed. Cancelled (the
        FastAGI handler's deadline), it is not written later either, unless the writer had already taken it."""
        done: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        self._last_news = time.monotonic()
        self._queue.put((entering, done))
        self.withdraw()
        return await done

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join(10)

    def _write_forever(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._next_batch()
            batch = [(entering, done) for entering, done in batch if not done.cancelled()]
            if batch:
                self._write(batch)

    def _next_batch(self) -> tuple[list[Waiting], bool]:
        """The calls to write together: one (waited for), everything waiting behind it, and those that sessions
        still talking bring, or that a burst under way brings next, within the gather time; and whether the writer
        was asked to stop."""
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        deadline = time.monotonic() + self.gather_seconds
        while len(batch) < MAX_BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                now = time.monotonic()
                remaining = deadline - now
                arriving = len(batch) > 1 and now - self._last_news < self.linger_seconds
                if remaining <= 0 or (self._expected <= 0 and not arriving):
                    break
                try:
                    item = self._queue.get(timeout=min(remaining, POLL_SECONDS))
                except queue.Empty:
                    continue
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _write(self, batch: list[Waiting]) -> None:
        try:
            with self.db.session() as session:
                outcomes: list[Arrival | Exception] = list(
                    calls.open_arrivals(session, [entering for entering, _ in batch]))
        except Exception as exc:
            logger.exception("could not open %d call records", len(batch))
            outcomes = [exc] * len(batch)
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Arrival], Arrival | Exception]]] = {}
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            by_loop.setdefault(done.get_loop(), []).append((done, outcome))
        for loop, answers in by_loop.items():  # one wake-up of each waiting loop per batch, not one per call
            try:
                loop.call_soon_threadsafe(_deliver, answers)
            except RuntimeError:  # that loop has closed: nobody is waiting any more
                pass


def _deliver(answers: list[tuple[asyncio.Future[Arrival], Arrival | Exception]]) -> None:
    """On the waiting loop: each session's answer, unless it stopped waiting (its deadline passed)."""
    for done, outcome in answers:
        if done.done():
            continue
        if isinstance(outcome, Exception):
            done.set_exception(outcome)
        else:
            done.set_result(outcome)
