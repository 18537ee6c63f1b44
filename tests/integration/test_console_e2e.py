"""The agent desktop and supervisor console in real Chromium, with real calls through the real Asterisk."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy import select

from crm_core import audit
from crm_core.models import AgentState, CallDisposition
from hotline.call_trace import wait_until_recorded
from hotline.scripted_call import CallObservation, CallScript
from tests.integration.conftest import Hotline
from tests.support.desk import ari_delete, bridges, channel_names, moh_in_bridge
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, place_calls, wait_for

playwright_api = pytest.importorskip("playwright.sync_api")


def console_url(hotline: Hotline) -> str:
    return f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}"


def log_in(page: Any, hotline: Hotline, job_number: str) -> None:
    page.goto(console_url(hotline) + "/login")
    page.get_by_test_id("job-number").fill(job_number)
    page.get_by_test_id("password").fill("pw-" + job_number)
    page.get_by_test_id("login-button").click()


def call_in_background(hotline: Hotline, script: CallScript) -> tuple[threading.Thread, list[CallObservation]]:
    result: list[CallObservation] = []
    thread = threading.Thread(target=lambda: result.extend(asyncio.run(place_calls(hotline.asterisk, [(0, script)]))))
    thread.start()
    return thread, result


def test_agent_gets_the_screen_pop_and_disposes(hotline: Hotline, browser: Any) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.LOGGED_OUT)])
    hotline.service.start()
    page = browser.new_page()
    log_in(page, hotline, "2001")
    page.wait_for_url("**/agent")
    page.get_by_test_id("ready-button").click()
    playwright_api.expect(page.get_by_test_id("agent-state")).to_have_text("ready", timeout=10_000)

    thread, observed = call_in_background(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=12))
    playwright_api.expect(page.get_by_test_id("caller-name")).to_have_text("Li Wei", timeout=30_000)
    # no risk assessment computed for this investor: suitability refuses every product, the agent must see it
    playwright_api.expect(page.get_by_test_id("risk-class")).to_have_text("none on file (declared C3)")
    playwright_api.expect(page.get_by_test_id("ivr-path")).to_contain_text("menu")
    page.get_by_test_id("disposition-note").fill("Asked how T+1 applies to today's buy")
    page.get_by_test_id("disposition-save").click()
    playwright_api.expect(page.get_by_test_id("disposition-saved")).not_to_be_empty(timeout=10_000)
    thread.join(60)
    page.close()

    [obs] = observed
    with hotline.db.session() as session:
        [disposition] = session.scalars(select(CallDisposition).where(CallDisposition.call_id == obs.call_id))
        assert disposition.note == "Asked how T+1 applies to today's buy"
        assert disposition.agent_id == agents["2001"]


@pytest.mark.parametrize("mode", ["listen", "whisper", "barge"])
def test_supervisor_sees_the_call_and_supervises_it(hotline: Hotline, browser: Any, mode: str) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}),
                            AgentSpec("2900", {"general": 1}, role="supervisor", state=AgentState.NOT_READY)])
    hotline.service.start()
    page = browser.new_page()
    log_in(page, hotline, "2900")
    page.wait_for_url("**/supervisor")

    # 20 s of talk: time for the board to show the call, the click and the supervisor's phone, under load
    thread, _ = call_in_background(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=20))
    row = page.get_by_test_id("agent-row-2001")
    playwright_api.expect(row).to_contain_text("13800000002", timeout=30_000)
    playwright_api.expect(row).to_contain_text("busy", timeout=10_000)  # answered: there is a call to join
    page.get_by_test_id(f"{mode}-2001").click()
    playwright_api.expect(page.get_by_test_id("supervisions")).to_contain_text(mode, timeout=10_000)

    def snoop_channels() -> list[str]:
        return [n for n in channel_names(hotline.asterisk).values() if n.startswith("Snoop/")]

    def three_party_bridge() -> bool:  # barge: the supervisor's phone joined the caller and the agent
        return any(b.startswith("acd-") and len(members) >= 3 for b, members in bridges(hotline.asterisk).items())

    assert wait_for(three_party_bridge if mode == "barge" else snoop_channels, timeout=15), \
        f"Asterisk shows no {mode} by the supervisor\n{hotline.service.log.read_text()[-4000:]}"
    thread.join(60)
    page.close()
    assert wait_for(lambda: not channel_names(hotline.asterisk), timeout=10), channel_names(hotline.asterisk)
    with hotline.db.session() as session:
        assert [e.outcome for e in audit.entries(session, action_prefix="supervise")][:1] == ["ok"]


def test_desk_dials_holds_and_transfers_with_consultation(hotline: Hotline, browser: Any) -> None:
    """Click-to-dial from the desk, hold and resume, then an attended transfer completed from the desk;
    each step checked in Asterisk's bridges and in the call's events."""

    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.NOT_READY),
                                     AgentSpec("2002", {"funds": 9})])
    hotline.service.start()
    page = browser.new_page()
    log_in(page, hotline, "2001")
    page.wait_for_url("**/agent")
    playwright_api.expect(page.get_by_test_id("live-connection")).to_have_text("connected", timeout=10_000)

    page.get_by_test_id("dial-number").fill("13800000002")
    page.get_by_test_id("dial-button").click()
    playwright_api.expect(page.get_by_test_id("caller-name")).to_have_text("Li Wei", timeout=15_000)
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("talking", timeout=15_000)
    call_id = page.get_by_test_id("call-id").text_content() or ""
    bridge_id = f"dial-{call_id}"
    names = channel_names(hotline.asterisk)
    assert sorted(names[c].split("@")[0] for c in bridges(hotline.asterisk)[bridge_id]) == \
        ["Local/13800000002", "Local/answer"]
    agent_channel = next(c for c in bridges(hotline.asterisk)[bridge_id] if c.startswith("agent-"))

    page.get_by_test_id("hold-button").click()
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("held", timeout=10_000)
    assert agent_channel not in bridges(hotline.asterisk)[bridge_id] and moh_in_bridge(hotline.asterisk, bridge_id)
    page.get_by_test_id("hold-button").click()
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("talking", timeout=10_000)
    assert agent_channel in bridges(hotline.asterisk)[bridge_id]

    page.get_by_test_id("transfer-job").fill("2002")
    page.get_by_test_id("transfer-attended").check()
    page.get_by_test_id("transfer-button").click()
    playwright_api.expect(page.get_by_test_id("consultation")).to_be_visible(timeout=10_000)
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("consulting", timeout=10_000)
    assert moh_in_bridge(hotline.asterisk, bridge_id)  # the customer waits with music
    page.get_by_test_id("transfer-complete").click()
    playwright_api.expect(page.get_by_test_id("call-state")).to_have_text("transferred", timeout=10_000)
    playwright_api.expect(page.get_by_test_id("consultation")).to_be_hidden()
    members = bridges(hotline.asterisk)[bridge_id]
    assert agent_channel not in members and len(members) == 2  # the customer and agent 2002's phone
    page.close()

    customer = next(c for c in members if c.startswith("dial-"))
    assert ari_delete(hotline.asterisk, f"channels/{customer}") == 204
    assert wait_for(lambda: not channel_names(hotline.asterisk), timeout=10), channel_names(hotline.asterisk)
    wait_until_recorded(hotline.db, call_id)  # the service writes the call's end a moment after the hang-up
    with hotline.db.session() as session:
        from crm_core import calls

        call = calls.get_call(session, call_id)
        assert (call.direction, call.status, call.agent_id) == ("outbound", "completed", agents["2002"])
        kinds = [e.kind for e in calls.events_of(session, call_id)]
        assert kinds == ["dialled", "answered", "hold", "unhold", "hold", "consult_offered", "consulting",
                         "transferred", "hangup"]
