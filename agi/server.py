"""FastAGI server on loopback: one thread per AGI session, routed by `agi_network_script`."""

from __future__ import annotations

import logging
import socketserver
import threading

from agi.arrivals import CallArrivals
from agi.channel import FastAgiChannel
from agi.handlers import HANDLERS, OPEN_TIMEOUT_SECONDS, AgiDeps, Handler
from crm_core.db import Database
from hotline import channel_vars as v

logger = logging.getLogger(__name__)


class _Session(socketserver.StreamRequestHandler):
    timeout = 30
    server: FastAgiServer

    def handle(self) -> None:
        with self.connection.makefile("r", encoding="utf-8", newline="\n") as reader, \
                self.connection.makefile("w", encoding="utf-8", newline="\n") as writer:
            self._serve(FastAgiChannel(reader, writer))

    def _serve(self, agi: FastAgiChannel) -> None:
        handler = self.server.handlers.get(agi.script)
        if handler is None:
            logger.warning("unknown AGI script %r from %s", agi.script, agi.env.get("agi_channel"))
            agi.set_variable(v.LOOKUP_STATUS, "error")
            return
        try:
            handler(agi, self.server.deps)
        except Exception:
            logger.exception("AGI %s failed on %s", agi.script, agi.env.get("agi_uniqueid"))
            try:
                agi.set_variable(v.LOOKUP_STATUS, "error")
            except Exception:  # the channel may be gone
                logger.debug("could not report the AGI failure to the channel")


class FastAgiServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5. Asterisk gives a FastAGI connect 2 s: with more calls
    # arriving at once than that, dropped SYNs were retried too late and the caller went unidentified.
    request_queue_size = 128

    def __init__(self, port: int, db: Database, handlers: dict[str, Handler] | None = None, *,
                 open_timeout: float = OPEN_TIMEOUT_SECONDS) -> None:
        self.handlers = HANDLERS if handlers is None else handlers
        super().__init__(("127.0.0.1", port), _Session)
        self.deps = AgiDeps(db, CallArrivals(db), open_timeout)

    def server_close(self) -> None:
        super().server_close()
        self.deps.arrivals.close()

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="fastagi", daemon=True)
        thread.start()
        return thread
