"""A supervision's requests, in order, against an ARI that behaves like Asterisk's on the points that matter:
a channel joins a bridge only once it is in the app (a snoop's StasisStart comes after the reply that made it).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ari_apps.ari import AriError
from ari_apps.supervise.app import SupervisionApp


class StasisAri:
    """Records every request; refuses, as Asterisk does, to bridge a channel that has not entered the app."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.in_stasis: set[str] = set()

    async def request(self, resource: str, operation: str, /, **params: Any) -> Any:
        self.requests.append((resource, operation, params))
        if (resource, operation) == ("bridges", "addChannel"):
            for channel in params["channel"].split(","):
                if channel not in self.in_stasis and not channel.startswith("agent"):
                    raise AriError('bridges.addChannel failed (422): {"message":"Channel not in Stasis application"}',
                                   422)
        return {}

    async def request_quietly(self, resource: str, operation: str, /, **params: Any) -> Any:
        self.requests.append((resource, operation, params))
        return None


def stasis_start(app: SupervisionApp, ari: StasisAri, channel_id: str) -> None:
    ari.in_stasis.add(channel_id)
    app.handle({"type": "StasisStart", "channel": {"id": channel_id}, "application": app.name})


def bridged(ari: StasisAri) -> list[str]:
    return [params["channel"] for resource, operation, params in ari.requests
            if (resource, operation) == ("bridges", "addChannel")]


@pytest.mark.parametrize("mode", ["listen", "whisper"])
def test_the_snoop_joins_the_supervisors_bridge_only_after_it_entered_the_app(mode: str) -> None:
    async def scenario() -> tuple[list[str], list[str], StasisAri]:
        ari = StasisAri()
        app = SupervisionApp("hotline-supervise", events=events.append)
        app.ari = ari  # type: ignore[assignment]
        supervision_id = await app.begin(mode, "PJSIP/2900", "agent-1", "acd-1", "call-1",
                                         supervisor_id=9, agent_id=1)
        stasis_start(app, ari, f"supervisor-{supervision_id}")
        await asyncio.sleep(0.05)
        before_snoop = bridged(ari)
        stasis_start(app, ari, f"snoop-{supervision_id}")
        await asyncio.sleep(0.05)
        after = bridged(ari)
        await app.end(supervision_id)
        await asyncio.sleep(0.05)
        return before_snoop, after, ari

    events: list[Any] = []
    before_snoop, after, ari = asyncio.run(scenario())
    supervisor = before_snoop[0]
    assert before_snoop == [supervisor]  # the supervisor's phone waits in the bridge
    assert after == [supervisor, supervisor.replace("supervisor-", "snoop-")]
    snoop = next(params for resource, operation, params in ari.requests if operation == "snoopChannelWithId")
    assert (snoop["spy"], snoop["whisper"]) == ("both", "out" if mode == "whisper" else "none")
    assert [event.state for event in events] == ["ringing", "active", "ended"]


def test_barge_joins_the_calls_own_bridge_when_the_supervisor_answers() -> None:
    async def scenario() -> StasisAri:
        ari = StasisAri()
        app = SupervisionApp("hotline-supervise")
        app.ari = ari  # type: ignore[assignment]
        supervision_id = await app.begin("barge", "PJSIP/2900", "agent-1", "acd-1", "call-1",
                                         supervisor_id=9, agent_id=1)
        stasis_start(app, ari, f"supervisor-{supervision_id}")
        await asyncio.sleep(0.05)
        return ari

    ari = asyncio.run(scenario())
    joins = [params for resource, operation, params in ari.requests if operation == "addChannel"]
    assert [join["bridgeId"] for join in joins] == ["acd-1"]
    assert not any(operation == "snoopChannelWithId" for _, operation, _ in ari.requests)
