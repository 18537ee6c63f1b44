"""The scripts read the live events through the names and fields the server generates (/live-events.js): in a
real Chromium, every kind of event reaches the pages without a script error, and the board follows the
supervision events."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from crm_core.events import (
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallOffered,
    CallState,
    LiveEvent,
    PhoneRegistration,
    QueueChanged,
    ScreenPop,
    SupervisionChanged,
)
from tests.browser.test_console_pages import log_in
from tests.unit.console.conftest import Staff
from tests.unit.console.doubles import FakeTelephony, ServedApp, one_agent_snapshot


def every_kind(agent_id: int, supervisor_id: int) -> list[LiveEvent]:
    return [QueueChanged("general", 2), CallOffered("c1", "general", 1764650000.0), CallAnswered("c1", agent_id, 3.5),
            CallAbandoned("c2", 9.0, "ringing"),
            SupervisionChanged("s9", supervisor_id, agent_id, "c1", "barge", "active"),
            ScreenPop(agent_id, "not-mine"), CallState(agent_id, "not-mine", "held"),
            CallEnded(agent_id, "not-mine", "completed", "caller"),
            PhoneRegistration(agent_id, "PJSIP/agent1001", True)]


def test_every_event_reaches_the_desk_and_the_board_without_a_script_error(page: Page, console: ServedApp,
                                                                           staff: Staff) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, console, "9001")  # a supervisor receives every event, also on the desk page
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    for event in every_kind(staff.agent_id, staff.supervisor_id):
        console.publish(event)
    page.goto(f"{console.url}/agent")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    expect(page.get_by_test_id("phone-registered")).not_to_have_text("…")
    for event in every_kind(staff.agent_id, staff.supervisor_id):
        console.publish(event)
    console.publish(AgentStateChanged(staff.supervisor_id, "not_ready", "training"))  # the desk's own events
    console.publish(PhoneRegistration(staff.supervisor_id, "PJSIP/agent9001", True))
    expect(page.get_by_test_id("state-reason")).to_have_text("(training)")
    expect(page.get_by_test_id("phone-registered")).to_have_text("registered")
    expect(page.get_by_test_id("call-state")).to_have_text("none")  # other agents' calls are not this desk's
    assert errors == []


def test_the_board_drops_a_supervision_that_ended(page: Page, console: ServedApp, telephony: FakeTelephony,
                                                  staff: Staff) -> None:
    telephony.snapshot = one_agent_snapshot(staff.agent_id, "1001", "Li Na", state="busy")
    log_in(page, console, "9001")
    page.get_by_test_id("whisper-1001").click()
    expect(page.get_by_test_id("supervisions")).to_contain_text("whisper Li Na")
    console.publish(SupervisionChanged("sup-1", staff.supervisor_id, staff.agent_id, "c1", "whisper", "active"))
    console.publish(SupervisionChanged("sup-2", staff.supervisor_id, staff.agent_id, "c1", "whisper", "ended"))
    expect(page.get_by_test_id("agent-row-1001")).to_contain_text("busy")
    expect(page.get_by_test_id("supervisions")).to_contain_text("whisper Li Na")  # another one ended, not this
    console.publish(SupervisionChanged("sup-1", staff.supervisor_id, staff.agent_id, "c1", "whisper", "ended"))
    expect(page.get_by_test_id("supervisions")).not_to_contain_text("whisper")
    assert telephony.named("end_supervision") == []  # the telephony ended it (the phone hung up), not the board
