"""The ACD's interpreter for `RecordBridge` (an expert's three-way call): Asterisk records the call's bridge and a
`call_recordings` row links the recording to the call; a recorder Asterisk refuses is noted on the call, and the
call goes on with nothing written as recorded. Against an ARI that records (or refuses) the requests; the real
recording is checked against the real Asterisk in tests/integration/test_expert_call.py."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.app import AcdApp
from ari_apps.acd.call import AcdCallSession
from ari_apps.acd.recovery import new_call
from ari_apps.acd.settings import AcdSettings
from ari_apps.ari import AriError
from ari_apps.prompts import Prompts
from crm_core import calls, recordings
from crm_core.db import AsyncDatabase, Database
from dialplan import variables as v
from tests.unit.acd.test_after_call import RecordingAri


class RefusingAri(RecordingAri):
    async def request(self, resource: str, operation: str, /, **params: Any) -> Any:
        await super().request(resource, operation, **params)
        raise AriError("Recording already in progress", 409)


def record(database: Database, ari: RecordingAri) -> str:
    with database.session() as session:
        call_id = calls.open_call(session, channel_id="chan-1", caller_number="13800000002",
                                  dialed_number="95500").id

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=1) as executor:
            acd = AcdApp("hotline-acd", AsyncDatabase(database, executor), Prompts("/sounds"), AcdSettings())
            acd.ari = ari  # type: ignore[assignment]
            channel = {"id": "chan-1", "caller": {"number": "13800000002"}, "channelvars": {v.CALL_ID: call_id}}
            session = AcdCallSession(acd, acd.deps, new_call(channel, "acd-b1", "general"), ev.Start())
            await session.carry_out(fx.RecordBridge("acd-b1", f"expert-{call_id}-k1", "expert"))
    asyncio.run(scenario())
    return call_id


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_bridge_is_recorded_and_the_recording_linked_to_the_call(database: Database) -> None:
    ari = RecordingAri()
    call_id = record(database, ari)
    assert ari.requests == [("bridges", "record", {"bridgeId": "acd-b1", "name": f"expert-{call_id}-k1",
                                                   "format": "wav", "ifExists": "fail"})]
    with database.session() as session:
        assert [(r.name, r.format, r.purpose) for r in recordings.of_call(session, call_id)] == [
            (f"expert-{call_id}-k1", "wav", "expert")]
        assert [e.kind for e in calls.events_of(session, call_id)][-1] == "recording"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_recorder_asterisk_refuses_is_noted_and_the_call_goes_on(database: Database) -> None:
    call_id = record(database, RefusingAri())
    with database.session() as session:
        assert recordings.of_call(session, call_id) == []
        last = calls.events_of(session, call_id)[-1]
        assert last.kind == "recording_failed" and "already in progress" in last.detail["error"]
