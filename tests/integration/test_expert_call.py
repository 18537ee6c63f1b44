"""Expert help on the line against the real Asterisk and the real service: an agent brings a research analyst
(the expert pool, by skill) into a three-way call, the conference is recorded like a trading call (a recording
row linked to the call, a file in Asterisk's spool), either side may leave; or the agent hands the caller to the
expert queue. Driven through the console's JSON API as the desk does; checked in Asterisk and in the database."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from crm_core import calls, recordings
from hotline.scripted_call import CallScript
from tests.integration.conftest import Hotline
from tests.integration.test_desk_calls import (
    agent_state,
    bridge_of,
    call_row,
    console,
    event_kinds,
    inbound_call,
    talking_call,
)
from tests.support.desk import ari_delete, bridges, channel_names, moh_in_bridge
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, place_calls, wait_for

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def recording_file(hotline: Hotline, name: str) -> Path:
    return hotline.asterisk.host_base / "spool" / "recording" / f"{name}.wav"


def expert_recordings(hotline: Hotline, call_id: str) -> list[tuple[str, str]]:
    with hotline.db.session() as session:
        return [(r.name, r.purpose) for r in recordings.of_call(session, call_id)]


def agent_with_an_expert_ready(hotline: Hotline) -> tuple:
    """Agent 2001 (trading) talks with a caller; research analyst 2101 (expert_stocks) is ready."""
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}), AgentSpec("2101", {"expert_stocks": 9})])
    hotline.service.start(HOTLINE_ACD_WRAP_UP_SECONDS="0")
    agent = console(hotline, "2001")
    inbound_call(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=90))
    call_id = talking_call(hotline, agent)
    caller = call_row(hotline, call_id).channel_id
    bridge_id, members = bridge_of(hotline, caller) or ("", [])
    agent_channel = next(c for c in members if c.startswith("agent-"))
    return agent, agents, call_id, caller, bridge_id, agent_channel


def three_in_the_bridge(hotline: Hotline, bridge_id: str, caller: str, agent_channel: str) -> str:
    """Wait until the caller, the agent and an expert's leg are in the call's bridge; the expert's leg."""
    def found() -> str | None:
        members = bridges(hotline.asterisk).get(bridge_id, [])
        experts = [c for c in members if c.startswith("target-")]
        return experts[0] if caller in members and agent_channel in members and experts else None
    expert = wait_for(found, timeout=15)
    assert expert, bridges(hotline.asterisk)
    return str(expert)


def test_a_consulted_expert_joins_a_recorded_three_way_call_then_leaves(hotline: Hotline) -> None:
    agent, agents, call_id, caller, bridge_id, agent_channel = agent_with_an_expert_ready(hotline)
    status, body = agent.post(f"/api/calls/{call_id}/conference")
    assert (status, body.get("code")) == (409, "no_consultation"), body  # nobody consulted yet

    status, body = agent.post(f"/api/calls/{call_id}/transfer", {"to_job_number": "2101", "attended": True})
    assert status == 200, body
    assert wait_for(lambda: agent.live().get("call_state") == "consulting", timeout=10), agent.live()
    status, body = agent.post(f"/api/calls/{call_id}/conference")
    assert status == 200 and body["conference"] == "joined", body

    expert = three_in_the_bridge(hotline, bridge_id, caller, agent_channel)
    in_bridge = bridges(hotline.asterisk)[bridge_id]
    assert sorted(c for c in in_bridge if not c.startswith("Recorder")) == sorted([caller, agent_channel, expert])
    assert not [b for b in bridges(hotline.asterisk) if b.startswith("consult-")]  # the consultation's bridge went
    assert wait_for(lambda: not moh_in_bridge(hotline.asterisk, bridge_id), timeout=3)
    assert agent.live()["call_state"] == "conference"
    [(name, purpose)] = wait_for(lambda: expert_recordings(hotline, call_id), timeout=5)
    assert purpose == "expert" and name.startswith(f"expert-{call_id}-")
    assert agent.post(f"/api/calls/{call_id}/hold", {"on": True})[1]["code"] == "in_conference"
    time.sleep(3)  # the three talk a while

    status, body = agent.post(f"/api/calls/{call_id}/conference/leave", {"who": "expert"})
    assert status == 200, body
    assert wait_for(lambda: expert not in channel_names(hotline.asterisk), timeout=5)  # the analyst hung up
    assert sorted(c for c in bridges(hotline.asterisk)[bridge_id] if not c.startswith("Recorder")) == sorted(
        [caller, agent_channel])
    assert agent.live()["call_state"] == "talking"
    assert wait_for(lambda: agent_state(hotline, agents["2101"]) == "ready", timeout=5)

    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204  # the caller hangs up: the recording ends
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)
    kinds = event_kinds(hotline, call_id)
    assert kinds[kinds.index("answered"):] == ["answered", "hold", "consult_offered", "consulting", "conference",
                                               "recording", "conference_ended", "hangup"]
    wav = recording_file(hotline, name)
    assert wait_for(lambda: wav.is_file() and wav.stat().st_size > 8000 * 2 * 2, timeout=5), \
        "a few seconds of 8 kHz audio were recorded"


def test_an_expert_rung_straight_in_keeps_the_caller_when_the_agent_leaves(hotline: Hotline) -> None:
    agent, agents, call_id, caller, bridge_id, agent_channel = agent_with_an_expert_ready(hotline)
    status, body = agent.post(f"/api/calls/{call_id}/conference", {"to_job_number": "2101"})
    assert status == 200 and body["conference"] == "ringing", body

    expert = three_in_the_bridge(hotline, bridge_id, caller, agent_channel)
    assert wait_for(lambda: agent.live().get("call_state") == "conference", timeout=5)
    assert wait_for(lambda: len(expert_recordings(hotline, call_id)) == 1, timeout=5)

    status, body = agent.post(f"/api/calls/{call_id}/conference/leave", {"who": "agent"})
    assert status == 200, body
    assert wait_for(lambda: agent_channel not in channel_names(hotline.asterisk), timeout=5)  # 2001 hung up
    assert sorted(c for c in bridges(hotline.asterisk)[bridge_id] if not c.startswith("Recorder")) == sorted(
        [caller, expert])
    row = call_row(hotline, call_id)
    assert row.agent_id == agents["2101"] and row.status == "talking"  # the analyst's call now
    analyst = console(hotline, "2101")
    assert analyst.live()["call_id"] == call_id and analyst.live()["call_state"] == "talking"
    assert wait_for(lambda: agent_state(hotline, agents["2001"]) == "ready", timeout=5)

    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)
    kinds = event_kinds(hotline, call_id)
    assert kinds[kinds.index("answered"):] == ["answered", "hold", "consult_offered", "consulting", "conference",
                                               "recording", "transferred", "hangup"]
    [(name, _)] = expert_recordings(hotline, call_id)
    assert wait_for(lambda: recording_file(hotline, name).is_file(), timeout=5)


def test_the_agent_hands_the_caller_to_the_expert_queue(hotline: Hotline) -> None:
    agent, agents, call_id, caller, bridge_id, agent_channel = agent_with_an_expert_ready(hotline)
    status, body = agent.post(f"/api/calls/{call_id}/queue", {"topic": "nonsense"})
    assert status == 422, body
    status, body = agent.post(f"/api/calls/{call_id}/queue", {"topic": "stocks"})
    assert status == 200 and body["skill"] == "expert_stocks", body

    def analyst_talking() -> bool:
        members = bridges(hotline.asterisk).get(bridge_id, [])
        return caller in members and call_row(hotline, call_id).agent_id == agents["2101"] \
            and call_row(hotline, call_id).status == "talking"
    assert wait_for(analyst_talking, timeout=20), (bridges(hotline.asterisk), call_row(hotline, call_id))
    assert agent_channel not in channel_names(hotline.asterisk)
    assert call_row(hotline, call_id).category == "expert_stocks"
    kinds = event_kinds(hotline, call_id)
    assert kinds[kinds.index("answered"):].count("queued") == 1 and "transferred" in kinds
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)


def test_a_caller_asks_for_an_expert_from_the_ivr(hotline: Hotline) -> None:
    """Key 9 at the main menu, then the topic (2: funds): the caller waits for the funds analysts' pool and is
    answered by the analyst holding that skill, not by the trading agent who is free too."""
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9, "general": 9}),
                                     AgentSpec("2102", {"expert_funds": 9})])
    hotline.service.start()
    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["9", "2"],
                                                                      talk_seconds=1.5))]))
    assert wait_for(lambda: call_row(hotline, obs.call_id).status == "completed", timeout=10)  # the caller hung up
    row = call_row(hotline, obs.call_id)
    assert (row.category, row.agent_id, row.hangup_by) == ("expert_funds", agents["2102"], "caller")
    assert "zh/main_menu" in obs.prompts and "zh/expert_menu" in obs.prompts
    with hotline.db.session() as session:
        menus = [e.detail for e in calls.events_of(session, obs.call_id) if e.kind == "menu"]
    assert menus == [{"menu": "main", "key": "9", "category": "expert"},
                     {"menu": "expert", "key": "2", "category": "expert_funds"}]


def test_the_desk_brings_in_an_expert_lets_them_go_then_hands_the_caller_to_the_expert_queue(
        hotline: Hotline, browser: Any) -> None:
    """The same from the agent desktop in real Chromium: consult the analyst, the three-way button, the expert
    leaving, then the expert-queue form; each step checked in Asterisk's bridges or the call record."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}), AgentSpec("2101", {"expert_stocks": 9})])
    hotline.service.start()
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}/login")
    page.get_by_test_id("job-number").fill("2001")
    page.get_by_test_id("password").fill("pw-2001")
    page.get_by_test_id("login-button").click()
    page.wait_for_url("**/agent")
    playwright_api.expect(page.get_by_test_id("live-connection")).to_have_text("connected", timeout=10_000)
    inbound_call(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=90))
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("talking", timeout=40_000)
    # The call line's id comes with the screen-pop, an event after the state's: wait for it, not read it at once.
    playwright_api.expect(page.get_by_test_id("call-id")).not_to_have_text("", timeout=10_000)
    call_id = page.get_by_test_id("call-id").text_content() or ""
    caller = call_row(hotline, call_id).channel_id
    bridge_id, members = bridge_of(hotline, caller) or ("", [])
    agent_channel = next(c for c in members if c.startswith("agent-"))

    page.get_by_test_id("transfer-job").fill("2101")
    page.get_by_test_id("transfer-attended").check()
    page.get_by_test_id("transfer-button").click()
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("consulting", timeout=10_000)
    page.get_by_test_id("conference-join").click()
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("conference", timeout=10_000)
    playwright_api.expect(page.get_by_test_id("conference")).to_be_visible()
    playwright_api.expect(page.get_by_test_id("consultation")).to_be_hidden()
    playwright_api.expect(page.get_by_test_id("conference-target")).to_have_text(f"agent {agents['2101']}")
    expert = three_in_the_bridge(hotline, bridge_id, caller, agent_channel)

    page.get_by_test_id("conference-leave-expert").click()
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("talking", timeout=10_000)
    playwright_api.expect(page.get_by_test_id("conference")).to_be_hidden()
    assert wait_for(lambda: expert not in channel_names(hotline.asterisk), timeout=5)
    assert wait_for(lambda: agent_state(hotline, agents["2101"]) == "ready", timeout=5)

    page.get_by_test_id("expert-topic").select_option("stocks")
    page.get_by_test_id("expert-queue").click()
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("transferred", timeout=10_000)
    assert wait_for(lambda: call_row(hotline, call_id).agent_id == agents["2101"]
                    and call_row(hotline, call_id).status == "talking", timeout=20), call_row(hotline, call_id)
    assert call_row(hotline, call_id).category == "expert_stocks"
    page.close()
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)


def test_a_three_way_call_carries_on_across_a_service_restart(hotline: Hotline) -> None:
    agent, agents, call_id, caller, bridge_id, agent_channel = agent_with_an_expert_ready(hotline)
    assert agent.post(f"/api/calls/{call_id}/conference", {"to_job_number": "2101"})[0] == 200
    expert = three_in_the_bridge(hotline, bridge_id, caller, agent_channel)
    assert wait_for(lambda: agent.live().get("call_state") == "conference", timeout=5)

    hotline.service.kill()  # SIGKILL while the three talk
    hotline.service.start()
    # Recovered as the three-way call it was: nobody queued again, nobody hung up.
    assert wait_for(lambda: agent.live().get("call_state") == "conference", timeout=15), agent.live()
    assert {caller, agent_channel, expert} <= set(bridges(hotline.asterisk)[bridge_id])
    assert agent_state(hotline, agents["2101"]) == "busy"

    status, body = agent.post(f"/api/calls/{call_id}/conference/leave", {"who": "agent"})
    assert status == 200, body
    assert wait_for(lambda: agent_channel not in channel_names(hotline.asterisk), timeout=5)
    assert call_row(hotline, call_id).agent_id == agents["2101"]
    assert event_kinds(hotline, call_id).count("queued") == 1
    assert ari_delete(hotline.asterisk, f"channels/{caller}") == 204
    assert wait_for(lambda: call_row(hotline, call_id).status == "completed", timeout=10)
    assert len(expert_recordings(hotline, call_id)) == 1
