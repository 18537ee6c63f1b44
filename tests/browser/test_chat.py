"""Text chat in real Chromium, routed by the real ACD: a client on the portal asks to chat about stocks and waits
(no agent ready), an agent of the trading skill becomes ready on the desk, the ACD's dispatcher offers the chat
with the client's screen-pop (labelled chat), the agent answers, both write (the agent's Send clicked twice
quickly is one message), the client ends it and the agent goes to wrap-up, then ready.

The ACD runs here without Asterisk: its dispatcher, agent board and chat sessions need only the database (a
chat has no channel); the console is given the service's own TelephonyPort made of that ACD, on the console's
loop, and the portal is served beside it on the same database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from ari_apps.acd.app import AcdApp
from ari_apps.acd.settings import AcdSettings
from ari_apps.prompts import Prompts
from ari_apps.supervise.app import SupervisionApp
from console.app import build_app as build_console
from console.ports import LiveEvents
from crm_core.agents import create_agent
from crm_core.db import AsyncDatabase, Database
from crm_core.models import Agent, Chat, ChatMessage
from hotline.telephony_port import HotlineTelephony, chat_queue
from portal.app import build_app as build_portal
from tests.browser.test_console_pages import log_in as staff_log_in
from tests.browser.test_console_pages import wait_for
from tests.browser.test_portal import log_in as client_log_in
from tests.support.browser import WAIT_MS
from tests.unit.console.conftest import PASSWORD, Staff
from tests.unit.console.doubles import ServedApp
from tests.unit.portal.conftest import CAUTIOUS, Clients, clients, practice_broker  # noqa: F401  (fixture)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the database does not matter
TRADER = "3001"  # an agent of the trading skill, on a simulated phone (always reachable)


@pytest.fixture
def desk(database: Database, staff: Staff,
         clients: Clients) -> Iterator[tuple[ServedApp, AcdApp, HotlineTelephony]]:  # noqa: F811
    with database.session() as session:
        create_agent(session, job_number=TRADER, name="Zhou Min", password=PASSWORD, sip_password="sip3001",
                     languages=["zh"], skills={"trading": 5}, device=f"Local/{TRADER}@hotline-agent-sim/n")
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="acd-db")
    events = LiveEvents()
    settings = AcdSettings(wrap_up_seconds=2.0, agent_refresh_seconds=0.3)
    made: dict[str, Any] = {}

    def make() -> Any:  # on the console's loop: the ACD's tasks run there
        db = AsyncDatabase(database, executor)
        acd = made["acd"] = AcdApp("t-acd", db, Prompts("/tmp"), settings, events=events.publish)
        acd.start_ticking()
        telephony = made["telephony"] = HotlineTelephony(acd, SupervisionApp("t-supervise", events=events.publish), db)
        return build_console(database, telephony, events, wrap_up_seconds=2)

    served = ServedApp(make, events).start()
    yield served, made["acd"], made["telephony"]
    asyncio.run_coroutine_threadsafe(made["acd"].stop_ticking(), served.loop).result(timeout=10)
    served.stop()
    executor.shutdown(wait=True)


@pytest.fixture
def portal(database: Database, clients: Clients) -> Iterator[ServedApp]:  # noqa: F811
    served = ServedApp(lambda: build_portal(database, practice_broker()), LiveEvents()).start()
    yield served
    served.stop()


def chats_waiting(telephony: HotlineTelephony) -> int:
    return sum(queue.waiting for queue in telephony.live().queues if queue.skill == chat_queue("trading"))


def test_a_client_chats_about_stocks_with_an_agent_who_answers_from_the_desk(
        browser: Browser, desk: tuple[ServedApp, AcdApp, HotlineTelephony], portal: ServedApp,
        database: Database) -> None:
    console, acd, telephony = desk
    client: Page = browser.new_page()
    agent: Page = browser.new_page()
    for page in (client, agent):
        page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    for page in (client, agent):
        page.on("pageerror", lambda error: errors.append(str(error)))

    client_log_in(client, portal, CAUTIOUS)
    expect(client.get_by_test_id("who")).to_contain_text("Li Wei")
    client.get_by_test_id("chat-topic").select_option("trading")
    client.get_by_test_id("chat-start").click()
    expect(client.get_by_test_id("chat-status")).to_have_text("Waiting for an agent (you are number 1)…")
    wait_for(lambda: chats_waiting(telephony) == 1)  # queued, nobody ready: the supervisors' board counts it

    staff_log_in(agent, console, TRADER)
    expect(agent.get_by_test_id("live-connection")).to_have_text("connected")
    agent.get_by_test_id("ready-button").click()
    expect(agent.get_by_test_id("chat-state")).to_have_text("offered")  # the dispatcher's offer, live
    expect(agent.get_by_test_id("caller-name")).to_have_text("Li Wei")  # the screen-pop of a call, labelled chat
    expect(agent.get_by_test_id("caller-chat")).to_be_visible()
    expect(agent.get_by_test_id("chat-topic")).to_have_text("trading")
    expect(agent.get_by_test_id("agent-state")).to_have_text("ringing")
    assert chats_waiting(telephony) == 0

    agent.get_by_test_id("chat-answer").click()
    expect(agent.get_by_test_id("agent-state")).to_have_text("busy")
    expect(client.get_by_test_id("chat-status")).to_have_text("Chatting with Zhou Min.")

    client.get_by_test_id("chat-text").fill("   ")
    client.get_by_test_id("chat-send").click()
    # said apart from the status line, which the transcript's poll (every 2 s) writes again
    expect(client.get_by_test_id("chat-message")).to_have_text("Not sent: the message is empty")
    with client.expect_response(lambda response: "/messages?after=" in response.url):
        pass  # the next poll has come back and shown the chat's state again
    expect(client.get_by_test_id("chat-message")).to_have_text("Not sent: the message is empty")
    expect(client.get_by_test_id("chat-status")).to_have_text("Chatting with Zhou Min.")
    client.get_by_test_id("chat-text").fill("Is my order for 600036 filled?")
    client.get_by_test_id("chat-send").click()
    expect(agent.get_by_test_id("chat-transcript")).to_contain_text("Client: Is my order for 600036 filled?")
    expect(client.get_by_test_id("chat-message")).to_be_empty()

    agent.get_by_test_id("chat-text").fill("Yes, all 100 shares at 38.60.")
    agent.get_by_test_id("chat-send").dblclick()  # two quick clicks: one message (the request id is kept till sent)
    expect(client.get_by_test_id("chat-transcript")).to_contain_text("Agent: Yes, all 100 shares at 38.60.")
    expect(agent.get_by_test_id("chat-transcript").locator("li")).to_have_count(2)
    expect(agent.get_by_test_id("desk-error")).to_be_hidden()

    client.get_by_test_id("chat-end").click()
    expect(client.get_by_test_id("chat-status")).to_have_text("You ended the chat.")
    expect(agent.get_by_test_id("chat-state")).to_have_text("ended by client")
    expect(agent.get_by_test_id("agent-state")).to_have_text("wrap_up")
    expect(agent.get_by_test_id("agent-state")).to_have_text("ready")

    with database.session() as session:
        chat = session.scalars(select(Chat)).one()
        trader = session.scalars(select(Agent).where(Agent.job_number == TRADER)).one()
        assert (chat.status, chat.ended_by, chat.agent_id, chat.open_investor_id) == ("ended", "client", trader.id,
                                                                                      None)
        transcript = session.scalars(select(ChatMessage).order_by(ChatMessage.seq)).all()
        assert [(m.seq, m.author, m.text) for m in transcript] == [
            (1, "client", "Is my order for 600036 filled?"), (2, "agent", "Yes, all 100 shares at 38.60.")]
    # The desk shows ready when the wrap-up ends; the agent's row follows within the ACD's next tick (once, under
    # make test's load, it was read before that tick)
    wait_for(lambda: agent_state(database, TRADER) == "ready", timeout=10)
    assert errors == []
    client.close()
    agent.close()


def agent_state(database: Database, job_number: str) -> str:
    with database.session() as session:
        return session.scalars(select(Agent.state).where(Agent.job_number == job_number)).one()
