"""The login page, session expiry, the agent's state buttons and the live screen-pop, in a real Chromium."""

from __future__ import annotations

import time
from datetime import timedelta

from playwright.sync_api import Page, Route, expect
from sqlalchemy import select, update

from crm_core import audit, callbacks
from crm_core.db import Database
from crm_core.events import AgentStateChanged, CallState, ScreenPop
from crm_core.models import Call, Callback, CallDisposition, CallStatus, Reminder, WebSession
from crm_core.models.base import utcnow
from tests.unit.console.conftest import PASSWORD, Staff, add_customer
from tests.unit.console.doubles import FakeTelephony, ServedApp, one_agent_snapshot


def log_in(page: Page, console: ServedApp, job_number: str, password: str = PASSWORD) -> None:
    page.goto(f"{console.url}/login")
    page.get_by_test_id("job-number").fill(job_number)
    page.get_by_test_id("password").fill(password)
    page.get_by_test_id("login-button").click()


def wait_for(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_wrong_password_is_refused_with_a_message(page: Page, console: ServedApp) -> None:
    log_in(page, console, "1001", "not the password")
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong job number or password.")
    expect(page).to_have_url(f"{console.url}/login")


def test_an_agent_lands_on_the_desktop_and_a_supervisor_on_the_console(page: Page, console: ServedApp) -> None:
    log_in(page, console, "1001")
    expect(page).to_have_url(f"{console.url}/agent")
    expect(page.get_by_test_id("who")).to_contain_text("Li Na")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{console.url}/login")
    log_in(page, console, "9001")
    expect(page).to_have_url(f"{console.url}/supervisor")
    expect(page.get_by_test_id("queues")).to_be_visible()


def test_an_expired_session_goes_back_to_the_login_page(page: Page, console: ServedApp, database: Database) -> None:
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    expect(page.get_by_test_id("agent-state")).not_to_have_text("…")
    # Leave the desk first: its own polls would notice the expiry and go to the login page themselves, which
    # aborted this test's navigation (net::ERR_ABORTED) when they did so at the same moment.
    page.goto("about:blank")
    with database.session() as session:
        session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    page.goto(f"{console.url}/agent")
    expect(page).to_have_url(f"{console.url}/login?expired=1")
    expect(page.get_by_test_id("expired")).to_be_visible()


def test_pressing_ready_asks_the_telephony(page: Page, console: ServedApp, telephony: FakeTelephony,
                                          staff: Staff) -> None:
    log_in(page, console, "1001")
    page.get_by_test_id("ready-button").click()
    expect(page.get_by_test_id("agent-state")).to_have_text("ready")
    page.get_by_test_id("not-ready-reason").select_option("lunch")
    page.get_by_test_id("not-ready-button").click()
    expect(page.get_by_test_id("state-reason")).to_have_text("(lunch)")
    assert telephony.named("set_agent_state") == [("set_agent_state", staff.agent_id, "ready", None),
                                                  ("set_agent_state", staff.agent_id, "not_ready", "lunch")]


def test_a_screen_pop_event_fills_the_panel_and_the_agent_disposes(page: Page, console: ServedApp,
                                                                   database: Database, staff: Staff,
                                                                   telephony: FakeTelephony) -> None:
    customer = add_customer(database, staff.agent_id, name="Chen Jing", risk_class="C4")
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(ScreenPop(staff.other_agent_id, "someone-elses"))
    console.publish(ScreenPop(staff.agent_id, customer.call_id))
    panel = page.locator("#screen-pop")
    expect(panel.get_by_test_id("caller-name")).to_have_text("Chen Jing")
    expect(panel.get_by_test_id("risk-class")).to_have_text("C4")
    expect(panel.get_by_test_id("caller-vip")).to_be_visible()
    expect(panel.get_by_test_id("caller-callback")).to_be_hidden()  # an ordinary call
    expect(panel.get_by_test_id("ivr-path")).to_contain_text("invalid_choice")
    expect(panel.get_by_test_id("recent-calls")).to_contain_text("explained the fee schedule")
    page.get_by_test_id("call-back-now").click()
    page.get_by_test_id("dial-button").click()
    expect(page.get_by_test_id("dial-result")).to_contain_text("calling")
    page.get_by_test_id("disposition-code").select_option("complaint_raised")
    page.get_by_test_id("disposition-note").fill("unhappy with the fee")
    page.get_by_test_id("disposition-save").click()
    expect(page.get_by_test_id("disposition-saved")).to_have_text("saved")
    with database.session() as session:
        saved = session.scalars(select(CallDisposition).where(CallDisposition.call_id == customer.call_id)).one()
        assert (saved.code, saved.note, saved.agent_id) == ("complaint_raised", "unhappy with the fee",
                                                           staff.agent_id)
    assert telephony.named("dial") == [("dial", staff.agent_id, "13800138000")]


def test_wrap_up_counts_down_back_to_ready(page: Page, console: ServedApp, telephony: FakeTelephony,
                                          staff: Staff) -> None:
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(AgentStateChanged(staff.agent_id, "wrap_up"))
    expect(page.get_by_test_id("wrap-up")).to_be_visible()
    expect(page.get_by_test_id("agent-state")).to_have_text("ready", timeout=10_000)
    wait_for(lambda: telephony.named("set_agent_state") == [("set_agent_state", staff.agent_id, "ready", None)])
    expect(page.get_by_test_id("wrap-up")).to_be_hidden()


def test_a_state_event_is_not_overwritten_by_the_slower_first_load(page: Page, console: ServedApp,
                                                                   staff: Staff) -> None:
    """The desk opens its live socket and asks GET /api/me at once; a state event that arrives before the
    reply is newer than it (a CI run lost a wrap-up this way under load)."""
    held: list[Route] = []
    page.route("**/api/me", lambda route: held.append(route))  # the first load waits until the test lets it go
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    while not held:
        page.wait_for_timeout(50)
    console.publish(AgentStateChanged(staff.agent_id, "wrap_up"))
    expect(page.get_by_test_id("agent-state")).to_have_text("wrap_up")
    with page.expect_response("**/api/me") as reply:
        held[0].continue_()
    assert reply.value.json()["state"]["state"] == "logged_out"  # the stale state the reply carries...
    page.wait_for_timeout(200)
    expect(page.get_by_test_id("agent-state")).to_have_text("wrap_up")  # ...is not shown over the newer one


def test_a_state_the_agent_set_is_not_overwritten_by_the_slower_first_load(page: Page, console: ServedApp,
                                                                          telephony: FakeTelephony) -> None:
    """The agent presses Ready while the desk's first GET /api/me is still on its way (a CI run under load):
    the reply to the click is newer than the first load's."""
    held: list[Route] = []
    page.route("**/api/me", lambda route: held.append(route))
    log_in(page, console, "1001")
    while not held:
        page.wait_for_timeout(50)
    page.get_by_test_id("ready-button").click()
    expect(page.get_by_test_id("agent-state")).to_have_text("ready")
    with page.expect_response("**/api/me") as reply:
        held[0].continue_()
    assert reply.value.json()["state"]["state"] == "logged_out"  # the fake telephony stores nothing: stale
    page.wait_for_timeout(200)
    expect(page.get_by_test_id("agent-state")).to_have_text("ready")
    assert telephony.named("set_agent_state")[0][2] == "ready"


def test_a_call_line_event_is_not_overwritten_by_the_slower_screen_pop(page: Page, console: ServedApp,
                                                                      database: Database, staff: Staff) -> None:
    """Click-to-dial: the screen-pop is asked for as the agent picks up, and the customer answers before its reply
    (a clean run under load): the live "talking" is newer than the "dialing" the reply read from the record."""
    customer = add_customer(database, staff.agent_id, name="Chen Jing")
    with database.session() as session:
        session.execute(update(Call).where(Call.id == customer.call_id).values(status=CallStatus.RINGING.value))
    held: list[Route] = []
    page.route("**/screen-pop", lambda route: held.append(route))
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(CallState(staff.agent_id, customer.call_id, "ringing"))
    expect(page.get_by_test_id("call-state")).to_have_text("ringing")
    console.publish(ScreenPop(staff.agent_id, customer.call_id))
    while not held:
        page.wait_for_timeout(50)
    console.publish(CallState(staff.agent_id, customer.call_id, "talking"))
    expect(page.get_by_test_id("call-state")).to_have_text("talking")
    with page.expect_response("**/screen-pop") as reply:
        held[0].continue_()
    assert reply.value.json()["status"] == "ringing"  # the older state the reply carries...
    expect(page.get_by_test_id("caller-name")).to_have_text("Chen Jing")
    page.wait_for_timeout(200)
    expect(page.get_by_test_id("call-state")).to_have_text("talking")  # ...is not shown over the newer one


def test_a_supervisor_sees_the_live_board_and_starts_a_listen(page: Page, console: ServedApp,
                                                               telephony: FakeTelephony, staff: Staff,
                                                               database: Database) -> None:
    telephony.snapshot = one_agent_snapshot(staff.agent_id, "1001", "Li Na", state="busy")
    log_in(page, console, "9001")
    expect(page.get_by_test_id("calls-today")).to_have_text("11")
    row = page.get_by_test_id("agent-row-1001")
    expect(row).to_contain_text("busy")
    expect(row).to_contain_text("registered")
    expect(page.get_by_test_id("queues")).to_contain_text("90 %")
    page.get_by_test_id("listen-1001").click()
    expect(page.get_by_test_id("supervisions")).to_contain_text("listen Li Na")
    page.get_by_test_id("end-supervision").click()
    expect(page.get_by_test_id("supervisions")).not_to_contain_text("listen")
    page.get_by_test_id("force-not-ready-1001").click()
    wait_for(lambda: len(telephony.named("set_agent_state")) == 1)
    assert telephony.requests == [("supervise", staff.supervisor_id, staff.agent_id, "listen"),
                                  ("end_supervision", "sup-1"),
                                  ("set_agent_state", staff.agent_id, "not_ready", "break")]

    def supervisor_actions() -> list[str]:
        with database.session() as session:
            return [r.action for r in audit.entries(session) if r.actor == "agent:9001" and r.action != "login"]

    wait_for(lambda: len(supervisor_actions()) == 3)  # the audit row follows the telephony's answer
    assert supervisor_actions() == ["supervise.listen", "supervise.end", "agent.force_state"]


def test_the_screen_pop_of_a_callback_says_so(page: Page, console: ServedApp, database: Database,
                                              staff: Staff) -> None:
    """The agent rung first for a callback sees "Callback" with the client's data before the client answers."""
    customer = add_customer(database, staff.agent_id, name="Chen Jing")
    with database.session() as session:
        callbacks.take_in_queue(session, customer.call_id, number="13800138000", skill="trading", language="zh",
                                priority=0, entered_at=utcnow() - timedelta(minutes=3))
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(ScreenPop(staff.agent_id, customer.call_id, "13800138000", callback=True))
    panel = page.locator("#screen-pop")
    expect(panel.get_by_test_id("caller-name")).to_have_text("Chen Jing")
    expect(panel.get_by_test_id("caller-callback")).to_be_visible()
    expect(panel.get_by_test_id("caller-callback")).to_have_text("Callback (kept their place)")


def test_the_agent_schedules_a_callback_and_cancels_it_when_the_client_calls_in_first(
        page: Page, console: ServedApp, database: Database, staff: Staff) -> None:
    """The callback the agent schedules shows among the client's callbacks to come; on the client's next call the
    agent cancels it for them: the line says so, the row is cancelled by the agent, and their reminder is done."""
    customer = add_customer(database, staff.agent_id, name="Chen Jing")
    log_in(page, console, "1001")
    expect(page.get_by_test_id("live-connection")).to_have_text("connected")
    console.publish(ScreenPop(staff.agent_id, customer.call_id))
    panel = page.locator("#screen-pop")
    expect(panel.get_by_test_id("caller-name")).to_have_text("Chen Jing")
    expect(panel.get_by_test_id("open-callbacks")).to_have_text("none")
    page.get_by_test_id("callback-at").fill("2030-01-02T09:30")
    page.get_by_test_id("callback-note").fill("margin call")
    page.get_by_test_id("callback-button").click()
    expect(page.get_by_test_id("callback-saved")).to_have_text("scheduled")
    line = panel.get_by_test_id("open-callbacks").locator("li")
    expect(line).to_contain_text("(scheduled, scheduled): margin call")
    line.get_by_role("button", name="cancel").click()
    expect(line).to_contain_text("(scheduled, cancelled): margin call")
    expect(line.get_by_role("button")).to_have_count(0)
    with database.session() as session:
        row = session.scalars(select(Callback)).one()
        assert (row.status, row.cancelled_by, row.note) == ("cancelled", "agent:1001", "margin call")
        reminder = session.get(Reminder, row.reminder_id)
        assert reminder is not None and reminder.done_at is not None
