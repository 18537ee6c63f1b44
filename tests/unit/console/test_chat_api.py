"""A client's chat from the desk's API: only the agent it is offered to sees and answers it, writes once answered
(400 bad text, 409 before answering or once ended), ends it; the screen-pop is the call's, labelled chat, and the
client's next pop (a call's too) shows the transcript in the contact history."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from crm_core import chats
from crm_core.db import Database
from crm_core.models import AuditEntry, Investor
from crm_core.models.base import utcnow
from tests.unit.console.conftest import Staff, console_client, login, run
from tests.unit.console.doubles import FakeTelephony

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the portal's tests run both


def queued_chat(database: Database, offered_to: int | None) -> tuple[int, int]:
    with database.session() as session:
        investor = Investor(account_number="300000001", name="Sun Li", risk_class="C3", investor_class="ordinary")
        session.add(investor)
        session.flush()
        chat = chats.open_chat(session, investor.id, "general", now=utcnow())
        chats.post(session, chat, "client", "hello?", "web:1:first-msg", now=utcnow())
        if offered_to is not None:
            chats.offer(session, chat.id, offered_to)
        return chat.id, investor.id


def test_the_agent_offered_a_chat_answers_writes_and_ends_it(database: Database, staff: Staff) -> None:
    chat_id, _ = queued_chat(database, staff.agent_id)

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            assert (await (await client.get("/api/me/chat")).json())["chat"]["id"] == chat_id
            pop = await (await client.get(f"/api/chats/{chat_id}/screen-pop")).json()
            assert (pop["caller_name"], pop["chat"]["topic"], pop["direction"]) == ("Sun Li", "general", "chat")
            early = await client.post(f"/api/chats/{chat_id}/messages", json={"text": "hi", "request_id": "desk-0001"})
            assert (early.status, (await early.json())["code"]) == (409, "not_answered")
            answered = await client.post(f"/api/chats/{chat_id}/answer")
            assert (answered.status, (await answered.json())["status"]) == (200, "talking")
            empty = await client.post(f"/api/chats/{chat_id}/messages", json={"text": " ", "request_id": "desk-0002"})
            assert empty.status == 400
            sent = await client.post(f"/api/chats/{chat_id}/messages",
                                     json={"text": "Good morning, how can I help?", "request_id": "desk-0003"})
            assert (sent.status, (await sent.json())["seq"]) == (201, 2)
            transcript = await (await client.get(f"/api/chats/{chat_id}/messages?after=1")).json()
            assert [(m["author"], m["text"]) for m in transcript["messages"]] == [("agent",
                                                                                   "Good morning, how can I help?")]
            ended = await (await client.post(f"/api/chats/{chat_id}/end")).json()
            assert (ended["status"], ended["ended_by"]) == ("ended", "agent")
            late = await client.post(f"/api/chats/{chat_id}/messages", json={"text": "bye", "request_id": "desk-0004"})
            assert late.status == 409
            assert (await (await client.get("/api/me/chat")).json())["chat"] is None
            history = (await (await client.get(f"/api/chats/{chat_id}/screen-pop")).json())["recent_chats"]
            assert [m["text"] for m in history[0]["transcript"]] == ["hello?", "Good morning, how can I help?"]

    run(scenario)
    with database.session() as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.actor)
                               .where(AuditEntry.subject == f"chat:{chat_id}").order_by(AuditEntry.id)).all()
        assert [action for action, _ in rows] == ["chat.open", "chat.answer", "chat.end"]
        assert rows[-1].actor == f"agent:{staff.agent_id}"  # who ended it, as the answer names them


def test_a_chat_not_offered_to_the_agent_is_not_theirs(database: Database, staff: Staff) -> None:
    chat_id, _ = queued_chat(database, None)

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            for method, path in (("GET", "/screen-pop"), ("GET", "/messages"), ("POST", "/answer"),
                                 ("POST", "/end")):
                response = await client.request(method, f"/api/chats/{chat_id}{path}")
                assert response.status == 404, (method, path)
            assert "hello?" not in await (await client.get(f"/api/chats/{chat_id}/messages")).text()
            await login(client, "9001")  # a supervisor reads any chat, as any call
            assert (await client.get(f"/api/chats/{chat_id}/messages")).status == 200

    run(scenario)
    with database.session() as session:
        assert chats.current_of(session, chats.for_agent(session, chat_id, None).investor_id) is not None


def test_a_message_sent_again_with_its_request_id_is_one_message(database: Database, staff: Staff) -> None:
    """The desk keeps a message's request id until it is accepted: a double click (two requests at the same moment)
    or a retry after a timeout is the first message again, never a second one, and never an error."""
    chat_id, _ = queued_chat(database, staff.agent_id)
    body = {"text": "One moment, please.", "request_id": "desk-twice-0001"}

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            assert (await client.post(f"/api/chats/{chat_id}/answer")).status == 200
            double = await asyncio.gather(*(client.post(f"/api/chats/{chat_id}/messages", json=body)
                                            for _ in range(4)))
            sent = [(r.status, await r.json()) for r in double]
            assert [status for status, _ in sent] == [201] * 4, sent
            assert {m["seq"] for _, m in sent} == {2} and sorted(m["repeated"] for _, m in sent) == [False] + [True] * 3
            retried = await client.post(f"/api/chats/{chat_id}/messages", json=body)
            assert (retried.status, (await retried.json())["repeated"]) == (201, True)
            after = await client.post(f"/api/chats/{chat_id}/messages", json={**body, "request_id": "desk-twice-0002"})
            assert (await after.json())["seq"] == 3  # the number the repeats did not use

    run(scenario)
    with database.session() as session:
        chat = chats.for_agent(session, chat_id, None)
        assert [(m.seq, m.author) for m in chats.messages_after(session, chat_id, 0)] == [
            (1, "client"), (2, "agent"), (3, "agent")] and chat.last_seq == 3
