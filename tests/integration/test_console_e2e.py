"""The agent desktop and supervisor console in real Chromium, with real calls through the real Asterisk."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from crm_core import audit
from crm_core.models import AgentState, CallDisposition
from hotline.scripted_call import CallObservation, CallScript
from tests.integration.conftest import Hotline
from tests.support.browser import launch
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, place_calls, wait_for

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


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
    playwright_api.expect(page.get_by_test_id("risk-class")).to_have_text("C3")
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

    thread, _ = call_in_background(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=15))
    row = page.get_by_test_id("agent-row-2001")
    playwright_api.expect(row).to_contain_text("13800000002", timeout=30_000)
    playwright_api.expect(row).to_contain_text("busy", timeout=10_000)  # answered: there is a call to join
    page.get_by_test_id(f"{mode}-2001").click()
    playwright_api.expect(page.get_by_test_id("supervisions")).to_contain_text(mode, timeout=10_000)

    def snoop_channels() -> list[str]:
        names = [c["name"] for c in hotline.asterisk.ari_get("channels") or []]  # type: ignore[union-attr]
        return [n for n in names if n.startswith("Snoop/")]

    def three_party_bridge() -> bool:  # barge: the supervisor's phone joined the caller and the agent
        bridges = hotline.asterisk.ari_get("bridges") or []
        return any(b["id"].startswith("acd-") and len(b["channels"]) >= 3 for b in bridges)  # type: ignore[union-attr]

    assert wait_for(three_party_bridge if mode == "barge" else snoop_channels, timeout=15), \
        f"Asterisk shows no {mode} by the supervisor"
    thread.join(60)
    page.close()
    wait_for(lambda: not [c for c in hotline.asterisk.ari_get("channels") or []], timeout=10)  # type: ignore[union-attr]
    with hotline.db.session() as session:
        assert [e.outcome for e in audit.entries(session, action_prefix="supervise")][:1] == ["ok"]
