"""The desk's complaint flow with a real call through the real Asterisk, in real Chromium: a client keys 4 (the
complaints line), the agent with the complaints skill gets the call, and opens a complaint from the form the
screen-pop pre-filled (the client, by phone, the category); it is stored on that call, owned by the agent, and
acknowledged to the client through the outbox."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from crm_core.models import AgentState, Complaint, Notification
from hotline.scripted_call import CallScript
from tests.integration.conftest import Hotline
from tests.integration.test_console_e2e import call_in_background, log_in
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor

playwright_api = pytest.importorskip("playwright.sync_api")


def test_an_agent_on_a_call_opens_a_complaint_pre_filled_from_the_screen_pop(hotline: Hotline, browser: Any) -> None:
    investor_id = add_investor(hotline.db, "100000003", "Zhao Min", "13800000003")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"complaints": 9}, state=AgentState.LOGGED_OUT)])
    hotline.service.start()
    page = browser.new_page()
    log_in(page, hotline, "2001")
    page.wait_for_url("**/agent")
    page.get_by_test_id("ready-button").click()
    playwright_api.expect(page.get_by_test_id("agent-state")).to_have_text("ready", timeout=10_000)

    thread, observed = call_in_background(hotline, CallScript(HOTLINE, "13800000003", ["4"], talk_seconds=12))
    playwright_api.expect(page.get_by_test_id("caller-name")).to_have_text("Zhao Min", timeout=30_000)
    playwright_api.expect(page.get_by_test_id("complaint-client")).to_have_text("Zhao Min (100000003)")
    playwright_api.expect(page.get_by_test_id("complaint-channel")).to_have_text("phone")
    playwright_api.expect(page.get_by_test_id("complaint-category")).to_have_value("service")  # the complaints line
    page.get_by_test_id("complaint-summary").fill("Nobody called me back about my transfer")
    page.get_by_test_id("complaint-open").click()
    playwright_api.expect(page.get_by_test_id("complaint-status")).to_contain_text("acknowledged, resolve by",
                                                                                  timeout=10_000)
    thread.join(60)
    page.close()

    [obs] = observed
    with hotline.db.session() as session:
        [row] = session.scalars(select(Complaint)).all()
        assert (row.call_id, row.investor_id, row.channel, row.category, row.owner_id, row.status) == (
            obs.call_id, investor_id, "phone", "service", agents["2001"], "acknowledged")
        [ack] = session.scalars(select(Notification)).all()
        assert (ack.key, ack.investor_id, ack.template) == (f"complaint:{row.id}:ack", investor_id, "complaint_ack")
