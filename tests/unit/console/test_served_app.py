"""The loopback server of the console tests (doubles.py `ServedApp`) stops cleanly with its clients still connected,
and a transport its loop still holds when it stops is reported by that stop, in the teardown of the test that owns
it, not by the garbage collector in some later test (a browser test once errored at setup that way)."""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from console.ports import LiveEvents
from tests.unit.console.doubles import ServedApp


@contextmanager
def unraisable() -> Iterator[list[str]]:
    """What reaches sys.unraisablehook meanwhile (a ResourceWarning raised in a transport's __del__)."""
    reported: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda hook: reported.append(f"{hook.exc_type.__name__}: {hook.exc_value}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ResourceWarning)
            yield reported
    finally:
        sys.unraisablehook = previous


def app(started: threading.Event) -> web.Application:
    async def slow(request: web.Request) -> web.Response:
        started.set()
        await asyncio.sleep(0.2)
        return web.Response(text="late")

    application = web.Application()
    application.router.add_get("/slow", slow)
    return application


def connections(served: ServedApp) -> int:
    async def count() -> int:
        assert served._runner is not None
        return len(served._runner.server.connections)  # type: ignore[union-attr]

    return asyncio.run_coroutine_threadsafe(count(), served.loop).result(timeout=10)


def test_clients_still_connected_leave_nothing_open() -> None:
    started = threading.Event()
    served = ServedApp(lambda: app(started), LiveEvents()).start()
    idle = socket.create_connection(("127.0.0.1", served.port))
    busy = socket.create_connection(("127.0.0.1", served.port))
    busy.sendall(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
    try:
        assert started.wait(timeout=10)
        deadline = time.monotonic() + 10
        while connections(served) < 2:  # both accepted: the stop does not race a connection being accepted
            assert time.monotonic() < deadline, "the server did not accept both connections"
            time.sleep(0.01)
        with unraisable() as reported:
            served.stop()
        assert reported == [], "\n".join(reported)
        assert b"late" in busy.recv(4096)  # the request under way was answered before the server stopped
    finally:
        idle.close()
        busy.close()


def test_a_transport_left_open_is_reported_by_the_stop_that_left_it() -> None:
    served = ServedApp(lambda: app(threading.Event()), LiveEvents()).start()
    with socket.create_server(("127.0.0.1", 0)) as elsewhere, unraisable() as reported:
        connect = served.loop.create_connection(asyncio.Protocol, "127.0.0.1", elsewhere.getsockname()[1])
        asyncio.run_coroutine_threadsafe(connect, served.loop).result(timeout=10)  # and never closed
        served.stop()
        assert any("unclosed transport" in line for line in reported), reported
