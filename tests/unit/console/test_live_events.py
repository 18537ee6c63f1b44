"""The live events: one shape each (crm_core/events.py), routed to the right audience, and read by the browser
scripts only through the names and fields the server generates from them (/live-events.js)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from console.live import DESK_EVENTS, schema_script, visible_to
from console.pages import STATIC
from crm_core.db import Database
from crm_core.events import (
    LIVE_EVENTS,
    SCHEMA,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallOffered,
    CallState,
    ChatChanged,
    ComplaintEscalated,
    Hello,
    LiveEvent,
    PhoneRegistration,
    QueueChanged,
    ScreenPop,
    SupervisionChanged,
)
from crm_core.web_sessions import StaffIdentity
from tests.unit.console.conftest import Staff, console_client, login, run
from tests.unit.console.doubles import FakeTelephony

SCRIPTS = ("common.js", "agent.js", "supervisor.js", "login.js")

# One example of every live event, for agent 7, with what its JSON object must be.
EXAMPLES: list[tuple[LiveEvent, dict[str, object]]] = [
    (ScreenPop(7, "c1", "13800000002"),
     {"type": "screen_pop", "agent_id": 7, "call_id": "c1", "caller_number": "13800000002", "consultation": False,
      "callback": False}),
    (AgentStateChanged(7, "not_ready", "break"),
     {"type": "agent_state", "agent_id": 7, "state": "not_ready", "reason": "break"}),
    (PhoneRegistration(7, "PJSIP/agent2001", True),
     {"type": "phone", "agent_id": 7, "endpoint": "PJSIP/agent2001", "registered": True}),
    (CallState(7, "c1", "ringing", caller_number="13800000002"),
     {"type": "call_state", "agent_id": 7, "call_id": "c1", "state": "ringing", "target_agent_id": None,
      "target_number": None, "caller_number": "13800000002"}),
    (CallEnded(7, "c1", "missed", "agent"),
     {"type": "call_ended", "agent_id": 7, "call_id": "c1", "status": "missed", "hangup_by": "agent"}),
    (QueueChanged("general", 3), {"type": "queue", "skill": "general", "waiting": 3}),
    (SupervisionChanged("s1", 9, 7, "c1", "whisper", "active"),
     {"type": "supervision", "supervision_id": "s1", "supervisor_id": 9, "agent_id": 7, "call_id": "c1",
      "mode": "whisper", "state": "active"}),
    (CallOffered("c1", "general", 1764650000.5),
     {"type": "call_offered", "call_id": "c1", "skill": "general", "entered_at": 1764650000.5}),
    (CallAnswered("c1", 7, 12.5), {"type": "call_answered", "call_id": "c1", "agent_id": 7, "wait_seconds": 12.5}),
    (CallAbandoned("c1", 30.0, "queue"),
     {"type": "call_abandoned", "call_id": "c1", "wait_seconds": 30.0, "where": "queue"}),
    (ComplaintEscalated(4, 1, "9001", "not acknowledged by 2026-12-02T16:00:00+00:00"),
     {"type": "complaint_escalated", "complaint_id": 4, "level": 1, "to": "9001",
      "reason": "not acknowledged by 2026-12-02T16:00:00+00:00"}),
    (ChatChanged(7, 5, "ended", 3, "client"),
     {"type": "chat", "agent_id": 7, "chat_id": 5, "state": "ended", "seq": 3, "ended_by": "client"}),
]


def identity(agent_id: int, role: str = "agent") -> StaffIdentity:
    return StaffIdentity(agent_id=agent_id, job_number=str(agent_id), name="x", role=role,
                         expires_at=datetime.now(UTC) + timedelta(hours=1))


# the events' shapes -------------------------------------------------------------------------------------------
def test_the_examples_cover_every_live_event_once() -> None:
    assert sorted(type(event).__name__ for event, _ in EXAMPLES) == sorted(cls.__name__ for cls in LIVE_EVENTS)


@pytest.mark.parametrize(("event", "shape"), EXAMPLES, ids=lambda value: getattr(value, "type", ""))
def test_each_event_has_one_json_shape(event: LiveEvent, shape: dict[str, object]) -> None:
    assert event.as_dict() == shape
    assert json.loads(json.dumps(event.as_dict())) == shape  # what the WebSocket carries


def test_events_are_frozen_and_their_names_unique() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ScreenPop(7, "c1").call_id = "c2"  # type: ignore[misc]
    names = [cls.type for cls in (*LIVE_EVENTS, Hello)]
    assert len(names) == len(set(names)) == len(SCHEMA)


def test_a_wrong_field_name_does_not_build_an_event() -> None:
    with pytest.raises(TypeError):
        CallEnded(agent_id=7, call_id="c1", outcome="missed")  # type: ignore[call-arg]


def test_the_schema_is_the_dataclasses_fields() -> None:
    for cls in (*LIVE_EVENTS, Hello):
        assert SCHEMA[cls.type] == ["type", *(f.name for f in dataclasses.fields(cls))]
    assert Hello(9001, "supervisor").as_dict() == {"type": "hello", "agent_id": 9001, "role": "supervisor"}


# who receives what ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("event", "shape"), EXAMPLES, ids=lambda value: getattr(value, "type", ""))
def test_each_event_goes_to_its_agents_desk_or_to_supervisors_only(event: LiveEvent, shape: object) -> None:
    for_desk = shape["type"] in {"screen_pop", "agent_state", "phone", "call_state", "call_ended",
                                 "chat"}  # type: ignore[index]
    assert isinstance(event, DESK_EVENTS) is for_desk
    assert visible_to(identity(7), event) is for_desk  # the agent the event names
    assert not visible_to(identity(8), event)  # another agent
    assert visible_to(identity(8, "supervisor"), event)
    assert visible_to(identity(8, "administrator"), event)


def test_the_websocket_carries_typed_events_as_their_json(database: Database, staff: Staff) -> None:
    from console.ports import LiveEvents

    events = LiveEvents()
    sent = [CallOffered("c9", "general", 1764650000.0), ScreenPop(staff.agent_id, "c9"),
            SupervisionChanged("s1", staff.supervisor_id, staff.agent_id, "c9", "listen", "ended")]

    async def receive(job_number: str) -> list[dict[str, object]]:
        async with console_client(database, FakeTelephony(), events) as client:
            await login(client, job_number)
            async with client.ws_connect("/ws") as ws:
                hello = await ws.receive_json(timeout=5)
                for event in sent:
                    events.publish(event)
                got = [hello]
                while True:
                    try:
                        got.append(await ws.receive_json(timeout=0.3))
                    except TimeoutError:
                        return got

    assert run(lambda: receive("1001")) == [Hello(staff.agent_id, "agent").as_dict(), sent[1].as_dict()]
    assert run(lambda: receive("9001")) == [Hello(staff.supervisor_id, "supervisor").as_dict(),
                                            *(event.as_dict() for event in sent)]


# what the browser scripts read -----------------------------------------------------------------------------------
def test_the_pages_load_the_generated_names_before_the_scripts(database: Database, staff: Staff) -> None:
    async def scenario() -> tuple[str, str, str]:
        async with console_client(database, FakeTelephony()) as client:
            script = await client.get("/live-events.js")
            assert script.status == 200 and script.content_type == "application/javascript"
            await login(client, "9001")
            return await script.text(), await (await client.get("/agent")).text(), \
                await (await client.get("/supervisor")).text()

    script, agent_page, supervisor_page = run(scenario)
    assert script == schema_script()
    assert json.loads(script.removeprefix("const LIVE_EVENTS = ").removesuffix(";\n")) == SCHEMA
    for page in (agent_page, supervisor_page):
        assert 0 < page.index('src="/live-events.js"') < page.index('src="/static/common.js"')


def _code_only(source: str) -> str:
    """The script without comments, and with every string literal emptied (its quotes kept)."""
    out: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i) if "\n" in source[i:] else len(source)
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif char in "\"'`":
            end = i + 1
            while source[end] != char:
                end += 2 if source[end] == "\\" else 1
            out.append(char * 2)
            i = end + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _block_end(code: str, opening: int) -> int:
    """The index just after the `}` that closes the `{` at `opening`."""
    depth = 0
    for index in range(opening, len(code)):
        depth += {"{": 1, "}": -1}.get(code[index], 0)
        if depth == 0:
            return index + 1
    raise ValueError("unbalanced braces")


HANDLER = re.compile(r"(\w+)\s*:\s*function\s*\((\w*)\)\s*\{")


def script_problems(source: str, schema: dict[str, list[str]]) -> list[str]:
    """Every live-event handler in a script (`name: function (event) {...}` in a handler table), checked against
    the schema: its name is an event's, and each field it reads of its event is that event's; a read of
    `event.<field>` outside the handlers (a filter over all of them) must be a field of every handled event."""
    code = _code_only(source)
    problems: list[str] = []
    handled = ["hello"]  # connectLive adds its own hello handler to every page's table
    outside = code
    for match in HANDLER.finditer(code):
        name, parameter = match.groups()
        body = code[match.end() - 1:_block_end(code, match.end() - 1)]
        outside = outside.replace(body, "")
        if name not in schema:
            problems.append(f"no live event named {name}")
            continue
        handled.append(name)
        if parameter:
            problems += [f"{name}.{field}" for field in re.findall(rf"\b{parameter}\.(\w+)", body)
                         if field not in schema[name]]
    common = set.intersection(*(set(schema[name]) for name in handled if name in schema))
    problems += [f"event.{field} (not in every handled event)" for field in re.findall(r"\bevent\.(\w+)", outside)
                 if field not in common]
    problems += [f"hand-typed event name {name}" for name in re.findall(r"\.type\s*[!=]==?\s*[\"'](\w+)", source)]
    return problems


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_field_the_scripts_read_is_in_the_events(script: str) -> None:
    assert script_problems((STATIC / script).read_text(), SCHEMA) == []


def test_the_desk_and_the_board_handle_the_events_they_live_on() -> None:
    code = {name: _code_only((STATIC / name).read_text()) for name in SCRIPTS}
    assert {m[0] for m in HANDLER.findall(code["agent.js"])} == {cls.type for cls in DESK_EVENTS}
    assert {m[0] for m in HANDLER.findall(code["supervisor.js"])} == {"supervision"}
    assert {m[0] for m in HANDLER.findall(code["common.js"])} == {"hello"}
    assert "connectLive(deskEvents, { accept: mine })" in code["agent.js"]
    assert "connectLive(boardEvents, { always: refresh })" in code["supervisor.js"]


@pytest.mark.parametrize(("change", "problem"), [
    (("event.call_id", "event.callid"), "screen_pop.callid"),
    (("event.registered", "event.is_registered"), "phone.is_registered"),
    (("  call_ended: function", "  call_end: function"), "no live event named call_end"),
    (("event.agent_id === desk.agentId", "event.call_id === desk.agentId"),
     "event.call_id (not in every handled event)"),
])
def test_a_misspelt_field_or_event_in_the_desk_script_is_caught(change: tuple[str, str], problem: str) -> None:
    source = (STATIC / "agent.js").read_text()
    assert change[0] in source
    assert problem in script_problems(source.replace(change[0], change[1], 1), SCHEMA)


def test_a_field_renamed_in_the_events_is_caught_in_the_scripts() -> None:
    renamed = {name: ["outcome" if field == "status" else field for field in fields]
               for name, fields in SCHEMA.items()}
    assert script_problems((STATIC / "agent.js").read_text(), renamed) == ["call_ended.status", "call_ended.status"]
    supervision = {**SCHEMA, "supervision": [f for f in SCHEMA["supervision"] if f != "supervision_id"]}
    assert script_problems((STATIC / "supervisor.js").read_text(), supervision) == ["supervision.supervision_id"]


def test_the_scripts_read_no_event_name_by_hand() -> None:
    hand_typed = 'if (event.type === "screen_pop") { go(); }\n'
    assert script_problems(hand_typed, SCHEMA) == ["hand-typed event name screen_pop"]
