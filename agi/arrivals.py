"""Group commit of the call records that FastAGI sessions open: one writer, one transaction per batch.

Each identify_caller used to write its call in a transaction of its own. On SQLite that is one commit,
one fsync, under the one write lock, per call: a burst of twenty calls queued for twenty fsyncs in a
row (bench/fastagi.py). Here the sessions look their callers up in parallel, hand the rows to one writer
thread, and wait for them: whatever arrived while the previous batch was being committed is written
in the next one, with one commit. A session hears back only once its row is committed (the IVR reads it
next), or gets the error, which its handler reports to the dialplan.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from crm_core import calls
from crm_core.calls import Arrival
from crm_core.db import Database

logger = logging.getLogger(__name__)

MAX_BATCH = 200
Waiting = tuple[Arrival, Future[None]]


class CallArrivals:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._queue: queue.SimpleQueue[Waiting | None] = queue.SimpleQueue()  # None: stop
        self._writer = threading.Thread(target=self._write_forever, name="fastagi-arrivals", daemon=True)
        self._writer.start()

    def record(self, arrival: Arrival, timeout: float) -> None:
        """Write the call's record with whatever else is waiting; raise if it failed or took too long (then
        it is not written later either, unless the writer had already begun)."""
        done: Future[None] = Future()
        self._queue.put((arrival, done))
        try:
            done.result(timeout)
        except TimeoutError:
            done.cancel()
            raise

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join(10)

    def _write_forever(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._next_batch()
            batch = [(arrival, done) for arrival, done in batch if done.set_running_or_notify_cancel()]
            if batch:
                self._write(batch)

    def _next_batch(self) -> tuple[list[Waiting], bool]:
        """Everything waiting now (after waiting for one), and whether the writer was asked to stop."""
        batch: list[Waiting] = []
        item = self._queue.get()
        while item is not None:
            batch.append(item)
            if len(batch) == MAX_BATCH or self._queue.empty():
                return batch, False
            item = self._queue.get()
        return batch, True

    def _write(self, batch: list[Waiting]) -> None:
        try:
            with self.db.session() as session:
                calls.write_arrivals(session, [arrival for arrival, _ in batch])
        except Exception as exc:
            logger.exception("could not write %d call records", len(batch))
            for _, done in batch:
                done.set_exception(exc)
            return
        for _, done in batch:
            done.set_result(None)
