"""The board offers calls only to agents whose phone can be rung, on the real database (no Asterisk)."""

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from ari_apps.acd.board import AgentBoard
from ari_apps.acd.phones import PhoneWatch
from ari_apps.acd.routing import Router, WaitingCall
from crm_core import agents as agent_service
from crm_core.db import AsyncDatabase, Database
from crm_core.models import AgentState


def ready_agent(database: Database, job_number: str, device: str | None) -> int:
    with database.session() as session:
        agent = agent_service.create_agent(session, job_number=job_number, name=job_number, password="pw",
                                           sip_password="sip", languages=["zh"], skills={"trading": 9},
                                           device=device)
        agent_service.set_state(session, agent.id, AgentState.READY)
        return agent.id


def online(resource: str, state: str = "online") -> dict[str, Any]:
    return {"type": "EndpointStateChange", "endpoint": {"technology": "PJSIP", "resource": resource, "state": state}}


def test_a_ready_agent_is_offered_calls_only_while_their_phone_is_registered(database: Database) -> None:
    sip_phone = ready_agent(database, "2001", None)  # PJSIP/agent2001
    simulated = ready_agent(database, "2002", "Local/answer@hotline-agent-sim/n")
    router = Router(overflow_skill="general", overflow_after=30, any_agent_after=120)

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=1) as executor:
            freed: list[int] = []
            board: AgentBoard
            watch = PhoneWatch("hotline-acd", on_change=lambda agent_id: freed.append(agent_id)
                               if board.phone_changed(agent_id) else None)
            board = AgentBoard(AsyncDatabase(database, executor), router, reachable=watch.reachable)
            watch.know({sip_phone: "PJSIP/agent2001"})
            assert await board.refresh() == [simulated]  # not registered (as far as Asterisk told): not free
            assert not router.is_free(sip_phone)
            watch.on_event(online("agent2001"))
            assert freed == [sip_phone] and router.is_free(sip_phone)
            call = WaitingCall("c1", "trading", "zh", 0, 0.0)
            router.call_waiting(call, now=1)
            assert router.best_agent_for(call) is not None
            watch.on_event(online("agent2001", "offline"))
            assert not router.is_free(sip_phone) and router.is_free(simulated)
            assert await board.refresh() == []  # a refresh does not free it again
            assert not router.is_free(sip_phone)

    asyncio.run(scenario())


class WaitingCaller:
    """A waiting call's task as the dispatcher sees it (dispatcher.Offerable): offers land in its queue."""

    def __init__(self, call_id: str, skill: str = "trading") -> None:
        self.call_id = call_id
        self.skill = skill
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()


def test_the_acd_offers_a_waiting_call_the_moment_the_agents_phone_registers(database: Database) -> None:
    """Through the ACD app's own wiring (phone watch → board → dispatcher): a ready agent whose phone is not
    registered is not offered the waiting call; the registration event makes the offer at once."""
    from ari_apps.acd.app import AcdApp
    from ari_apps.acd.desk_rules import Control, ControlRefused
    from ari_apps.acd.settings import AcdSettings
    from ari_apps.prompts import Prompts

    agent_id = ready_agent(database, "2001", None)

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=1) as executor:
            app = AcdApp("hotline-acd", AsyncDatabase(database, executor), Prompts("/sounds"), AcdSettings())
            app.phones.know({agent_id: "PJSIP/agent2001"})
            await app.dispatcher.board.refresh()
            caller = WaitingCaller("c1")
            app.dispatcher.enqueue(caller, skill="trading", language="zh", priority=0, entered_at=0.0)
            assert caller.events.empty() and app.dispatcher.is_waiting("c1")
            app.handle(online("agent2001"))
            offer = caller.events.get_nowait()
            assert (offer["type"], offer["agent_id"], offer["reason"]) == ("HotlineOffer", agent_id, "skill")
            assert app.dispatcher.board.states[agent_id] is AgentState.RINGING
            try:
                await app.control("c1", Control.HOLD)
            except ControlRefused as refused:
                assert refused.code == "unknown_call"  # no call task holds c1 here
            else:
                raise AssertionError("a control on a call that is not in progress was accepted")

    asyncio.run(scenario())


def test_a_ready_write_that_waited_in_the_queue_does_not_undo_an_offer_made_meanwhile(database: Database) -> None:
    """The ACD frees an agent (wrap-up over), offers them a call while the READY write still waits for the
    database, and then refreshes: the row must not look newer than the offer (CI stop 20 lost a callback's
    place this way: the same agent was offered the next caller 0.1 s later)."""
    agent_id = ready_agent(database, "2001", None)
    with database.session() as session:
        agent_service.set_state(session, agent_id, AgentState.WRAP_UP)
    router = Router(overflow_skill="general", overflow_after=30, any_agent_after=120)

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=1) as executor:
            board = AgentBoard(AsyncDatabase(database, executor), router)
            await board.refresh()
            assert not router.is_free(agent_id)
            writer_busy = threading.Event()
            executor.submit(writer_busy.wait, 10)  # the database's writer is busy with other calls' rows
            ready = asyncio.create_task(board.set_state(agent_id, AgentState.READY))
            await asyncio.sleep(0)
            assert router.is_free(agent_id)  # routing saw READY before the write
            board.mark_offered(agent_id)  # ... and an offer took the agent
            time.sleep(0.01)
            writer_busy.set()
            await ready
            assert await board.refresh() == []
            assert not router.is_free(agent_id) and board.states[agent_id] is AgentState.RINGING

    asyncio.run(scenario())
    with database.session() as session:  # the row says READY, dated when the ACD decided it
        assert agent_service.get_by_job_number(session, "2001").state == AgentState.READY.value


def test_of_two_state_writes_finishing_out_of_order_the_newer_decision_stays(database: Database) -> None:
    agent_id = ready_agent(database, "2001", None)
    decided = datetime.now(UTC)
    with database.session() as session:
        agent_service.set_state(session, agent_id, AgentState.READY, at=decided)
    with database.session() as session:  # the BUSY of a call that has ended since, its write late
        agent_service.set_state(session, agent_id, AgentState.BUSY, at=decided - timedelta(milliseconds=50))
    with database.session() as session:
        agent = agent_service.get_by_job_number(session, "2001")
        assert (agent.state, agent.state_since) == (AgentState.READY.value, decided)


def test_agents_the_acd_makes_ready_before_it_knows_them_are_freed_by_the_next_refresh(database: Database) -> None:
    """An agent logged out is not on the board; their "ready" from the desk goes through the ACD, which dates the
    row by its decision: the refresh that loads them must not take that row for an older one (it did for about
    half of them when the float time was rounded to the row's microseconds, and they were never offered a call)."""
    agent_ids = [ready_agent(database, f"20{n:02}", "Local/answer@hotline-agent-sim/n") for n in range(20)]
    with database.session() as session:
        for agent_id in agent_ids:
            agent_service.set_state(session, agent_id, AgentState.LOGGED_OUT)
    router = Router(overflow_skill="general", overflow_after=30, any_agent_after=120)

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=1) as executor:
            board = AgentBoard(AsyncDatabase(database, executor), router)
            assert await board.refresh() == []
            for agent_id in agent_ids:
                await board.set_state(agent_id, AgentState.READY)
            assert sorted(await board.refresh()) == agent_ids
            assert all(router.is_free(agent_id) for agent_id in agent_ids)

    asyncio.run(scenario())
