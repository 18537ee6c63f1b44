"""The agent desk's call control against the real Asterisk and the real service: click-to-dial, hold,
attended transfer. Driven through the console's JSON API; checked in Asterisk (bridges, channels) and in
the database (call records, call events, agent states)."""

from __future__ import annotations

import asyncio
import threading
from typing import NamedTuple

import pytest
from sqlalchemy import select

from crm_core import calls
from crm_core.models import Agent, AgentState, Call
from hotline.scripted_call import CallObservation, CallScript
from tests.integration.conftest import Hotline
from tests.support.desk import ConsoleApi, ari_delete, bridges, channel_names, moh_in_bridge
from tests.support.hotline import (
    HOTLINE,
    NEVER_ANSWERS,
    AgentSpec,
    add_agents,
    add_investor,
    place_calls,
    wait_for,
)

# Call control is telephony: SQLite is enough here (the call records' PostgreSQL path is covered by the
# routing and console tests), and CI stays under its 30 minutes.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def console(hotline: Hotline, job_number: str) -> ConsoleApi:
    return ConsoleApi(f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}", job_number,
                      "pw-" + job_number)


def call_row(hotline: Hotline, call_id: str) -> Call:
    with hotline.db.session() as session:
        call = calls.get_call(session, call_id)
        session.expunge(call)
        return call


def event_kinds(hotline: Hotline, call_id: str) -> list[str]:
    with hotline.db.session() as session:
        return [e.kind for e in calls.events_of(session, call_id)]


def agent_state(hotline: Hotline, agent_id: int) -> str:
    with hotline.db.session() as session:
        agent = session.get(Agent, agent_id)
        assert agent is not None
        return agent.state


def inbound_call(hotline: Hotline, script: CallScript) -> tuple[threading.Thread, list[CallObservation]]:
    result: list[CallObservation] = []
    thread = threading.Thread(target=lambda: result.extend(asyncio.run(place_calls(hotline.asterisk, [(0, script)]))))
    thread.start()
    return thread, result


def talking_call(hotline: Hotline, agent: ConsoleApi) -> str:
    """The id of the call the agent is talking on, once it is connected."""
    call_id = wait_for(lambda: agent.live().get("call_id") if agent.live().get("call_state") == "talking" else None,
                       timeout=40)
    assert call_id, f"the agent never got the call: {agent.live()}"
    # The desk says talking just before the agent's channel joins the caller's bridge; the record says it after.
    assert wait_for(lambda: call_row(hotline, str(call_id)).status == "talking", timeout=5)
    return str(call_id)


def bridge_of(hotline: Hotline, channel_id: str) -> tuple[str, list[str]] | None:
    for bridge_id, members in bridges(hotline.asterisk).items():
        if channel_id in members:
            return bridge_id, members
    return None


# click-to-dial --------------------------------------------------------------------------------------------
def test_click_to_dial_rings_the_agent_then_the_customer_and_bridges_them(hotline: Hotline) -> None:
    investor_id = add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9})])
    hotline.service.env["HOTLINE_ACD_WRAP_UP_SECONDS"] = "3"
    hotline.service.start()
    agent = console(hotline, "2001")

    status, body = agent.post("/api/dial", {"number": "13800000002"})
    assert status == 201, body
    call_id = body["call_id"]
    # The agent's phone rings first (it answers after a second); the customer is not dialled yet.
    first = wait_for(lambda: [n for n in channel_names(hotline.asterisk).values()], timeout=5)
    assert first and all("hotline-agent-sim" in n for n in first), first
    assert agent_state(hotline, agents["2001"]) == AgentState.BUSY.value

    def connected() -> tuple[str, list[str]] | None:
        found = bridges(hotline.asterisk).get(f"dial-{call_id}")
        return (f"dial-{call_id}", found) if found and len(found) == 2 else None

    assert wait_for(connected, timeout=10), bridges(hotline.asterisk)
    names = channel_names(hotline.asterisk)
    members = sorted(names[c].split("@")[0] for c in bridges(hotline.asterisk)[f"dial-{call_id}"])
    assert members == ["Local/13800000002", "Local/answer"]  # the customer's number and the agent's phone

    # The customer joins the bridge a moment before the answer is written: wait for the record, then read it.
    assert wait_for(lambda: call_row(hotline, call_id).status == "talking", timeout=5), call_row(hotline, call_id)
    row = call_row(hotline, call_id)
    assert (row.direction, row.status, row.agent_id, row.investor_id) == ("outbound", "talking", agents["2001"],
                                                                         investor_id)
    assert agent.live()["state"] == "busy" and agent.live()["call_id"] == call_id
    status, pop = agent.request("GET", f"/api/calls/{call_id}/screen-pop")
    assert status == 200 and pop["caller_name"] == "Li Wei" and pop["direction"] == "outbound"

    agent_channel = next(c for c in bridges(hotline.asterisk)[f"dial-{call_id}"] if c.startswith("agent-"))
    assert ari_delete(hotline.asterisk, f"channels/{agent_channel}") == 204  # the agent hangs up
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)
    assert call_row(hotline, call_id).hangup_by == "agent"
    assert event_kinds(hotline, call_id) == ["dialled", "answered", "hangup"]
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) == "wrap_up", timeout=5)
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) == "ready", timeout=10)


def test_no_inbound_offer_while_the_agent_dials_out(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000003", "Zhang San", "13800000003")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9, "general": 5})])
    hotline.service.env["HOTLINE_ACD_ANNOUNCE_EVERY_SECONDS"] = "2"  # a waiting call hears its place every 2 s
    hotline.service.start()
    agent = console(hotline, "2001")
    status, body = agent.post("/api/dial", {"number": "13900000001"})
    assert status == 201, body
    outbound = body["call_id"]
    assert wait_for(lambda: call_row(hotline, outbound).status == "talking", timeout=10)

    thread, observed = inbound_call(hotline, CallScript(HOTLINE, "13800000003", ["1"], talk_seconds=1))

    def inbound_id() -> str | None:
        with hotline.db.session() as session:
            found = session.scalars(select(Call).where(Call.direction == "inbound")).first()
            return found.id if found and found.status == "queued" else None

    queued = wait_for(inbound_id, timeout=30)
    assert queued, "the inbound call never queued"
    # The ACD announces a call's place only while the call is still waiting, never once it is offered: first
    # when the router found no agent for it on arrival, then after each 2 s without news. A second announcement
    # proves the call was still waiting seconds later, not offered to the only agent (dialling out), while the
    # ACD's routing tick (every 0.3 s here) ran many times.
    kinds = wait_for(lambda: (k := event_kinds(hotline, queued)).count("announced") >= 2 and k, timeout=20)
    assert kinds and kinds[-2:] == ["announced", "announced"], event_kinds(hotline, queued)
    assert "offered" not in kinds

    agent_channel = next(c for c in channel_names(hotline.asterisk) if c.startswith("agent-"))
    assert ari_delete(hotline.asterisk, f"channels/{agent_channel}") == 204
    thread.join(60)
    [obs] = observed
    assert obs.agent_channel is not None, "the inbound call reached the agent once the outbound call ended"
    assert event_kinds(hotline, queued).count("offered") == 1
    assert call_row(hotline, outbound).status == "completed"
    # The inbound call's answer (busy) is written a moment after the caller heard the agent.
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) in ("ready", "busy"), timeout=5)


def test_click_to_dial_refusals(hotline: Hotline) -> None:
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.LOGGED_OUT),
                                     AgentSpec("2002", {"trading": 9}, state=AgentState.NOT_READY)])
    hotline.service.start()
    logged_out, not_ready = console(hotline, "2001"), console(hotline, "2002")

    status, body = logged_out.post("/api/dial", {"number": "13800000002"})
    assert (status, body["code"]) == (409, "not_logged_in"), body
    status, body = not_ready.post("/api/dial", {"number": "12ab"})
    assert status == 422 and "number" in body["error"]
    status, body = not_ready.post("/api/dial", {"number": "12"})
    assert (status, body["code"]) == (409, "bad_number"), body

    # The customer is busy (a number ending in 9): the call fails, the agent is back to not ready.
    status, body = not_ready.post("/api/dial", {"number": "13800000009"})
    assert status == 201, body
    busy = body["call_id"]
    status, again = not_ready.post("/api/dial", {"number": "13800000002"})
    assert (status, again["code"]) == (409, "agent_busy"), again  # already on a call
    assert wait_for(lambda: call_row(hotline, busy).status == "failed", timeout=15)
    assert "dial_failed" in event_kinds(hotline, busy)
    # The agent picked up, so wrap-up (0 s here) follows, then ready as after any call.
    assert wait_for(lambda: agent_state(hotline, agents["2002"]) == "ready", timeout=5)
    assert not wait_for(lambda: channel_names(hotline.asterisk) or None, timeout=3)

    # Nobody answers (a number ending in 0): the dial timeout ends it.
    status, body = not_ready.post("/api/dial", {"number": "13800000000"})
    assert status == 201, body
    assert wait_for(lambda: call_row(hotline, body["call_id"]).status == "failed", timeout=20)


# hold -----------------------------------------------------------------------------------------------------
class AgentTalking(NamedTuple):
    agent: ConsoleApi
    agents: dict[str, int]
    thread: threading.Thread  # the caller's; it ends when the caller is hung up
    call_id: str
    caller: str  # the caller's channel
    bridge_id: str
    members: list[str]  # the bridge's channels: the caller's and the agent's

    @property
    def agent_channel(self) -> str:
        return next(c for c in self.members if c.startswith("agent-"))


def agent_2001_talking(hotline: Hotline, **settings: str) -> AgentTalking:
    """Agent 2001 (simulated phone) talks with a caller who stays a minute; `settings` go to the service."""
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9})])
    hotline.service.start(**settings)
    agent = console(hotline, "2001")
    thread, _ = inbound_call(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=60))
    call_id = talking_call(hotline, agent)
    caller = call_row(hotline, call_id).channel_id
    bridge_id, members = bridge_of(hotline, caller) or ("", [])
    return AgentTalking(agent, agents, thread, call_id, caller, bridge_id, members)


def test_hold_takes_the_agent_out_and_plays_moh_to_the_caller(hotline: Hotline) -> None:
    talking = agent_2001_talking(hotline, HOTLINE_ACD_WRAP_UP_SECONDS="3")
    agent, agents, thread, call_id, caller, bridge_id, _ = talking
    agent_channel = talking.agent_channel

    status, body = agent.post(f"/api/calls/{call_id}/hold", {"on": True})
    assert status == 200, body
    held = bridges(hotline.asterisk)[bridge_id]
    assert agent_channel not in held and caller in held  # the agent left the caller's bridge...
    assert moh_in_bridge(hotline.asterisk, bridge_id)  # ...where music on hold now plays to the caller
    assert agent_channel in channel_names(hotline.asterisk)  # the agent's phone stays up
    assert agent.live()["call_state"] == "held"

    status, body = agent.post(f"/api/calls/{call_id}/hold", {"on": False})
    assert status == 200, body
    resumed = bridges(hotline.asterisk)[bridge_id]
    assert agent_channel in resumed and caller in resumed
    assert wait_for(lambda: not moh_in_bridge(hotline.asterisk, bridge_id), timeout=3)
    assert agent.live()["call_state"] == "talking"

    # On hold again, the caller hangs up: the call ends cleanly, the agent goes to wrap-up.
    assert agent.post(f"/api/calls/{call_id}/hold", {"on": True})[0] == 200
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    thread.join(30)
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)
    assert call_row(hotline, call_id).hangup_by == "caller"
    kinds = event_kinds(hotline, call_id)
    assert kinds[kinds.index("answered"):] == ["answered", "hold", "unhold", "hold", "hangup"]
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) == "wrap_up", timeout=5)
    status, body = agent.post(f"/api/calls/{call_id}/hold", {"on": False})
    assert (status, body["code"]) == (409, "unknown_call"), body


def test_talking_and_held_calls_carry_on_across_service_restarts(hotline: Hotline) -> None:
    talking = agent_2001_talking(hotline)
    agent, _, thread, call_id, caller, bridge_id, members = talking
    agent_channel = talking.agent_channel

    hotline.service.kill()  # SIGKILL while the caller talks with the agent (a simulated phone: a Local channel)
    hotline.service.start()
    assert wait_for(lambda: agent.live().get("call_state") == "talking", timeout=15), agent.live()
    assert sorted(bridges(hotline.asterisk)[bridge_id]) == sorted(members)  # still together

    assert agent.post(f"/api/calls/{call_id}/hold", {"on": True})[0] == 200
    hotline.service.kill()  # SIGKILL while the caller hears music on hold and the agent's phone waits
    hotline.service.start()
    # Recovered as held: neither re-queued to another agent nor the agent's phone hung up.
    assert wait_for(lambda: agent.live().get("call_state") == "held", timeout=15), agent.live()
    assert agent_channel in channel_names(hotline.asterisk) and moh_in_bridge(hotline.asterisk, bridge_id)
    assert call_row(hotline, call_id).status == "talking"

    status, body = agent.post(f"/api/calls/{call_id}/hold", {"on": False})
    assert status == 200, body
    assert agent_channel in bridges(hotline.asterisk)[bridge_id]
    assert wait_for(lambda: not moh_in_bridge(hotline.asterisk, bridge_id), timeout=3)
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    thread.join(30)
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)
    kinds = event_kinds(hotline, call_id)
    assert kinds[kinds.index("answered"):] == ["answered", "hold", "unhold", "hangup"]


def test_hold_is_refused_on_a_call_that_is_not_the_agents(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}),
                            AgentSpec("2900", {"general": 1}, role="supervisor", state=AgentState.NOT_READY)])
    hotline.service.start()
    agent = console(hotline, "2001")
    thread, _ = inbound_call(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=60))
    call_id = talking_call(hotline, agent)
    caller = call_row(hotline, call_id).channel_id

    supervisor = console(hotline, "2900")  # supervisors may hold any call
    assert supervisor.post(f"/api/calls/{call_id}/hold", {"on": True})[0] == 200
    status, body = agent.post(f"/api/calls/{call_id}/transfer/complete")
    assert (status, body["code"]) == (409, "no_consultation"), body
    status, body = agent.post("/api/calls/nosuchcall/hold", {"on": True})
    assert status == 404, body
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    thread.join(30)


# attended transfer ----------------------------------------------------------------------------------------
def consult_bridge(hotline: Hotline) -> tuple[str, list[str]] | None:
    for bridge_id, members in bridges(hotline.asterisk).items():
        if bridge_id.startswith("consult-") and len(members) == 2:
            return bridge_id, members
    return None


def talking_with_a_colleague_ready(hotline: Hotline) -> tuple[ConsoleApi, dict[str, int], str, str, str, str]:
    """Agent 2001 talks with a caller while agent 2002 (another skill) is ready: (agent 2001's console,
    agents, call id, caller's channel, the call's bridge, agent 2001's channel)."""
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}), AgentSpec("2002", {"funds": 9})])
    hotline.service.start()
    agent = console(hotline, "2001")
    inbound_call(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=60))
    call_id = talking_call(hotline, agent)
    caller = call_row(hotline, call_id).channel_id
    bridge_id, members = bridge_of(hotline, caller) or ("", [])
    return agent, agents, call_id, caller, bridge_id, next(c for c in members if c.startswith("agent-"))


def start_consultation(hotline: Hotline) -> tuple[ConsoleApi, dict[str, int], str, str, str, str, str]:
    """Agent 2001 talks with a caller, then consults agent 2002 (attended transfer, not yet completed)."""
    agent, agents, call_id, caller, bridge_id, agent_channel = talking_with_a_colleague_ready(hotline)
    status, body = agent.post(f"/api/calls/{call_id}/transfer", {"to_job_number": "2002", "attended": True})
    assert status == 200, body
    found = wait_for(lambda: consult_bridge(hotline), timeout=10)
    assert found, bridges(hotline.asterisk)
    assert agent_channel in found[1]  # agent 2001 talks with agent 2002's phone...
    assert agent_channel not in bridges(hotline.asterisk)[bridge_id]
    assert moh_in_bridge(hotline.asterisk, bridge_id)  # ...while the caller hears music on hold
    assert wait_for(lambda: agent.live().get("call_state") == "consulting", timeout=5)
    # The target joins the consultation a moment before its busy state is written.
    assert wait_for(lambda: agent_state(hotline, agents["2002"]) == "busy", timeout=5)
    target_channel = next(c for c in found[1] if c != agent_channel)
    return agent, agents, call_id, caller, bridge_id, agent_channel, target_channel


def test_attended_transfer_completed(hotline: Hotline) -> None:
    agent, agents, call_id, caller, bridge_id, agent_channel, target_channel = start_consultation(hotline)

    status, body = agent.post(f"/api/calls/{call_id}/transfer/complete")
    assert status == 200, body
    assert target_channel in bridges(hotline.asterisk)[bridge_id]  # the caller talks with agent 2002
    assert wait_for(lambda: not moh_in_bridge(hotline.asterisk, bridge_id), timeout=3)
    assert wait_for(lambda: agent_channel not in channel_names(hotline.asterisk), timeout=5)  # 2001 hung up
    assert not [b for b in bridges(hotline.asterisk) if b.startswith("consult-")]
    row = call_row(hotline, call_id)
    assert row.agent_id == agents["2002"] and row.status == "talking"
    kinds = event_kinds(hotline, call_id)
    assert kinds[kinds.index("answered"):] == ["answered", "hold", "consult_offered", "consulting", "transferred"]
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) == "ready", timeout=5)  # wrap-up is 0 s here
    assert agent_state(hotline, agents["2002"]) == "busy"
    assert agent.post(f"/api/calls/{call_id}/hold", {"on": True})[1]["code"] == "not_your_call"
    target = console(hotline, "2002")
    assert target.live()["call_id"] == call_id and target.live()["call_state"] == "talking"

    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204  # the caller hangs up on agent 2002
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)
    assert wait_for(lambda: agent_state(hotline, agents["2002"]) == "ready", timeout=5)


def test_attended_transfer_cancelled(hotline: Hotline) -> None:
    agent, agents, call_id, caller, bridge_id, agent_channel, target_channel = start_consultation(hotline)

    status, body = agent.post(f"/api/calls/{call_id}/transfer/cancel")
    assert status == 200, body
    assert agent_channel in bridges(hotline.asterisk)[bridge_id]  # the caller is back with agent 2001
    assert wait_for(lambda: not moh_in_bridge(hotline.asterisk, bridge_id), timeout=3)
    assert wait_for(lambda: target_channel not in channel_names(hotline.asterisk), timeout=5)  # 2002 hung up
    assert not [b for b in bridges(hotline.asterisk) if b.startswith("consult-")]
    row = call_row(hotline, call_id)
    assert row.agent_id == agents["2001"] and row.status == "talking"
    kinds = event_kinds(hotline, call_id)
    assert kinds[kinds.index("answered"):] == ["answered", "hold", "consult_offered", "consulting",
                                               "consult_cancelled", "unhold"]
    assert wait_for(lambda: agent_state(hotline, agents["2002"]) == "ready", timeout=5)
    assert agent_state(hotline, agents["2001"]) == "busy" and agent.live()["call_state"] == "talking"

    assert ari_delete(hotline.asterisk, f"channels/{agent_channel}") == 204  # agent 2001 ends the call
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)


def test_a_consultation_carries_on_across_a_service_restart(hotline: Hotline) -> None:
    agent, agents, call_id, caller, bridge_id, agent_channel, target_channel = start_consultation(hotline)

    hotline.service.kill()  # SIGKILL while agent 2001 talks with agent 2002 and the caller hears music on hold
    hotline.service.start()
    # Recovered as the consultation it was: the caller is not queued again, nobody is hung up.
    # 30 s: the restarted service first imports, migrates and reconnects, which under make test's load (eight
    # groups on two cores) once took longer than the 15 s this waited before
    assert wait_for(lambda: agent.live().get("call_state") == "consulting", timeout=30), (
        agent.live(), event_kinds(hotline, call_id), hotline.service.log.read_text()[-2000:])
    assert moh_in_bridge(hotline.asterisk, bridge_id) and bridges(hotline.asterisk)[bridge_id] == [caller]
    assert {agent_channel, target_channel} <= set(channel_names(hotline.asterisk))

    status, body = agent.post(f"/api/calls/{call_id}/transfer/complete")
    assert status == 200, body
    assert target_channel in bridges(hotline.asterisk)[bridge_id]  # the caller talks with agent 2002
    assert wait_for(lambda: agent_channel not in channel_names(hotline.asterisk), timeout=5)  # 2001 hung up
    assert not [b for b in bridges(hotline.asterisk) if b.startswith("consult-")]
    assert call_row(hotline, call_id).agent_id == agents["2002"]
    kinds = event_kinds(hotline, call_id)
    assert kinds.count("queued") == 1
    assert kinds[kinds.index("answered"):] == ["answered", "hold", "consult_offered", "consulting", "transferred"]
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) == "ready", timeout=5)
    assert agent_state(hotline, agents["2002"]) == "busy"
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)


def test_attended_transfer_to_an_outside_number(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9})])
    hotline.service.start()
    agent = console(hotline, "2001")
    inbound_call(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=60))
    call_id = talking_call(hotline, agent)
    caller = call_row(hotline, call_id).channel_id

    status, body = agent.post(f"/api/calls/{call_id}/transfer", {"to_number": "13900000001"})
    assert (status, body["code"]) == (409, "not_supported"), body  # blind to a number: not offered
    status, body = agent.post(f"/api/calls/{call_id}/transfer", {"to_number": "13900000001", "attended": True})
    assert status == 200, body
    found = wait_for(lambda: consult_bridge(hotline), timeout=10)
    assert found, bridges(hotline.asterisk)
    assert agent.post(f"/api/calls/{call_id}/transfer/complete")[0] == 200
    _, members = bridge_of(hotline, caller) or ("", [])
    names = channel_names(hotline.asterisk)
    # The caller now talks with the outside number; the agent's phone is gone from the call.
    assert sorted(names[c].split("@")[0] for c in members) == ["Local/13900000001", "Local/95500-13800000002"]
    assert call_row(hotline, call_id).agent_id is None
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) == "ready", timeout=5)
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)


def test_a_consulted_agent_who_does_not_answer_gives_the_caller_back(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}),
                                     AgentSpec("2002", {"funds": 9}, device=NEVER_ANSWERS)])
    hotline.service.start()
    agent = console(hotline, "2001")
    inbound_call(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=60))
    call_id = talking_call(hotline, agent)
    caller = call_row(hotline, call_id).channel_id
    bridge_id, members = bridge_of(hotline, caller) or ("", [])
    agent_channel = next(c for c in members if c.startswith("agent-"))

    assert agent.post(f"/api/calls/{call_id}/transfer", {"to_job_number": "2002", "attended": True})[0] == 200
    assert agent.live()["call_state"] == "consult_ringing"
    status, body = agent.post(f"/api/calls/{call_id}/transfer/complete")
    assert (status, body["code"]) == (409, "consult_not_answered"), body
    # The ring timeout (3 s here) passes: agent 2002 missed it, the caller is back with agent 2001.
    back = wait_for(lambda: agent.live().get("call_state") == "talking", timeout=10)
    assert back, (agent.live().get("call_state"), event_kinds(hotline, call_id))
    assert agent_channel in bridges(hotline.asterisk)[bridge_id]
    assert not [b for b in bridges(hotline.asterisk) if b.startswith("consult-")]

    def since_answered() -> list[str]:
        kinds = event_kinds(hotline, call_id)
        return kinds[kinds.index("answered"):]

    # The caller is back with the agent a moment before the "unhold" event is written.
    expected = ["answered", "hold", "consult_offered", "consult_failed", "unhold"]
    assert wait_for(lambda: since_answered() == expected, timeout=5), event_kinds(hotline, call_id)
    assert agent_state(hotline, agents["2002"]) == "not_ready"  # like any missed offer
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)


def test_blind_transfer_to_another_agent(hotline: Hotline) -> None:
    agent, agents, call_id, caller, bridge_id, agent_channel = talking_with_a_colleague_ready(hotline)
    assert agent.post(f"/api/calls/{call_id}/transfer", {"to_job_number": "2002"})[0] == 200
    assert wait_for(lambda: call_row(hotline, call_id).agent_id == agents["2002"], timeout=10)
    members = bridges(hotline.asterisk)[bridge_id]
    assert agent_channel not in members and len(members) == 2 and caller in members
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) == "ready", timeout=5)
    assert agent_state(hotline, agents["2002"]) == "busy"
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)
