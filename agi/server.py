"""FastAGI server on loopback, routed by `agi_network_script` (agi/handlers.py).

One asyncio loop, in a thread of its own, speaks the protocol of every session and runs the handlers;
their database work runs in worker threads (AsyncDatabase), identify_caller's in the one batch writer of
arriving calls (agi/arrivals.py). It used to be a thread per session: under a burst of calls twenty
threads took turns at the interpreter lock (each turn up to its 5 ms switch interval) for every line they
read and wrote, and the last caller of a burst of 20 waited 6x as long as a caller alone (bench/fastagi.py).
The loop is uvloop's (libuv, in C): a burst's sessions are served one after another on this one loop, so
what each costs the loop (accept, reads, writes, wake-ups) is what the last caller of a burst waits for
nineteen times over, and asyncio's own loop, in Python, cost several times as much per session.

The listening socket is open from construction (backlog 128: Asterisk gives a FastAGI connect 2 s, and a
burst must queue in the kernel rather than be dropped), serving from `start_in_thread()`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import uvloop
from asterisk import agi as pyst

from agi.arrivals import CallArrivals
from agi.channel import FastAgiChannel
from agi.handlers import HANDLERS, OPEN_TIMEOUT_SECONDS, AgiDeps, AgiRequest, Handler
from crm_core.complaints.intake import FaxReceived
from crm_core.db import AsyncDatabase, Database
from dialplan import variables as v

logger = logging.getLogger(__name__)

SESSION_TIMEOUT_SECONDS = 30.0  # a session whose peer stops talking is closed
BACKLOG = 128
WORKERS = 8  # database work of identify_account and call_ended at once


class FastAgiServer:
    def __init__(self, port: int, db: Database, handlers: dict[str, Handler] | None = None, *,
                 open_timeout: float = OPEN_TIMEOUT_SECONDS,
                 complaint_fax: Callable[[FaxReceived], object] | None = None) -> None:
        self.handlers = HANDLERS if handlers is None else handlers
        self.socket = socket.create_server(("127.0.0.1", port), backlog=BACKLOG)
        self.server_address: tuple[str, int] = self.socket.getsockname()
        self._workers = ThreadPoolExecutor(WORKERS, thread_name_prefix="fastagi")
        self.deps = AgiDeps(AsyncDatabase(db, self._workers), CallArrivals(db), open_timeout, complaint_fax)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    # -- life ------------------------------------------------------------------------------------------
    def start_in_thread(self) -> threading.Thread:
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), name="fastagi", daemon=True)
        self._thread.start()
        started.wait(10)
        return self._thread

    def shutdown(self) -> None:
        """Stop accepting and end the loop; sessions still talking are cut."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def server_close(self) -> None:
        self.socket.close()
        self._workers.shutdown(wait=False, cancel_futures=True)
        self.deps.arrivals.close()

    def _run(self, started: threading.Event) -> None:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(self._serve_until_stopped(started))

    async def _serve_until_stopped(self, started: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._session, sock=self.socket, backlog=BACKLOG)
        started.set()
        async with server:
            await self._stop.wait()

    # -- one session -----------------------------------------------------------------------------------
    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_session(FastAgiChannel(reader, writer), self.handlers, self.deps)


async def serve_session(agi: FastAgiChannel, handlers: Mapping[str, Handler], deps: AgiDeps) -> None:
    """One FastAGI session, start to close: the environment, the handler's variables fetched, the handler run,
    its variables set; a failure reported to the dialplan as HOTLINE_LOOKUP_STATUS=error."""
    deps.arrivals.announce()  # until its script is known, the session may bring a call: batches wait for it
    try:
        async with asyncio.timeout(SESSION_TIMEOUT_SECONDS):
            await _answer(agi, handlers, deps)
    except (pyst.AGIException, OSError, TimeoutError, ValueError, asyncio.LimitOverrunError) as exc:
        logger.warning("AGI %s on %s ended: %r", agi.script, agi.env.get("agi_channel"), exc)
    finally:
        deps.arrivals.withdraw()
        agi.writer.close()


async def _answer(agi: FastAgiChannel, handlers: Mapping[str, Handler], deps: AgiDeps) -> None:
    await agi.read_env()
    handler = handlers.get(agi.script)
    if handler is None or not handler.arrives:
        deps.arrivals.withdraw()
    if handler is None:
        logger.warning("unknown AGI script %r from %s", agi.script, agi.env.get("agi_channel"))
        await agi.set_variables({v.LOOKUP_STATUS: "error"})
        return
    request = AgiRequest(agi.env, {name: await agi.get_variable(name) for name in handler.reads})
    try:
        async with asyncio.timeout(deps.open_timeout):
            answer = await handler.run(request, deps)
    except Exception:
        logger.exception("AGI %s failed on %s", agi.script, agi.env.get("agi_uniqueid"))
        answer = {v.LOOKUP_STATUS: "error"}
    await agi.set_variables(answer)
