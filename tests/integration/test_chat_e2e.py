"""Text chat through the real service (`hotline serve` on the real Asterisk), by its HTTP APIs only: a client opens
a chat about trading on the portal, the ACD (polling chats once connected to ARI) offers it to the ready trading
agent (a simulated phone: reachable), who answers and writes from the desk; the client's poll sees the agent's
message and name, the agent is told of the client's live. The service is killed and started again while they
talk: the chat carries on with the same agent, messages flow both ways. The client ends it; the agent goes to
wrap-up, then ready; the transcript and the audit rows are in the database."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from crm_core import audit
from crm_core.models import AgentState, Chat, ChatMessage
from tests.integration.conftest import Hotline
from tests.support.desk import ConsoleApi, LiveSocket, PortalApi
from tests.support.hotline import AgentSpec, add_agents, add_portal_client, wait_for

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no call: SQLite is enough

ACCOUNT, PASSWORD, NUMBER = "100000009", "246810", "13800000009"
SETTINGS = {"HOTLINE_ACD_WRAP_UP_SECONDS": "1"}


def chat_events(live: LiveSocket, chat_id: int) -> list[tuple[str, int]]:
    return [(m["state"], m["seq"]) for m in live.of_type("chat") if m["chat_id"] == chat_id]


def agent_states(live: LiveSocket, agent_id: int) -> list[str]:
    return [m["state"] for m in live.of_type("agent_state") if m["agent_id"] == agent_id]


def client_sees(client: PortalApi, chat_id: int, after: int = 0) -> dict[str, Any]:
    status, news = client.get(f"/api/chats/{chat_id}/messages?after={after}")
    assert status == 200, news
    return dict(news)


def test_a_chat_runs_through_the_service_and_carries_on_over_a_restart(hotline: Hotline) -> None:
    investor_id = add_portal_client(hotline.db, ACCOUNT, "Sun Li", NUMBER, PASSWORD)
    agent = add_agents(hotline.db, [AgentSpec("2002", {"trading": 9}, state=AgentState.NOT_READY)])["2002"]
    hotline.service.start(**SETTINGS)
    console = f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}"
    client = PortalApi(f"http://127.0.0.1:{hotline.service.env['HOTLINE_PORTAL_PORT']}", ACCOUNT, PASSWORD)
    desk = ConsoleApi(console, "2002", "pw-2002")

    status, opened = client.post("/api/chats", {"topic": "trading"})
    assert status == 201 and opened["status"] == "waiting", opened
    chat_id = opened["id"]
    assert wait_for(lambda: client_sees(client, chat_id)["chat"]["position"] == 1, timeout=10)  # in the queue

    live = LiveSocket(console, "2002", "pw-2002")
    try:
        status, ready = desk.request("PUT", "/api/me/state", {"state": "ready"})
        assert status == 200, ready
        offered = wait_for(lambda: ("offered", 0) in chat_events(live, chat_id), timeout=20)
        assert offered, f"the chat was never offered to the ready agent: {live.messages[-5:]}"
        status, mine = desk.request("GET", "/api/me/chat")
        assert status == 200 and mine["chat"]["id"] == chat_id and mine["chat"]["status"] == "queued", mine
        status, answered = desk.post(f"/api/chats/{chat_id}/answer")
        assert status == 200 and answered["status"] == "talking", answered
        assert wait_for(lambda: "busy" in agent_states(live, agent), timeout=10), agent_states(live, agent)

        status, sent = desk.post(f"/api/chats/{chat_id}/messages", {"text": "Good morning, Ms Sun.",
                                                                    "request_id": "desk-e2e-1"})
        assert status == 201 and sent["seq"] == 1, sent
        news = client_sees(client, chat_id)
        assert news["chat"]["status"] == "talking" and news["chat"]["agent_name"] == "Agent 2002", news
        assert [(m["author"], m["text"]) for m in news["messages"]] == [("agent", "Good morning, Ms Sun.")]

        status, sent = client.post(f"/api/chats/{chat_id}/messages", {"text": "Is 601988 open for trading today?",
                                                                      "request_id": "client-e2e-1"})
        assert status == 201 and sent["seq"] == 2, sent
        assert wait_for(lambda: ("message", 2) in chat_events(live, chat_id), timeout=10), chat_events(live, chat_id)
        status, transcript = desk.request("GET", f"/api/chats/{chat_id}/messages?after=1")
        assert status == 200 and [m["text"] for m in transcript["messages"]] == ["Is 601988 open for trading today?"]
    finally:
        live.close()

    hotline.service.kill()  # SIGKILL while they talk: no goodbye
    hotline.service.start()
    live = LiveSocket(console, "2002", "pw-2002")
    try:
        status, mine = desk.request("GET", "/api/me/chat")  # the desk's session outlives the restart
        assert status == 200 and mine["chat"]["id"] == chat_id and mine["chat"]["status"] == "talking", mine
        with hotline.db.session() as session:
            assert session.get(Chat, chat_id).agent_id == agent
        status, me = desk.request("GET", "/api/me")
        assert status == 200 and me["state"]["state"] == AgentState.BUSY.value, me  # still held by the chat

        status, sent = client.post(f"/api/chats/{chat_id}/messages", {"text": "Still there?",
                                                                      "request_id": "client-e2e-2"})
        assert status == 201 and sent["seq"] == 3, sent
        told = wait_for(lambda: ("message", 3) in chat_events(live, chat_id), timeout=15)
        assert told, f"the restarted ACD did not tell the desk of the client's message: {live.messages[-5:]}"
        status, sent = desk.post(f"/api/chats/{chat_id}/messages", {"text": "Yes, it opens at 9:30.",
                                                                    "request_id": "desk-e2e-2"})
        assert status == 201 and sent["seq"] == 4, sent
        news = client_sees(client, chat_id, after=3)
        assert news["chat"]["agent_name"] == "Agent 2002" and [m["text"] for m in news["messages"]] == [
            "Yes, it opens at 9:30."], news

        status, ended = client.post(f"/api/chats/{chat_id}/end")
        assert status == 200 and ended["status"] == "ended" and ended["ended_by"] == "client", ended
        assert wait_for(lambda: ("ended", 4) in chat_events(live, chat_id), timeout=10), chat_events(live, chat_id)
        back = wait_for(lambda: agent_states(live, agent)[-2:] == ["wrap_up", "ready"], timeout=10)
        assert back, f"the agent did not go to wrap-up then ready: {agent_states(live, agent)}"
    finally:
        live.close()
    status, refused = client.post(f"/api/chats/{chat_id}/messages", {"text": "one more", "request_id": "client-e2e-3"})
    assert status == 409, refused

    with hotline.db.session() as session:
        chat = session.get(Chat, chat_id)
        assert (chat.status, chat.ended_by, chat.agent_id, chat.investor_id, chat.last_seq) == (
            "ended", "client", agent, investor_id, 4)
        transcript = session.scalars(select(ChatMessage).where(ChatMessage.chat_id == chat_id)
                                     .order_by(ChatMessage.seq)).all()
        assert [(m.author, m.text) for m in transcript] == [
            ("agent", "Good morning, Ms Sun."), ("client", "Is 601988 open for trading today?"),
            ("client", "Still there?"), ("agent", "Yes, it opens at 9:30.")]
        assert all(m.agent_id == agent for m in transcript if m.author == "agent")
        rows = [(e.action, e.actor, e.outcome) for e in audit.entries(session, action_prefix="chat.",
                                                                      subject=f"chat:{chat_id}")]
        assert rows == [("chat.open", f"investor:{investor_id}", "queued"),
                        ("chat.answer", f"agent:{agent}", "talking"), ("chat.end", f"investor:{investor_id}", "ended")]
