"""Per-call tasks for Stasis apps: an event queue per call, routed by the objects the call owns."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ari_apps.ari import Ari, AriUnavailable
from ari_apps.runtime import event_keys

logger = logging.getLogger(__name__)

HANGUP_EVENTS = {"StasisEnd", "ChannelDestroyed", "ChannelHangupRequest"}


class CallerGone(Exception):
    """The caller's channel hung up or left the app."""


class CallSession:
    """One call in one app. Subclasses implement `run()`; events arrive in `self.events`."""

    def __init__(self, app: SessionApp, channel_id: str) -> None:
        self.app = app
        self.channel_id = channel_id
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.call_id = ""
        self.own("channel:" + channel_id)

    @property
    def ari(self) -> Ari:
        if self.app.ari is None:
            raise AriUnavailable("not connected to ARI")
        return self.app.ari

    def own(self, key: str) -> None:
        self.app.claim(key, self)

    def disown(self, key: str) -> None:
        self.app.release(key, self)

    async def next_event(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next event for this call, or None when `timeout` seconds pass first."""
        try:
            return await asyncio.wait_for(self.events.get(), timeout)
        except TimeoutError:
            return None

    def is_caller_hangup(self, event: dict[str, Any]) -> bool:
        return event["type"] in HANGUP_EVENTS and event.get("channel", {}).get("id") == self.channel_id

    async def run(self) -> None:
        raise NotImplementedError


class SessionApp:
    """Routes events to call sessions and runs each session in its own task."""

    name = ""

    def __init__(self) -> None:
        self.ari: Ari | None = None
        self._owners: dict[str, CallSession] = {}
        self._tasks: dict[CallSession, asyncio.Task[None]] = {}

    # routing -----------------------------------------------------------------------------------------
    def claim(self, key: str, session: CallSession) -> None:
        self._owners[key] = session

    def release(self, key: str, session: CallSession) -> None:
        if self._owners.get(key) is session:
            del self._owners[key]

    def owner_of(self, channel_id: str) -> CallSession | None:
        return self._owners.get("channel:" + channel_id)

    def handle(self, event: dict[str, Any]) -> None:
        delivered: set[int] = set()
        for key in event_keys(event):
            session = self._owners.get(key)
            if session is not None and id(session) not in delivered:
                delivered.add(id(session))
                session.events.put_nowait(event)
        if not delivered and event["type"] == "StasisStart":
            self.on_new_channel(event)

    def on_new_channel(self, event: dict[str, Any]) -> None:
        """A channel entered the app and nobody owns it yet."""

    # tasks -------------------------------------------------------------------------------------------
    def start(self, session: CallSession) -> None:
        self._tasks[session] = asyncio.create_task(self._guarded(session), name=f"{self.name}:{session.channel_id}")

    async def _guarded(self, session: CallSession) -> None:
        try:
            await session.run()
        except asyncio.CancelledError:
            raise
        except CallerGone:
            logger.info("call %s: caller gone", session.call_id or session.channel_id)
        except AriUnavailable as exc:
            logger.warning("call %s: ARI lost (%s); it will be recovered", session.call_id, exc)
        except Exception:
            logger.exception("call %s (channel %s) failed in %s", session.call_id, session.channel_id, self.name)
            await self.on_session_crash(session)
        finally:
            for key in [k for k, owner in self._owners.items() if owner is session]:
                del self._owners[key]
            self._tasks.pop(session, None)

    async def on_session_crash(self, session: CallSession) -> None:
        """Last resort after a bug: never leave the caller in silence."""
        if self.ari is not None:
            await self.ari.request_quietly("channels", "hangup", channelId=session.channel_id)

    def suspend(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        self._tasks.clear()
        self._owners.clear()
        self.ari = None

    @property
    def session_count(self) -> int:
        return len(self._tasks)
