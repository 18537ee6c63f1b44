"""Event routing to call sessions: each call has its own task; a slow call never holds up another."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ari_apps.runtime import event_keys
from ari_apps.session import CallSession, SessionApp
from crm_core import calls
from crm_core.db import AsyncDatabase, Database


class Recorder(CallSession):
    def __init__(self, app: SessionApp, channel_id: str, delay: float) -> None:
        super().__init__(app, channel_id)
        self.delay = delay
        self.seen: list[str] = []

    async def run(self) -> None:
        while True:
            event = await self.next_event()
            assert event is not None
            await asyncio.sleep(self.delay)  # a slow handler, e.g. a database round trip
            self.seen.append(event["type"])
            if event["type"] == "StasisEnd":
                return


class RecordingApp(SessionApp):
    name = "test"

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, Recorder] = {}

    def on_new_channel(self, event: dict[str, Any]) -> None:
        channel_id = event["channel"]["id"]
        session = Recorder(self, channel_id, delay=1.0 if channel_id == "slow" else 0.0)
        self.sessions[channel_id] = session
        self.start(session)
        session.events.put_nowait(event)


def channel_event(kind: str, channel_id: str) -> dict[str, Any]:
    return {"type": kind, "channel": {"id": channel_id}, "application": "test"}


def test_a_slow_call_does_not_hold_up_another() -> None:
    async def scenario() -> tuple[list[str], list[str], int]:
        app = RecordingApp()
        for channel in ("slow", "fast"):
            app.handle(channel_event("StasisStart", channel))
        for kind in ("ChannelDtmfReceived", "StasisEnd"):
            for channel in ("slow", "fast"):
                app.handle(channel_event(kind, channel))
        await asyncio.sleep(0.2)
        fast_done = list(app.sessions["fast"].seen)
        slow_so_far = list(app.sessions["slow"].seen)
        app.suspend()
        return fast_done, slow_so_far, app.session_count

    fast, slow, remaining = asyncio.run(scenario())
    assert fast == ["StasisStart", "ChannelDtmfReceived", "StasisEnd"]
    assert slow == []
    assert remaining == 0


def test_playback_and_bridge_events_reach_their_owner() -> None:
    event = {"type": "PlaybackFinished", "playback": {"id": "p1", "target_uri": "bridge:b1"}}
    assert set(event_keys(event)) == {"playback:p1", "bridge:b1"}
    dtmf = {"type": "ChannelDtmfReceived", "channel": {"id": "c1"}, "digit": "5"}
    assert event_keys(dtmf) == ["channel:c1"]


def test_bookkeeping_with_a_dead_database_is_logged_not_raised() -> None:
    dead = Database("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    with ThreadPoolExecutor(1) as executor:
        db = AsyncDatabase(dead, executor)
        written = asyncio.run(db.record(calls.record_event, "some-call", "menu", key="1"))
    dead.dispose()
    assert written is False
