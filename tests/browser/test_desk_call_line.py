"""The desk's phone line and call line follow the live events Asterisk's reports become (phone, call_state
ringing, call_ended missed / abandoned), in a real Chromium against the console with the in-memory port."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from crm_core.db import Database
from crm_core.events import CallEnded, CallState, PhoneRegistration, ScreenPop
from tests.unit.console.conftest import PASSWORD, Staff, add_customer
from tests.unit.console.doubles import ServedApp


def open_desk(page: Page, console: ServedApp) -> None:
    page.goto(f"{console.url}/login")
    page.get_by_test_id("job-number").fill("1001")
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    expect(page.get_by_test_id("phone-registered")).not_to_have_text("…")  # the first load is in


def test_the_phone_line_follows_registration_events(page: Page, console: ServedApp, staff: Staff) -> None:
    open_desk(page, console)
    console.publish(PhoneRegistration(staff.agent_id, "PJSIP/agent1001", False))
    expect(page.get_by_test_id("phone-registered")).to_have_text("not registered")
    console.publish(PhoneRegistration(staff.other_agent_id, "PJSIP/agent1002", True))  # not mine
    console.publish(PhoneRegistration(staff.agent_id, "PJSIP/agent1001", True))
    expect(page.get_by_test_id("phone-registered")).to_have_text("registered")
    console.publish(PhoneRegistration(staff.agent_id, "PJSIP/agent1001", False))
    expect(page.get_by_test_id("phone-registered")).to_have_text("not registered")


def test_a_ringing_phone_shows_on_the_call_line_until_it_is_missed(page: Page, console: ServedApp,
                                                                   database: Database, staff: Staff) -> None:
    earlier = add_customer(database, staff.agent_id, name="Chen Jing", risk_class="C4")
    open_desk(page, console)
    console.publish(ScreenPop(staff.agent_id, earlier.call_id))
    expect(page.get_by_test_id("call-id")).to_have_text(earlier.call_id)
    console.publish(CallEnded(staff.agent_id, earlier.call_id, "completed", "caller"))
    expect(page.get_by_test_id("call-state")).to_have_text("ended")

    console.publish(CallState(staff.other_agent_id, "someone-elses", "ringing"))
    console.publish(CallState(staff.agent_id, "next-call", "ringing", caller_number="13800000009"))
    expect(page.get_by_test_id("call-state")).to_have_text("ringing")
    # The earlier caller stays on the screen for the disposition: the ringing call is not connected yet.
    expect(page.get_by_test_id("call-id")).to_have_text(f"{earlier.call_id} (ended)")
    console.publish(CallEnded(staff.agent_id, "next-call", "missed", "agent"))
    expect(page.get_by_test_id("call-state")).to_have_text("missed")

    console.publish(CallState(staff.agent_id, "third-call", "ringing"))
    expect(page.get_by_test_id("call-state")).to_have_text("ringing")
    console.publish(CallEnded(staff.agent_id, "third-call", "abandoned", "caller"))
    expect(page.get_by_test_id("call-state")).to_have_text("abandoned")
    console.publish(CallEnded(staff.agent_id, "next-call", "completed", "caller"))  # long gone: ignored
    console.publish(PhoneRegistration(staff.agent_id, "PJSIP/agent1001", False))  # events come in order
    expect(page.get_by_test_id("phone-registered")).to_have_text("not registered")
    expect(page.get_by_test_id("call-state")).to_have_text("abandoned")


def test_an_answered_call_goes_from_ringing_to_talking(page: Page, console: ServedApp, database: Database,
                                                       staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id, name="Chen Jing", risk_class="C4")
    open_desk(page, console)
    console.publish(CallState(staff.agent_id, customer.call_id, "ringing"))
    expect(page.get_by_test_id("call-state")).to_have_text("ringing")
    console.publish(CallState(staff.agent_id, customer.call_id, "talking"))
    expect(page.get_by_test_id("call-state")).to_have_text("talking")
    console.publish(ScreenPop(staff.agent_id, customer.call_id))
    expect(page.get_by_test_id("caller-name")).to_have_text("Chen Jing")
    console.publish(CallEnded(staff.agent_id, customer.call_id, "completed", "agent"))
    expect(page.get_by_test_id("call-state")).to_have_text("ended")
