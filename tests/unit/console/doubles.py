"""An in-memory test double of our own TelephonyPort (console/ports.py), and a loopback server for the app.

The double only records what the console asked and answers from a snapshot the test sets; the real
telephony (ari_apps) is tested against a real Asterisk in tests/integration. `ServedApp` runs the console
on 127.0.0.1 in a thread with its own event loop, for clients that are not asyncio (schemathesis, Playwright).
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from console.ports import AgentLive, LiveEvents, LiveSnapshot, QueueLive, SupervisionMode, TelephonyError
from crm_core.events import LiveEvent


@dataclass
class FakeTelephony:
    """Records every request as (method, args...); `fail_with` makes the next requests raise TelephonyError."""

    requests: list[tuple[Any, ...]] = field(default_factory=list)
    snapshot: LiveSnapshot = field(default_factory=lambda: LiveSnapshot(agents=[], queues=[], calls_today=0))
    fail_with: TelephonyError | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _record(self, *request: Any) -> None:
        self.requests.append(request)
        if self.fail_with is not None:
            raise self.fail_with

    async def set_agent_state(self, agent_id: int, state: str, reason: str | None = None) -> None:
        self._record("set_agent_state", agent_id, state, reason)

    async def supervise(self, supervisor_id: int, agent_id: int, mode: SupervisionMode) -> str:
        self._record("supervise", supervisor_id, agent_id, mode)
        return f"sup-{next(self._ids)}"

    async def end_supervision(self, supervision_id: str) -> None:
        self._record("end_supervision", supervision_id)

    async def hold(self, call_id: str, on: bool, *, by_agent: int | None = None) -> None:
        self._record("hold", call_id, on, by_agent)

    async def transfer(self, call_id: str, *, to_job_number: str | None = None, to_number: str | None = None,
                       attended: bool = False, by_agent: int | None = None) -> None:
        self._record("transfer", call_id, to_job_number, to_number, attended, by_agent)

    async def complete_transfer(self, call_id: str, *, by_agent: int | None = None) -> None:
        self._record("complete_transfer", call_id, by_agent)

    async def cancel_transfer(self, call_id: str, *, by_agent: int | None = None) -> None:
        self._record("cancel_transfer", call_id, by_agent)

    async def conference(self, call_id: str, *, to_job_number: str | None = None, to_number: str | None = None,
                         by_agent: int | None = None) -> None:
        self._record("conference", call_id, to_job_number, to_number, by_agent)

    async def leave_conference(self, call_id: str, who: str, *, by_agent: int | None = None) -> None:
        self._record("leave_conference", call_id, who, by_agent)

    async def to_queue(self, call_id: str, skill: str, *, by_agent: int | None = None) -> None:
        self._record("to_queue", call_id, skill, by_agent)

    async def dial(self, agent_id: int, number: str) -> str:
        self._record("dial", agent_id, number)
        return f"dialled-{next(self._ids)}"

    def live(self) -> LiveSnapshot:
        return self.snapshot

    def named(self, method: str) -> list[tuple[Any, ...]]:
        return [r for r in self.requests if r[0] == method]


def one_agent_snapshot(agent_id: int, job_number: str, name: str, state: str = "ready") -> LiveSnapshot:
    agent = AgentLive(agent_id=agent_id, job_number=job_number, name=name, state=state,
                      state_since=time.time() - 65, call_id=None, caller_number=None, phone_registered=True)
    queue = QueueLive(skill="general", waiting=2, longest_wait_seconds=42.0, answered_today=10,
                      abandoned_today=1, service_level=0.9)
    return LiveSnapshot(agents=[agent], queues=[queue], calls_today=11)


class ServedApp:
    """The console served on a free loopback port from a background thread."""

    def __init__(self, make_app: Callable[[], web.Application], events: LiveEvents) -> None:
        self._make_app = make_app
        self.events = events
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="console-server", daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServedApp:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self._make_app(), shutdown_timeout=2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    def publish(self, event: LiveEvent) -> None:
        """Publish on LiveEvents from the test thread, as the service does from its loop."""
        self.loop.call_soon_threadsafe(self.events.publish, event)

    def subscribers(self) -> int:
        return len(self.events._queues)

    def stop(self) -> None:
        """Stop serving and close the loop. Close the clients first (a browser's page: tests/browser/conftest.py):
        on Python 3.11 a connection accepted in the turn of the loop that stops the server is left half made and
        never closed (asyncio's Server._attach asserts, silently outside debug mode). A transport left open
        warns here, in the teardown of the test that owns this server, not in whichever later test the garbage
        collector happens to run in."""
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()
        gc.collect()  # pytest reports an unclosed transport's ResourceWarning at the end of this teardown
