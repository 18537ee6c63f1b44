"""Supervisor endpoints (each action audited) and the live WebSocket's filtering per role."""

from __future__ import annotations

from typing import Any

from console.ports import LiveEvents, TelephonyError
from crm_core import audit
from crm_core.db import Database
from crm_core.events import CallEnded, QueueChanged, ScreenPop
from tests.unit.console.conftest import Staff, console_client, login, run
from tests.unit.console.doubles import FakeTelephony, one_agent_snapshot


def test_live_snapshot_as_json(database: Database, staff: Staff) -> None:
    telephony = FakeTelephony(snapshot=one_agent_snapshot(staff.agent_id, "1001", "Li Na"))

    async def scenario() -> dict[str, Any]:
        async with console_client(database, telephony) as client:
            await login(client, "9001")
            return await (await client.get("/api/supervisor/live")).json()

    live = run(scenario)
    assert live["calls_today"] == 11
    assert live["agents"][0]["job_number"] == "1001" and live["agents"][0]["phone_registered"] is True
    assert live["queues"][0] == {"skill": "general", "waiting": 2, "longest_wait_seconds": 42.0,
                                 "answered_today": 10, "abandoned_today": 1, "service_level": 0.9}


def test_listen_end_and_force_state_are_audited(database: Database, staff: Staff) -> None:
    telephony = FakeTelephony()

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "9001")
            started = await client.post("/api/supervisor/supervise", json={"agent_id": staff.agent_id,
                                                                           "mode": "whisper"})
            assert started.status == 201
            supervision_id = (await started.json())["supervision_id"]
            ended = await client.delete(f"/api/supervisor/supervise/{supervision_id}")
            assert ended.status == 200
            forced = await client.post(f"/api/supervisor/agents/{staff.agent_id}/state",
                                       json={"state": "not_ready", "reason": "coaching"})
            assert forced.status == 200
            assert (await client.post("/api/supervisor/agents/424242/state", json={"state": "logged_out"})).status \
                == 404
            assert (await client.post("/api/supervisor/agents/99999999999999/state",
                                      json={"state": "logged_out"})).status == 404
            assert (await client.post("/api/supervisor/supervise", json={"agent_id": 424242, "mode": "barge"})) \
                .status == 404
            telephony.fail_with = TelephonyError("not_on_call", "agent 1001 is not on a call")
            refused = await client.post("/api/supervisor/supervise", json={"agent_id": staff.agent_id,
                                                                           "mode": "barge"})
            assert refused.status == 409 and (await refused.json())["code"] == "not_on_call"

    run(scenario)
    assert telephony.requests[:3] == [("supervise", staff.supervisor_id, staff.agent_id, "whisper"),
                                      ("end_supervision", "sup-1"),
                                      ("set_agent_state", staff.agent_id, "not_ready", "coaching")]
    with database.session() as session:
        rows = [(r.actor, r.action, r.subject, r.outcome) for r in audit.entries(session)
                if r.action != "login"]
    assert rows == [
        ("agent:9001", "supervise.whisper", "agent:1001", "ok"),
        ("agent:9001", "supervise.end", "supervision:sup-1", "ok"),
        ("agent:9001", "agent.force_state", "agent:1001", "ok"),
        ("agent:9001", "supervise.barge", "agent:1001", "not_on_call"),
    ]


def test_an_agent_gets_only_their_own_events_and_a_supervisor_all(database: Database, staff: Staff) -> None:
    events = LiveEvents()
    mine = ScreenPop(staff.agent_id, "c1")
    theirs = ScreenPop(staff.other_agent_id, "c2")
    queue = QueueChanged("general", 3)

    async def receive(job_number: str) -> list[dict[str, Any]]:
        async with console_client(database, FakeTelephony(), events) as client:
            await login(client, job_number)
            async with client.ws_connect("/ws") as ws:
                assert (await ws.receive_json(timeout=5))["type"] == "hello"
                for event in (theirs, queue, mine, CallEnded(staff.agent_id, "c3", "completed")):
                    events.publish(event)
                got = [await ws.receive_json(timeout=5)]
                while True:
                    try:
                        got.append(await ws.receive_json(timeout=0.3))
                    except TimeoutError:
                        return got

    assert [e.get("call_id") for e in run(lambda: receive("1001"))] == ["c1", "c3"]
    assert [e["type"] for e in run(lambda: receive("9001"))] == ["screen_pop", "queue", "screen_pop", "call_ended"]


def test_the_websocket_needs_a_session(database: Database, staff: Staff) -> None:
    async def scenario() -> int:
        async with console_client(database, FakeTelephony()) as client:
            return (await client.get("/ws")).status

    assert run(scenario) == 401


def test_logout_closes_the_sessions_live_socket(database: Database, staff: Staff) -> None:
    async def scenario() -> int | None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            async with client.ws_connect("/ws") as ws:
                assert (await ws.receive_json(timeout=5))["type"] == "hello"
                assert (await client.post("/api/logout")).status == 200
                await ws.receive(timeout=5)
                return ws.close_code

    assert run(scenario) == 1008
