"""The live events reports and notifications follow (a call offered to the queue, answered, abandoned) and a
supervision's steps, as a supervisor's WebSocket receives them from the real service while real calls go
through the real Asterisk. Event names come from crm_core.events, as the console's scripts get them."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from crm_core import calls
from crm_core.events import (
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallOffered,
    QueueChanged,
    SupervisionChanged,
)
from crm_core.models import AgentState
from hotline.scripted_call import CallObservation, CallScript
from tests.integration.conftest import Hotline
from tests.support.desk import ConsoleApi, LiveSocket
from tests.support.hotline import HOTLINE, NEVER_ANSWERS, AgentSpec, add_agents, add_investor, place_calls, wait_for

# Telephony events: SQLite is enough (the call records' PostgreSQL path is covered by the routing tests).
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SUPERVISOR = AgentSpec("2900", {}, role="supervisor", state=AgentState.NOT_READY)


def console_url(hotline: Hotline) -> str:
    return f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}"


def call_in_background(hotline: Hotline, script: CallScript) -> tuple[threading.Thread, list[CallObservation]]:
    result: list[CallObservation] = []
    thread = threading.Thread(target=lambda: result.extend(asyncio.run(place_calls(hotline.asterisk, [(0, script)]))))
    thread.start()
    return thread, result


def of_call(socket: LiveSocket, call_id: str) -> list[str]:
    """The types of the events about one call, in the order the socket received them."""
    return [m["type"] for m in list(socket.messages) if m.get("call_id") == call_id]


def test_an_answered_call_and_its_supervision_reach_the_supervisors_socket(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}), SUPERVISOR])
    hotline.service.start()
    socket = LiveSocket(console_url(hotline), "2900", "pw-2900")
    try:
        thread, observed = call_in_background(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=15))
        assert wait_for(lambda: socket.of_type(CallAnswered.type), timeout=30), socket.messages
        [answered] = socket.of_type(CallAnswered.type)
        status, started = ConsoleApi(console_url(hotline), "2900", "pw-2900").post(
            "/api/supervisor/supervise", {"agent_id": agents["2001"], "mode": "listen"})
        assert status == 201, started
        thread.join(60)
        assert wait_for(lambda: socket.of_type(CallEnded.type), timeout=10)
        assert wait_for(lambda: [m["state"] for m in socket.of_type(SupervisionChanged.type)][-1:] == ["ended"],
                        timeout=10), socket.of_type(SupervisionChanged.type)
    finally:
        socket.close()

    [obs] = observed
    with hotline.db.session() as session:
        call = calls.get_call(session, obs.call_id)
        skill, queued_at = call.category, call.queued_at
    [offered] = socket.of_type(CallOffered.type)
    assert offered["call_id"] == obs.call_id and offered["skill"] == skill
    assert queued_at is not None and abs(offered["entered_at"] - queued_at.timestamp()) < 1
    assert answered["call_id"] == obs.call_id and answered["agent_id"] == agents["2001"]
    assert 0 <= answered["wait_seconds"] < 30
    kinds = of_call(socket, obs.call_id)
    assert kinds.index(CallOffered.type) < kinds.index(CallAnswered.type) < kinds.index(CallEnded.type)
    assert CallAbandoned.type not in kinds
    # A free agent is offered the call as it joins the queue: the skill's queue is empty again at once.
    assert socket.of_type(QueueChanged.type) == [{"type": QueueChanged.type, "skill": skill, "waiting": 0}]
    steps = socket.of_type(SupervisionChanged.type)
    assert [m["state"] for m in steps] == ["ringing", "active", "ended"]
    assert {(m["supervision_id"], m["supervisor_id"], m["agent_id"], m["call_id"], m["mode"]) for m in steps} == \
        {(started["supervision_id"], agents["2900"], agents["2001"], obs.call_id, "listen")}


def queue_lengths(socket: LiveSocket, call_id: str) -> list[int]:
    """The lengths the queue events gave for the skill the call was offered in, in order."""
    skills = [m["skill"] for m in socket.of_type(CallOffered.type) if m["call_id"] == call_id]
    return [m["waiting"] for m in socket.of_type(QueueChanged.type) if skills and m["skill"] == skills[0]]


def test_callers_giving_up_are_abandoned_while_ringing_and_in_the_queue(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, device=NEVER_ANSWERS), SUPERVISOR])
    hotline.service.start(HOTLINE_ACD_RING_TIMEOUT_SECONDS="60")  # the caller gives up first
    socket = LiveSocket(console_url(hotline), "2900", "pw-2900")
    observed: list[Any] = []
    try:
        # Agent 2001 is offered the call at once and their phone rings until the caller hangs up.
        observed += asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["1"],
                                                                              hang_up_after=12))]))
        supervisor = ConsoleApi(console_url(hotline), "2900", "pw-2900")
        assert wait_for(lambda: [m["state"] for m in socket.of_type(AgentStateChanged.type)
                                 if m["agent_id"] == agents["2001"]][-1:] == ["ready"], timeout=10), socket.messages
        status, body = supervisor.post(f"/api/supervisor/agents/{agents['2001']}/state", {"state": "not_ready"})
        assert status == 200, body
        # Nobody ready: the caller waits in the queue, then hangs up.
        observed += asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["1"],
                                                                              hang_up_after=7))]))
        assert wait_for(lambda: len(socket.of_type(CallAbandoned.type)) == 2, timeout=10), socket.messages
        # the queue's own event follows the abandonment (the call leaves the queue as its record is closed)
        assert wait_for(lambda: queue_lengths(socket, observed[1].call_id)[-2:] == [1, 0], timeout=10), \
            socket.messages
    finally:
        socket.close()

    ringing, waiting = observed
    abandoned = {m["call_id"]: m for m in socket.of_type(CallAbandoned.type)}
    assert abandoned[ringing.call_id]["where"] == "ringing" and abandoned[waiting.call_id]["where"] == "queue"
    assert all(1 <= m["wait_seconds"] < 12 for m in abandoned.values()), abandoned
    for call_id in (ringing.call_id, waiting.call_id):
        kinds = of_call(socket, call_id)
        assert kinds.index(CallOffered.type) < kinds.index(CallAbandoned.type), kinds
        assert CallAnswered.type not in kinds
    waiting_skill = [m["skill"] for m in socket.of_type(CallOffered.type) if m["call_id"] == waiting.call_id][0]
    assert [m["waiting"] for m in socket.of_type(QueueChanged.type) if m["skill"] == waiting_skill][-2:] == [1, 0]
