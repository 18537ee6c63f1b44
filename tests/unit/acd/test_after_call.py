"""The ACD's interpreter for `AfterCall` (the agent hung up on the caller): the caller's channel leaves the bridge
and is offered to the post-call survey; taken, it is left alone (it is the survey app's now), refused or with no
survey wired, it is hung up as before. Against an ARI that records the requests; the survey's own side runs
against the real Asterisk in tests/integration/test_post_call_survey.py."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.app import AcdApp
from ari_apps.acd.call import AcdCallSession
from ari_apps.acd.deps import AfterCallHook
from ari_apps.acd.recovery import new_call
from ari_apps.acd.settings import AcdSettings
from ari_apps.prompts import Prompts
from crm_core.db import AsyncDatabase, Database
from dialplan import variables as v


class RecordingAri:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, Any]]] = []

    async def request(self, resource: str, operation: str, /, **params: Any) -> Any:
        self.requests.append((resource, operation, params))
        return {}

    async def request_quietly(self, resource: str, operation: str, /, **params: Any) -> Any:
        self.requests.append((resource, operation, params))
        return None


def after_call(database: Database, hook: AfterCallHook | None) -> list[tuple[str, str, dict[str, Any]]]:
    async def scenario() -> list[tuple[str, str, dict[str, Any]]]:
        with ThreadPoolExecutor(max_workers=1) as executor:
            acd = AcdApp("hotline-acd", AsyncDatabase(database, executor), Prompts("/sounds"), AcdSettings(),
                         after_call=hook)
            ari = RecordingAri()
            acd.ari = ari  # type: ignore[assignment]
            channel = {"id": "chan-c1", "caller": {"number": "13800000002"}, "channelvars": {v.CALL_ID: "c1"}}
            session = AcdCallSession(acd, acd.deps, new_call(channel, "acd-c1", "general"), ev.Start())
            await session.carry_out(fx.AfterCall("chan-c1", "acd-c1"))
            return ari.requests
    return asyncio.run(scenario())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_caller_taken_by_the_survey_is_not_hung_up(database: Database) -> None:
    offered: list[tuple[str, str]] = []

    async def take(call_id: str, channel_id: str) -> bool:
        offered.append((call_id, channel_id))
        return True

    requests = after_call(database, take)
    assert offered == [("c1", "chan-c1")]
    assert requests == [("bridges", "removeChannel", {"bridgeId": "acd-c1", "channel": "chan-c1"})]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_caller_the_survey_leaves_out_or_with_no_survey_is_hung_up(database: Database) -> None:
    async def refuse(call_id: str, channel_id: str) -> bool:
        return False

    hung_up = ("channels", "hangup", {"channelId": "chan-c1"})
    assert after_call(database, refuse)[-1] == hung_up
    assert after_call(database, None) == [hung_up]
