"""The ACD chat's state table, without I/O: given a state and an event (the dispatcher's offer, or the chat's row
as a poll reads it), the next state and the effects. Every row is exercised, in the order a chat lives them."""

from __future__ import annotations

from dataclasses import replace

from ari_apps.acd.chat import TABLE, AcdChat, ChatPhase, Context, Offer, Polled, Start, TakeAgent, step
from ari_apps.acd.effects import AgentBack, AgentMissed, Enqueue, Publish, Withdraw, Write
from crm_core import chats
from crm_core.chats import ChatView
from crm_core.events import ChatChanged

NOW = 1_733_111_100.0
CTX = Context(now=NOW, answer_seconds=30.0, idle_seconds=120.0)
ROW = ChatView(id=5, investor_id=3, skill="trading", language="en", status="queued", agent_id=None,
               created_at=NOW - 10, offered_at=None, client_seen_at=NOW - 1, last_seq=1, ended_by=None)
WAITING = AcdChat(5, "trading", "en", seen_seq=1)
OFFERED = replace(WAITING, phase=ChatPhase.OFFERED, agent_id=7, offered_at=NOW - 5)
TALKING = replace(OFFERED, phase=ChatPhase.TALKING)


def later(seconds: float) -> Context:
    return replace(CTX, now=NOW + seconds)


def test_a_new_chat_waits_in_the_queue() -> None:
    moved = step(AcdChat(5, "trading", "en"), Start(ROW), CTX)
    assert moved.chat == WAITING and moved.effects == (Enqueue(),)


def test_a_chat_answered_before_a_restart_keeps_its_agent_busy() -> None:
    moved = step(AcdChat(5, "trading", "en"), Start(replace(ROW, status="talking", agent_id=7, last_seq=4)), CTX)
    assert (moved.chat.phase, moved.chat.agent_id, moved.chat.seen_seq) == (ChatPhase.TALKING, 7, 4)
    assert moved.effects == (TakeAgent(7),)


def test_the_dispatchers_offer_is_written_and_shown_on_the_agents_desk() -> None:
    moved = step(WAITING, Offer(7, "native"), CTX)
    assert (moved.chat.phase, moved.chat.agent_id, moved.chat.offered_at) == (ChatPhase.OFFERED, 7, NOW)
    assert moved.effects == (Write(chats.offer, {"agent_id": 7}), Publish(ChatChanged(7, 5, "offered")))


def test_the_agent_answers_and_is_busy() -> None:
    moved = step(OFFERED, Polled(replace(ROW, status="talking", agent_id=7)), CTX)
    assert moved.chat.phase is ChatPhase.TALKING
    assert moved.effects == (TakeAgent(7), Publish(ChatChanged(7, 5, "talking")))


def test_an_offer_not_answered_in_time_goes_back_to_the_queue_and_the_agent_is_not_ready() -> None:
    row = replace(ROW, agent_id=7, offered_at=NOW - 5)
    assert step(OFFERED, Polled(row), later(24)).effects == ()  # 29 s: still offered
    moved = step(OFFERED, Polled(row), later(25))
    assert moved.chat == WAITING
    assert moved.effects == (Write(chats.withdraw_offer, {"agent_id": 7}), AgentMissed(7, "missed chat"),
                             Publish(ChatChanged(7, 5, "missed")), Enqueue())


def test_new_messages_are_told_to_the_desk_once() -> None:
    moved = step(TALKING, Polled(replace(ROW, status="talking", agent_id=7, last_seq=3)), CTX)
    assert moved.chat.seen_seq == 3 and moved.effects == (Publish(ChatChanged(7, 5, "message", 3)),)
    assert step(moved.chat, Polled(replace(ROW, status="talking", agent_id=7, last_seq=3)), CTX).effects == ()


def test_the_client_ends_a_chat_the_agent_wraps_up() -> None:
    row = replace(ROW, status="ended", agent_id=7, last_seq=3, ended_by="client")
    moved = step(TALKING, Polled(row), CTX)
    assert moved.chat.phase is ChatPhase.ENDED
    assert moved.effects == (Publish(ChatChanged(7, 5, "ended", 3, "client")), AgentBack(7, wrap_up=True))


def test_a_client_gone_silent_ends_after_the_idle_timeout_and_frees_the_agent() -> None:
    row = replace(ROW, status="talking", agent_id=7, client_seen_at=NOW - 119)
    assert step(TALKING, Polled(row), CTX).chat == TALKING
    moved = step(TALKING, Polled(row), later(1))
    assert moved.chat.phase is ChatPhase.ENDED
    assert moved.effects == (Write(chats.end_idle), Publish(ChatChanged(7, 5, "ended", 1, "timeout")),
                             AgentBack(7, wrap_up=True))


def test_an_offered_chat_that_ends_lets_the_agent_go_without_wrap_up() -> None:
    moved = step(OFFERED, Polled(replace(ROW, status="ended", agent_id=7, ended_by="client")), CTX)
    assert moved.chat.phase is ChatPhase.ENDED
    assert moved.effects == (Publish(ChatChanged(7, 5, "ended", 1, "client")), AgentBack(7, wrap_up=False))


def test_a_waiting_chat_ends_by_the_client_or_the_idle_timeout_and_leaves_the_queue() -> None:
    ended = step(WAITING, Polled(replace(ROW, status="ended", ended_by="client")), CTX)
    assert (ended.chat.phase, ended.effects) == (ChatPhase.ENDED, (Withdraw(),))
    idle = step(WAITING, Polled(replace(ROW, client_seen_at=NOW - 120)), CTX)
    assert (idle.chat.phase, idle.effects) == (ChatPhase.ENDED, (Withdraw(), Write(chats.end_idle)))
    assert step(WAITING, Polled(ROW), CTX).chat == WAITING  # nothing new: it waits on


def test_an_answer_that_raced_the_offers_end_takes_the_agent() -> None:
    moved = step(WAITING, Polled(replace(ROW, status="talking", agent_id=7)), CTX)
    assert moved.chat.phase is ChatPhase.TALKING and moved.chat.agent_id == 7
    assert moved.effects == (Withdraw(), TakeAgent(7), Publish(ChatChanged(7, 5, "talking")))


def test_an_offer_for_a_chat_no_longer_waiting_frees_the_agent_at_once() -> None:
    for chat in (OFFERED, TALKING, replace(TALKING, phase=ChatPhase.ENDED)):
        moved = step(chat, Offer(8, "native"), CTX)
        assert moved.chat == chat and moved.effects == (AgentBack(8, wrap_up=False),)


def test_every_row_is_exercised_and_nothing_else_moves_an_ended_chat() -> None:
    assert len(TABLE) == 8
    ended = replace(TALKING, phase=ChatPhase.ENDED)
    assert step(ended, Polled(ROW), CTX).chat == ended
    assert step(ended, Start(ROW), CTX).effects == ()
