"""A client's text chat as one more kind of contact in the ACD: a state table from (phase, event) to the next
state and its effects, no I/O (chat_session.py carries the effects out). It takes an agent as a call does:
offered only to a free agent (the dispatcher's match: ringing), busy while chatting, wrap-up after.

    WAITING ─Offer (the dispatcher matched a free agent)─▶ OFFERED: the desk shows the chat with the screen-pop
    OFFERED ─the agent answered (the row says talking)─▶ TALKING: the agent is busy
    OFFERED ─not answered within chat_answer_seconds─▶ WAITING again (the agent not ready, "missed chat")
    TALKING ─a client's or agent's message (the row's last_seq grew)─▶ TALKING (the desk is told)
    any ─the client or the agent ended it (the row), or the client idle past chat_idle_seconds─▶ ENDED:
          the agent back (wrap-up after talking), the chat out of the queue

The ACD learns of chats by polling the database (chat_session.ChatRunner): every event but Offer is a Polled
row, so the table decides on the row as it stands at the step's time (`ctx.now`), with no timers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ari_apps.acd import effects as fx
from crm_core import chats
from crm_core.chats import ChatView
from crm_core.events import ChatChanged
from crm_core.models import ChatStatus


class ChatPhase(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    TALKING = "talking"
    ENDED = "ended"


@dataclass(frozen=True)
class AcdChat:
    chat_id: int
    skill: str
    language: str
    phase: ChatPhase = ChatPhase.WAITING
    agent_id: int | None = None
    offered_at: float | None = None
    seen_seq: int = 0  # the desk was told of the messages up to here


# -- events -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Start:
    view: ChatView  # the row when the ACD first saw it (new, or carried over a restart)


@dataclass(frozen=True)
class Offer:
    agent_id: int
    reason: str


@dataclass(frozen=True)
class Polled:
    view: ChatView  # the row now


ChatEvent = Start | Offer | Polled


# -- effects ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TakeAgent:
    """The agent is busy with the chat (answered, or carried over a restart)."""

    agent_id: int


Effect = fx.Enqueue | fx.Withdraw | fx.Write | TakeAgent | fx.AgentBack | fx.AgentMissed | fx.Publish


@dataclass(frozen=True)
class Context:
    now: float  # epoch seconds of the step
    answer_seconds: float  # how long an offered chat waits for the agent to answer
    idle_seconds: float  # how long a client may stay silent and away (no page asking for news) before it ends


@dataclass(frozen=True)
class Transition:
    chat: AcdChat
    effects: tuple[Effect, ...] = ()


# -- the table ----------------------------------------------------------------------------------------------------
def step(chat: AcdChat, event: ChatEvent, ctx: Context) -> Transition:
    handler = TABLE.get((chat.phase, type(event)))
    if handler is None:
        return Transition(chat)
    return handler(chat, event, ctx)


def start(chat: AcdChat, event: Start, ctx: Context) -> Transition:
    """A new chat waits; one the agent was already answering (a restart) keeps its agent busy."""
    view = event.view
    if view.status == ChatStatus.TALKING.value and view.agent_id is not None:
        return Transition(replace(chat, phase=ChatPhase.TALKING, agent_id=view.agent_id, seen_seq=view.last_seq),
                          (TakeAgent(view.agent_id),))
    return Transition(replace(chat, seen_seq=view.last_seq), (fx.Enqueue(),))


def offered(chat: AcdChat, event: Offer, ctx: Context) -> Transition:
    out = replace(chat, phase=ChatPhase.OFFERED, agent_id=event.agent_id, offered_at=ctx.now)
    return Transition(out, (fx.Write(chats.offer, {"agent_id": event.agent_id}),
                            fx.Publish(ChatChanged(event.agent_id, chat.chat_id, "offered"))))


def stray_offer(chat: AcdChat, event: Offer, ctx: Context) -> Transition:
    """An offer for a chat no longer waiting: the agent is let go at once."""
    return Transition(chat, (fx.AgentBack(event.agent_id, wrap_up=False),))


def waiting_polled(chat: AcdChat, event: Polled, ctx: Context) -> Transition:
    view = event.view
    if view.status == ChatStatus.ENDED.value:
        return Transition(replace(chat, phase=ChatPhase.ENDED), (fx.Withdraw(),))
    if view.status == ChatStatus.TALKING.value and view.agent_id is not None:  # answered as the offer ran out
        return Transition(replace(chat, phase=ChatPhase.TALKING, agent_id=view.agent_id),
                          (fx.Withdraw(), TakeAgent(view.agent_id),
                           fx.Publish(ChatChanged(view.agent_id, chat.chat_id, "talking"))))
    if chats.idle(view.client_seen_at, ctx.now, ctx.idle_seconds):
        return Transition(replace(chat, phase=ChatPhase.ENDED), (fx.Withdraw(), _end_by_timeout()))
    return Transition(chat)


def offered_polled(chat: AcdChat, event: Polled, ctx: Context) -> Transition:
    view, agent_id = event.view, chat.agent_id
    assert agent_id is not None
    if view.status == ChatStatus.ENDED.value or chats.idle(view.client_seen_at, ctx.now, ctx.idle_seconds):
        return _ended(chat, view, ctx, wrap_up=False)
    if view.status == ChatStatus.TALKING.value:
        return Transition(replace(chat, phase=ChatPhase.TALKING),
                          (TakeAgent(agent_id), fx.Publish(ChatChanged(agent_id, chat.chat_id, "talking"))))
    if chats.offer_expired(chat.offered_at, ctx.now, ctx.answer_seconds):
        back = replace(chat, phase=ChatPhase.WAITING, agent_id=None, offered_at=None)
        return Transition(back, (fx.Write(chats.withdraw_offer, {"agent_id": agent_id}),
                                 fx.AgentMissed(agent_id, "missed chat"),
                                 fx.Publish(ChatChanged(agent_id, chat.chat_id, "missed")), fx.Enqueue()))
    return Transition(chat)


def talking_polled(chat: AcdChat, event: Polled, ctx: Context) -> Transition:
    view, agent_id = event.view, chat.agent_id
    assert agent_id is not None
    if view.status == ChatStatus.ENDED.value or chats.idle(view.client_seen_at, ctx.now, ctx.idle_seconds):
        return _ended(chat, view, ctx, wrap_up=True)
    if view.last_seq > chat.seen_seq:
        return Transition(replace(chat, seen_seq=view.last_seq),
                          (fx.Publish(ChatChanged(agent_id, chat.chat_id, "message", view.last_seq)),))
    return Transition(chat)


def _ended(chat: AcdChat, view: ChatView, ctx: Context, *, wrap_up: bool) -> Transition:
    """Ended by a person (the row) or by the idle timeout (written here): the agent back, the desk told."""
    agent_id = chat.agent_id
    assert agent_id is not None
    timed_out = view.status != ChatStatus.ENDED.value
    effects: tuple[Effect, ...] = (_end_by_timeout(),) if timed_out else ()
    by = "timeout" if timed_out else view.ended_by
    return Transition(replace(chat, phase=ChatPhase.ENDED), (
        *effects, fx.Publish(ChatChanged(agent_id, chat.chat_id, "ended", view.last_seq, by)),
        fx.AgentBack(agent_id, wrap_up=wrap_up)))


def _end_by_timeout() -> fx.Write:
    return fx.Write(chats.end_idle)


W, OF, T = ChatPhase.WAITING, ChatPhase.OFFERED, ChatPhase.TALKING
TABLE: dict[tuple[ChatPhase, type], Callable[[AcdChat, Any, Context], Transition]] = {
    (W, Start): start,
    (W, Offer): offered,
    (W, Polled): waiting_polled,
    (OF, Offer): stray_offer,
    (OF, Polled): offered_polled,
    (T, Offer): stray_offer,
    (T, Polled): talking_polled,
    (ChatPhase.ENDED, Offer): stray_offer,
}
