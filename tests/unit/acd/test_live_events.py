"""The ACD's live events that need no Asterisk: the queue's length per skill as calls join and leave it, a call
offered to the queue once it is written as queued, and a caller who gives up while waiting (what reports and
notifications follow). The ACD app, its dispatcher and a call's task (the state machine's interpreter) are the
real ones, on a real database; nothing here talks to ARI (the ringing and answering paths are covered against
a real Asterisk in tests/integration/test_live_events_e2e.py, and effect by effect in test_state.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.app import AcdApp
from ari_apps.acd.call import AcdCallSession
from ari_apps.acd.dispatcher import OFFER
from ari_apps.acd.model import Phase
from ari_apps.acd.recovery import new_call
from ari_apps.acd.routing import RoutableAgent
from ari_apps.acd.settings import AcdSettings
from ari_apps.prompts import Prompts
from crm_core import calls
from crm_core.db import AsyncDatabase, Database
from crm_core.events import AgentStateChanged, CallAbandoned, CallEnded, CallOffered, LiveEvent, QueueChanged
from dialplan import variables as v


@pytest.fixture
def sink() -> list[LiveEvent]:
    return []


@pytest.fixture
def acd(database: Database, sink: list[LiveEvent]) -> Iterator[AcdApp]:
    with ThreadPoolExecutor(max_workers=1) as executor:
        yield AcdApp("hotline-acd", AsyncDatabase(database, executor), Prompts("/sounds"), AcdSettings(),
                     events=sink.append)


def caller(acd: AcdApp, call_id: str, skill: str) -> AcdCallSession:
    channel = {"id": f"chan-{call_id}", "caller": {"number": "13800000002"},
               "channelvars": {v.CALL_ID: call_id, v.CATEGORY: skill}}
    call = new_call(channel, f"acd-{call_id}", acd.deps.settings.overflow_skill)
    return AcdCallSession(acd, acd.deps, call, ev.Start())


def enqueue(acd: AcdApp, call: AcdCallSession) -> None:
    acd.dispatcher.enqueue(call, skill=call.skill, language="zh", priority=0, entered_at=call.entered_at)


def test_the_queue_length_of_each_skill_is_published_as_calls_join_and_leave(acd: AcdApp,
                                                                            sink: list[LiveEvent]) -> None:
    first, second, other = caller(acd, "c1", "trading"), caller(acd, "c2", "trading"), caller(acd, "c3", "general")
    for call in (first, second, other):
        enqueue(acd, call)
    acd.dispatcher.withdraw("c1")
    acd.dispatcher.withdraw("c1")  # gone already: nothing changes, nothing is said
    assert sink == [QueueChanged("trading", 1), QueueChanged("trading", 2), QueueChanged("general", 1),
                    QueueChanged("trading", 1)]


def test_a_call_offered_to_a_free_agent_leaves_the_queue(acd: AcdApp, sink: list[LiveEvent]) -> None:
    waiting = caller(acd, "c1", "trading")
    enqueue(acd, waiting)
    acd.dispatcher.router.agent_free(RoutableAgent(7, {"trading": 9}, frozenset({"zh"}), time.time()))
    acd.dispatcher.agent_free(7)
    assert sink == [QueueChanged("trading", 1), AgentStateChanged(7, "ringing"), QueueChanged("trading", 0)]
    offer = waiting.events.get_nowait()
    assert offer["type"] == OFFER and offer["agent_id"] == 7


def queued_call(database: Database) -> str:
    with database.session() as session:
        return calls.open_call(session, channel_id="chan-1", caller_number="13800000002", dialed_number="95500").id


def test_a_call_written_as_queued_is_offered_to_its_skills_queue_from_the_records_time(
        acd: AcdApp, database: Database, sink: list[LiveEvent]) -> None:
    """The interpreter writes the call as queued (MarkQueued), feeds the record's queued_at back to the machine
    (Queued), which publishes CallOffered before the call joins the queue (QueueChanged)."""
    call_id = queued_call(database)
    waiting = caller(acd, call_id, "trading")

    asyncio.run(waiting.carry_out(fx.MarkQueued()))

    offered, queue = sink
    with database.session() as session:
        queued_at = calls.get_call(session, call_id).queued_at
    assert queued_at is not None
    assert offered == CallOffered(call_id, "trading", queued_at.timestamp())
    assert queue == QueueChanged("trading", 1)
    assert waiting.entered_at == queued_at.timestamp() and acd.dispatcher.is_waiting(call_id)


def test_a_caller_who_hangs_up_waiting_is_abandoned_in_the_queue(acd: AcdApp, database: Database,
                                                                 sink: list[LiveEvent]) -> None:
    call_id = queued_call(database)
    with database.session() as session:
        calls.mark_queued(session, call_id, category="trading", language="zh", priority=0)
    waiting = caller(acd, call_id, "trading")
    asyncio.run(waiting.feed(ev.Queued(time.time() - 12)))  # it entered the queue 12 s ago
    sink.clear()

    asyncio.run(waiting.feed(ev.CallerGone("16")))

    abandoned, queue, ended = sink
    assert isinstance(abandoned, CallAbandoned) and abandoned.call_id == call_id and abandoned.where == "queue"
    assert 12 <= abandoned.wait_seconds < 20
    assert (queue, ended) == (QueueChanged("trading", 0), CallEnded(None, call_id, "abandoned", "caller"))
    with database.session() as session:
        assert calls.get_call(session, call_id).status == "abandoned"


def test_until_settled_waits_for_the_effects_of_the_transition_under_way(acd: AcdApp, database: Database) -> None:
    """What a supervisor's click on a call just answered waits for (the board shows it busy from the middle of
    the answer's effects): here the effects of a hang-up, held at their database write."""
    call_id = queued_call(database)
    with database.session() as session:
        calls.mark_queued(session, call_id, category="trading", language="zh", priority=0)
    waiting = caller(acd, call_id, "trading")
    asyncio.run(waiting.feed(ev.Queued(time.time())))

    async def scenario() -> None:
        started = time.monotonic()
        await waiting.until_settled(10)  # nothing under way: at once
        assert time.monotonic() - started < 1
        gate = threading.Event()
        held = asyncio.create_task(acd.deps.db.run(lambda _session: gate.wait(10)))  # its one worker is busy
        feeding = asyncio.create_task(waiting.feed(ev.CallerGone("16")))
        waiter = asyncio.create_task(waiting.until_settled(10))
        await asyncio.sleep(0.2)
        assert not waiter.done() and waiting.call.phase is Phase.DONE and waiting.settled.phase is not Phase.DONE
        gate.set()
        await asyncio.wait_for(waiter, 10)
        assert waiting.settled.phase is Phase.DONE
        await held
        await feeding

    asyncio.run(scenario())
