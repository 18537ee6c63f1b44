"""Keeps the Stasis apps connected to ARI and gives each call its own task.

- Reconnects with exponential backoff when the WebSocket closes (aioari's `run()` just returns).
- On every (re)connection each app recovers the calls Asterisk still holds for it.
- Events are routed, without awaiting anything, to the queue of the call that owns the channel,
  bridge or playback they name; each call runs in its own task, so one slow call never holds up another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from ari_apps.ari import Ari, AriError, AriUnavailable, EventStream

logger = logging.getLogger(__name__)


class StasisApp(Protocol):
    name: str

    async def recover(self, ari: Ari, snapshot: dict[str, Any]) -> None:
        """Take back the channels Asterisk holds for this app (`GET /applications/{name}`)."""

    def handle(self, event: dict[str, Any]) -> None:
        """Take one event without blocking (queue it for its call, or start a call)."""

    def suspend(self) -> None:
        """The connection is gone: stop every call task; `recover` will restart them."""


def event_keys(event: dict[str, Any]) -> list[str]:
    """The objects an event is about, as router keys."""
    keys: list[str] = []
    for field in ("channel", "peer", "replace_channel"):
        if isinstance(event.get(field), dict):
            keys.append("channel:" + event[field]["id"])
    if isinstance(event.get("bridge"), dict):
        keys.append("bridge:" + event["bridge"]["id"])
    for field in ("playback", "recording"):
        item = event.get(field)
        if isinstance(item, dict):
            keys.append(f"{field}:{item.get('id') or item.get('name') or ''}")
            target = str(item.get("target_uri") or "")
            if ":" in target:
                keys.append(target)  # "channel:<id>" or "bridge:<id>", the same form as the keys above
    return keys


class AriRuntime:
    def __init__(self, connect: Callable[[], Any], apps: list[StasisApp], *,
                 max_backoff: float = 10.0) -> None:
        self._connect = connect
        self._apps = {app.name: app for app in apps}
        self._max_backoff = max_backoff
        self._stopping = asyncio.Event()
        self.ari: Ari | None = None
        self._stream: EventStream | None = None
        self.connected = asyncio.Event()
        self.connections = 0

    async def run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                ari = await self._connect()
            except AriUnavailable as exc:
                logger.warning("ARI not reachable (%s); retrying in %.1fs", exc, backoff)
            else:
                backoff = 0.5
                await self._serve(ari)
            if self._stopping.is_set():
                break
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=backoff)
            except TimeoutError:
                pass
            backoff = min(backoff * 2, self._max_backoff)

    async def _serve(self, ari: Ari) -> None:
        self.ari = ari
        stream = None
        try:
            stream = self._stream = await ari.open_events(list(self._apps))
            self.connections += 1
            for app in self._apps.values():
                snapshot = await ari.request("applications", "get", applicationName=app.name)
                await app.recover(ari, snapshot)
            self.connected.set()
            logger.info("ARI connected (apps: %s)", ", ".join(self._apps))
            async for event in stream:
                self._dispatch(event)
        except AriError as exc:
            logger.warning("ARI connection lost: %s", exc)
        except Exception:
            logger.exception("ARI runtime error; reconnecting")
        finally:
            self.connected.clear()
            for app in self._apps.values():
                app.suspend()
            if stream is not None:
                await stream.close()
            await ari.close()
            self.ari = None
            if not self._stopping.is_set():
                logger.warning("ARI WebSocket closed; reconnecting")

    def _dispatch(self, event: dict[str, Any]) -> None:
        app = self._apps.get(event.get("application", ""))
        if app is None:
            return
        try:
            app.handle(event)
        except Exception:
            logger.exception("error handling %s", event.get("type"))

    def stop(self) -> None:
        """Leave the loop: close the WebSocket (Asterisk keeps the calls; a new service recovers them)."""
        self._stopping.set()
        if self._stream is not None:
            asyncio.ensure_future(self._stream.close())
