"""The ACD's chat sessions on the real database, without Asterisk (a chat has no channel): chats found by polling
are carried over a restart (an answered chat keeps its agent busy, a queued one is offered to a free agent of the
skill), a chat ended on the portal frees its agent, and a client gone silent is ended by the idle timeout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

from ari_apps.acd.app import AcdApp
from ari_apps.acd.chat_session import POLLED, ChatSession
from ari_apps.acd.dispatcher import OFFER
from ari_apps.acd.settings import AcdSettings
from ari_apps.prompts import Prompts
from crm_core import agents as agent_service
from crm_core import chats
from crm_core.db import AsyncDatabase, Database
from crm_core.events import ChatChanged, LiveEvent
from crm_core.models import AgentState, Chat, Investor
from crm_core.models.base import utcnow


def ready_agent(database: Database, job_number: str) -> int:
    with database.session() as session:
        agent = agent_service.create_agent(session, job_number=job_number, name=job_number, password="pw",
                                           sip_password="sip", languages=["zh"], skills={"trading": 5},
                                           device="Local/answer@hotline-agent-sim/n")
        agent_service.set_state(session, agent.id, AgentState.READY)
        return agent.id


def client_chat(database: Database, account: str, *, answered_by: int | None = None, silent_for: float = 0) -> int:
    with database.session() as session:
        investor = Investor(account_number=account, name=account, risk_class="C3", investor_class="ordinary")
        session.add(investor)
        session.flush()
        chat = chats.open_chat(session, investor.id, "trading", now=utcnow() - timedelta(seconds=silent_for))
        if answered_by is not None:
            chats.offer(session, chat.id, answered_by)
            chats.answer(session, chat.id, answered_by, now=utcnow())
        return chat.id


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.02)


def acd_on(database: Database, executor: ThreadPoolExecutor, published: list[LiveEvent], **settings: float) -> AcdApp:
    return AcdApp("t-acd", AsyncDatabase(database, executor), Prompts("/tmp"),
                  AcdSettings(wrap_up_seconds=0, **settings), events=published.append)  # type: ignore[arg-type]


def test_chats_are_taken_up_after_a_restart_and_an_ended_chat_frees_its_agent(database: Database) -> None:
    talking_agent, free_agent = ready_agent(database, "2001"), ready_agent(database, "2002")
    answered = client_chat(database, "400000001", answered_by=talking_agent)
    queued = client_chat(database, "400000002")
    published: list[LiveEvent] = []

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=2) as executor:
            acd = acd_on(database, executor, published)
            board = acd.dispatcher.board
            await board.refresh()
            # before the first poll (a restart's reconciliation): the row says who is chatting
            assert await acd.chats.held() == {talking_agent: AgentState.BUSY}
            await acd.chats.poll()
            await until(lambda: board.states.get(talking_agent) is AgentState.BUSY
                        and ChatChanged(free_agent, queued, "offered") in published)
            assert board.states.get(free_agent) is AgentState.RINGING
            assert acd.chats.busy_agents() == {talking_agent: AgentState.BUSY, free_agent: AgentState.RINGING}
            with database.session() as session:
                chats.end(session, session.get(Chat, answered), "client", now=utcnow())
            await acd.chats.poll()
            await until(lambda: board.states.get(talking_agent) is AgentState.READY)
            assert ChatChanged(talking_agent, answered, "ended", 0, "client") in published
            await acd.stop_ticking()

    asyncio.run(scenario())
    with database.session() as session:
        assert session.get(Chat, queued).agent_id == free_agent  # type: ignore[union-attr]


def test_a_client_gone_silent_is_ended_by_the_idle_timeout_and_the_agent_freed(database: Database) -> None:
    agent_id = ready_agent(database, "2001")
    chat_id = client_chat(database, "400000003", answered_by=agent_id, silent_for=10)
    published: list[LiveEvent] = []

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=2) as executor:
            acd = acd_on(database, executor, published, chat_idle_seconds=5)
            await acd.dispatcher.board.refresh()
            await acd.chats.poll()  # first seen: the agent is kept busy
            await until(lambda: acd.dispatcher.board.states.get(agent_id) is AgentState.BUSY)
            await acd.chats.poll()  # the row again: silent for 10 s, past the 5 s timeout
            await until(lambda: acd.dispatcher.board.states.get(agent_id) is AgentState.READY)
            assert ChatChanged(agent_id, chat_id, "ended", 0, "timeout") in published
            await acd.stop_ticking()

    asyncio.run(scenario())
    with database.session() as session:
        chat = session.get(Chat, chat_id)
        assert chat is not None and (chat.status, chat.ended_by, chat.open_investor_id) == ("ended", "timeout", None)


def test_an_offer_made_just_as_the_chat_ended_hands_the_agent_back(database: Database) -> None:
    agent_id = ready_agent(database, "2001")
    chat_id = client_chat(database, "400000004")
    with database.session() as session:
        chats.end(session, session.get(Chat, chat_id), "client", now=utcnow())  # type: ignore[arg-type]
        ended = chats.followed(session, [chat_id])[0]
    published: list[LiveEvent] = []

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=2) as executor:
            acd = acd_on(database, executor, published)
            board = acd.dispatcher.board
            await board.refresh()
            session = ChatSession(acd.deps, replace(ended, status="queued"))
            board.mark_offered(agent_id)  # the dispatcher took the agent for it...
            session.events.put_nowait({"type": POLLED, "view": ended})  # ...but the row said ended first
            session.events.put_nowait({"type": OFFER, "agent_id": agent_id, "reason": "native"})
            await session.run()
            assert session.ended and board.states.get(agent_id) is AgentState.READY

    asyncio.run(scenario())
