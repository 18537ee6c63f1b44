"""Chat with an agent on the portal, through the API: one open chat per client, messages checked and numbered
once per request id, an ended chat refuses more; the rules themselves, pure
(another client's chat: test_ownership.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from crm_core import chats
from crm_core.chats import ChatRefused
from crm_core.db import Database
from crm_core.models import ChatMessage
from tests.unit.console.conftest import run
from tests.unit.portal.conftest import SENIOR, Clients, log_in, portal_client

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_the_rules_of_a_message_and_of_time() -> None:
    assert chats.checked_text("  hello ") == "hello"
    assert chats.checked_text("x" * chats.MAX_TEXT) == "x" * chats.MAX_TEXT
    for bad, code in (("", "empty_text"), ("   \n", "empty_text"), ("x" * (chats.MAX_TEXT + 1), "text_too_long")):
        with pytest.raises(ChatRefused) as refused:
            chats.checked_text(bad)
        assert (refused.value.status, refused.value.code) == (400, code)
    with pytest.raises(ChatRefused) as ended:
        chats.may_post("ended")
    assert ended.value.status == 409
    chats.may_post("talking")
    assert not chats.idle(100.0, 219.0, 120.0) and chats.idle(100.0, 220.0, 120.0)
    assert not chats.idle(0.0, 10_000.0, 0)  # 0: no idle timeout
    assert not chats.offer_expired(None, 500.0, 30.0)
    assert not chats.offer_expired(100.0, 129.0, 30.0) and chats.offer_expired(100.0, 130.0, 30.0)
    assert [chats.end_actor(by, 7, 3) for by in ("client", "agent", "timeout")] == [  # type: ignore[arg-type]
        "investor:7", "agent:3", "system"]


def test_a_client_chats_once_at_a_time_and_an_ended_chat_takes_no_more(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            csrf = {"X-CSRF-Token": await log_in(client, SENIOR)}
            assert (await (await client.get("/api/chats/current")).json())["chat"] is None
            bad_topic = await client.post("/api/chats", json={"topic": "weather"}, headers=csrf)
            assert bad_topic.status == 422
            opened = await client.post("/api/chats", json={"topic": "trading"}, headers=csrf)
            chat = await opened.json()
            assert opened.status == 201 and (chat["status"], chat["position"], chat["agent_name"]) == ("waiting", 1,
                                                                                                        None)
            again = await client.post("/api/chats", json={"topic": "general"}, headers=csrf)
            assert (again.status, (await again.json())["code"]) == (409, "already_open")
            path = f"/api/chats/{chat['id']}"
            for text, message in (("", "the message is empty"),
                                  ("y" * 1001, "the message is 1001 characters long; at most 1000 are allowed")):
                refused = await client.post(path + "/messages", json={"text": text, "request_id": "req-bad-01"},
                                            headers=csrf)
                assert (refused.status, (await refused.json())["error"]) == (400, message)
            hello = {"text": "Is my order filled?", "request_id": "req-hello-1"}
            first = await (await client.post(path + "/messages", json=hello, headers=csrf)).json()
            repeat = await (await client.post(path + "/messages", json=hello, headers=csrf)).json()
            assert (first["seq"], first["repeated"], repeat["seq"], repeat["repeated"]) == (1, False, 1, True)
            news = await (await client.get(path + "/messages?after=0")).json()
            assert [m["text"] for m in news["messages"]] == ["Is my order filled?"]
            assert (await (await client.get(path + "/messages?after=1")).json())["messages"] == []
            assert (await client.get(path + "/messages?after=-1")).status == 422
            ended = await (await client.post(path + "/end", headers=csrf)).json()
            assert (ended["status"], ended["ended_by"]) == ("ended", "client")
            late = await client.post(path + "/messages", json={"text": "hello?", "request_id": "req-late-01"},
                                     headers=csrf)
            assert (late.status, (await late.json())["error"]) == (409, "the chat has ended")
            assert (await client.post(path + "/end", headers=csrf)).status == 200  # again: no change
            assert (await (await client.get("/api/chats/current")).json())["chat"] is None
            reopened = await client.post("/api/chats", json={"topic": "general"}, headers=csrf)
            assert reopened.status == 201  # the ended one no longer counts as open

    run(scenario)
    with database.session() as session:
        assert session.scalar(select(func.count(ChatMessage.id))) == 1
