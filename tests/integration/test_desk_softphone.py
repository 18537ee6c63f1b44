"""The desk tells the truth about the agent's phone and call, with a real registered softphone (baresip).

The agent's SIP account (pushed to the real Asterisk from the database) is registered by baresip; the desk
in Chromium shows what Asterisk reports, live: the phone registered, the phone ringing for a scripted
caller, talking once the phone answers, the call ended when the phone hangs up, wrap-up, ready, and the
phone unregistered. The test decides when the phone answers and hangs up (baresip's control socket), and
checks each step in Asterisk too, so that the desk is compared with the PBX, not with the ACD's intentions.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_core import calls
from crm_core.models import AgentState
from hotline.call_trace import wait_until_recorded
from hotline.scripted_call import CallObservation, CallScript
from tests.integration.conftest import Hotline
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, place_calls, wait_for
from tests.support.softphone import BARESIP, Softphone

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(BARESIP is None, reason="baresip not installed (scripts/system-deps.sh --test)")

WRAP_UP_SECONDS = 3


@pytest.fixture
def phone(hotline: Hotline, tmp_path: Path) -> Iterator[Softphone]:
    """Agent 2001's softphone (not started): its SIP account is the one the database pushes to Asterisk."""
    softphone = Softphone(tmp_path / "baresip", "agent2001", "sip-2001",
                          f"127.0.0.1:{hotline.asterisk.settings.asterisk.sip_port}")
    yield softphone
    softphone.stop()


def endpoint_state(hotline: Hotline) -> str | None:
    endpoint = hotline.asterisk.ari_get("endpoints/PJSIP/agent2001")
    return endpoint.get("state") if isinstance(endpoint, dict) else None


NO_ANSWER = "ARI did not answer"


def phone_channel_state(hotline: Hotline) -> str | None:
    """The state of the channel Asterisk opened to agent 2001's phone; None if there is none (and a value
    that matches no expectation if ARI does not answer, so that a wait goes on and then fails)."""
    channels = hotline.asterisk.ari_get("channels")
    if not isinstance(channels, list):
        return NO_ANSWER
    return next((c["state"] for c in channels if c["name"].startswith("PJSIP/agent2001-")), None)


def open_desk(hotline: Hotline, browser: Any) -> Any:
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}/login")
    page.get_by_test_id("job-number").fill("2001")
    page.get_by_test_id("password").fill("pw-2001")
    page.get_by_test_id("login-button").click()
    page.wait_for_url("**/agent")
    playwright_api.expect(page.get_by_test_id("live-connection")).to_have_text("connected", timeout=10_000)
    return page


def call_in_background(hotline: Hotline, script: CallScript) -> tuple[threading.Thread, list[CallObservation]]:
    observed: list[CallObservation] = []
    caller = threading.Thread(target=lambda: observed.extend(asyncio.run(place_calls(hotline.asterisk, [(0, script)]))))
    caller.start()
    return caller, observed


def test_desk_follows_the_registered_phone_through_a_call(hotline: Hotline, browser: Any, phone: Softphone,
                                                          tmp_path: Path) -> None:
    expect = playwright_api.expect
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, device=None,  # type: ignore[arg-type]
                                      state=AgentState.NOT_READY)])
    hotline.service.start(HOTLINE_ACD_WRAP_UP_SECONDS=str(WRAP_UP_SECONDS), HOTLINE_ACD_RING_TIMEOUT_SECONDS="60")
    assert wait_for(lambda: endpoint_state(hotline) == "offline", timeout=15), "the account reached Asterisk"

    page = open_desk(hotline, browser)
    expect(page.get_by_test_id("phone-registered")).to_have_text("not registered", timeout=10_000)

    # The phone registers: Asterisk's endpoint goes online, and the desk says so without a reload.
    phone.start()
    assert wait_for(lambda: endpoint_state(hotline) == "online", timeout=15), phone.log()[-2000:]
    expect(page.get_by_test_id("phone-registered")).to_have_text("registered", timeout=15_000)
    page.get_by_test_id("ready-button").click()
    expect(page.get_by_test_id("agent-state")).to_have_text("ready", timeout=10_000)

    # A caller: the phone rings (baresip says so, Asterisk's channel to it is Ringing), and so does the desk.
    caller, observed = call_in_background(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=120))
    try:
        assert wait_for(lambda: phone.seen("CALL_INCOMING"), timeout=30), phone.log()[-2000:]
        assert wait_for(lambda: phone_channel_state(hotline) == "Ringing", timeout=10)
        expect(page.get_by_test_id("agent-state")).to_have_text("ringing", timeout=10_000)
        expect(page.get_by_test_id("call-state")).to_have_text("ringing", timeout=10_000)
        expect(page.get_by_test_id("screen-pop-empty")).to_be_visible()  # nobody is connected yet

        # The phone answers: talking, with the caller on the screen.
        phone.answer()
        assert wait_for(lambda: phone.seen("CALL_ESTABLISHED"), timeout=10), phone.log()[-2000:]
        assert wait_for(lambda: phone_channel_state(hotline) == "Up", timeout=10)
        expect(page.get_by_test_id("call-state")).to_have_text("talking", timeout=10_000)
        expect(page.get_by_test_id("agent-state")).to_have_text("busy", timeout=10_000)
        expect(page.get_by_test_id("caller-name")).to_have_text("Li Wei", timeout=10_000)
        call_id = page.get_by_test_id("call-id").text_content() or ""
        assert call_id

        # The phone hangs up: the call has ended, wrap-up counts down, then the desk is ready again.
        phone.hang_up()
        assert wait_for(lambda: phone_channel_state(hotline) is None, timeout=10)
        expect(page.get_by_test_id("call-state")).to_have_text("ended", timeout=10_000)
        expect(page.get_by_test_id("call-id")).to_have_text(f"{call_id} (ended)")
        expect(page.get_by_test_id("agent-state")).to_have_text("wrap_up", timeout=10_000)
        expect(page.get_by_test_id("wrap-up")).to_be_visible()
        expect(page.get_by_test_id("agent-state")).to_have_text("ready", timeout=(WRAP_UP_SECONDS + 10) * 1000)
    finally:
        caller.join(60)
    [observation] = observed
    assert observation.call_id == call_id

    # The phone unregisters: Asterisk's endpoint goes offline, and the desk follows.
    phone.unregister()
    assert wait_for(lambda: endpoint_state(hotline) == "offline", timeout=15), phone.log()[-2000:]
    expect(page.get_by_test_id("phone-registered")).to_have_text("not registered", timeout=15_000)
    page.close()


def test_a_call_the_phone_rejects_shows_missed_and_rings_again_once_ready(hotline: Hotline, browser: Any,
                                                                          phone: Softphone) -> None:
    expect = playwright_api.expect
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, device=None)])  # type: ignore[arg-type]
    hotline.service.start(HOTLINE_ACD_RING_TIMEOUT_SECONDS="60")
    assert wait_for(lambda: endpoint_state(hotline) == "offline", timeout=15), "the account reached Asterisk"
    phone.start()
    assert wait_for(lambda: endpoint_state(hotline) == "online", timeout=20), phone.log()[-2000:]
    page = open_desk(hotline, browser)
    expect(page.get_by_test_id("phone-registered")).to_have_text("registered", timeout=15_000)
    expect(page.get_by_test_id("agent-state")).to_have_text("ready", timeout=10_000)

    caller, observed = call_in_background(hotline, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=120))
    try:
        assert wait_for(lambda: phone.count("CALL_INCOMING") == 1, timeout=30), phone.log()[-2000:]
        expect(page.get_by_test_id("call-state")).to_have_text("ringing", timeout=10_000)
        phone.hang_up()  # rejects the ringing call
        assert wait_for(lambda: phone_channel_state(hotline) is None, timeout=10)
        expect(page.get_by_test_id("call-state")).to_have_text("missed", timeout=10_000)
        expect(page.get_by_test_id("agent-state")).to_have_text("not_ready", timeout=10_000)
        expect(page.get_by_test_id("state-reason")).to_have_text("(missed call)")

        page.get_by_test_id("ready-button").click()  # the caller still waits: offered again
        assert wait_for(lambda: phone.count("CALL_INCOMING") == 2, timeout=30), phone.log()[-2000:]
        expect(page.get_by_test_id("call-state")).to_have_text("ringing", timeout=10_000)
        phone.answer()
        expect(page.get_by_test_id("call-state")).to_have_text("talking", timeout=10_000)
        expect(page.get_by_test_id("caller-name")).to_have_text("Li Wei", timeout=10_000)
        phone.hang_up()
        expect(page.get_by_test_id("call-state")).to_have_text("ended", timeout=10_000)
    finally:
        caller.join(60)
    [observation] = observed
    assert observation.hangup_by == "hotline"  # the agent's phone hung up, so the hotline ended the call
    wait_until_recorded(hotline.db, observation.call_id)
    with hotline.db.session() as session:
        call = calls.get_call(session, observation.call_id)
        kinds = [event.kind for event in calls.events_of(session, observation.call_id)]
    assert (call.status, call.hangup_by) == ("completed", "agent")
    assert kinds.count("missed") == 1 and kinds.count("answered") == 1, kinds
    page.close()
