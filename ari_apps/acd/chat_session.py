"""Chats in the ACD: one task per open chat carrying out its state table's effects (chat.py), and the poller that
finds chats and tells each task how its row stands.

How the ACD learns of a new chat: it polls the database, as it does for due callbacks (app._run_callbacks),
every `agent_refresh_seconds`. The row is the record every side writes — the portal (a chat opened, a
client's message, the client ends it) and the console (the agent answers, writes, ends it) are separate web
apps that share nothing with the ACD but the database — so polling needs no port threaded through the wiring,
takes queued and answered chats up again after a restart by itself, and a second of delay is nothing for a
chat. The one push is the ACD's own: the dispatcher's offer, put in the chat task's queue like a call's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from ari_apps.acd import chat as machine
from ari_apps.acd import effects as fx
from ari_apps.acd.call import preference
from ari_apps.acd.deps import AcdDeps
from ari_apps.acd.dispatcher import OFFER
from crm_core import chats
from crm_core.call_routing import CallRoute, route_for
from crm_core.chats import ChatView
from crm_core.models import AgentState

logger = logging.getLogger(__name__)

POLLED = "HotlineChatPolled"


def contact_id(chat_id: int) -> str:
    """The chat's id in the dispatcher's queue, beside the calls' ids."""
    return f"chat-{chat_id}"


class ChatSession:
    """One chat's task: `Offerable` for the dispatcher (call_id, events, skill)."""

    def __init__(self, deps: AcdDeps, view: ChatView) -> None:
        self.deps = deps
        self.view = view
        self.call_id = contact_id(view.id)
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.state = machine.AcdChat(view.id, view.skill, view.language)

    @property
    def skill(self) -> str:
        return self.state.skill

    @property
    def ended(self) -> bool:
        return self.state.phase is machine.ChatPhase.ENDED

    async def run(self) -> None:
        await self._apply(machine.Start(self.view))
        while not self.ended:
            await self._take(await self.events.get())
        while not self.events.empty():  # an offer the dispatcher made just as the chat ended: the agent goes back
            await self._take(self.events.get_nowait())

    async def _take(self, event: dict[str, Any]) -> None:
        if event["type"] == OFFER:
            await self._apply(machine.Offer(event["agent_id"], event.get("reason", "")))
        elif event["type"] == POLLED:
            self.view = event["view"]
            await self._apply(machine.Polled(event["view"]))

    async def _apply(self, event: machine.ChatEvent) -> None:
        settings = self.deps.settings
        ctx = machine.Context(time.time(), settings.chat_answer_seconds, settings.chat_idle_seconds)
        before = self.state.phase
        transition = machine.step(self.state, event, ctx)
        self.state = transition.chat
        if self.state.phase is not before:
            logger.info("chat %s: %s -> %s", self.state.chat_id, before, self.state.phase)
        for effect in transition.effects:
            await self._do(effect)

    async def _do(self, effect: machine.Effect) -> None:
        deps, dispatcher = self.deps, self.deps.dispatcher
        match effect:
            case fx.Enqueue():
                route = await deps.db.run(_route, self.view.investor_id, self.skill)
                dispatcher.enqueue(self, skill=self.skill, language=self.state.language,
                                   priority=route.queue_priority(0) if route else 0,
                                   entered_at=self.view.created_at, preference=preference(route))
            case fx.Withdraw():
                dispatcher.withdraw(self.call_id)
            case fx.Write(action, args):
                await deps.db.record(action, self.state.chat_id, **args)
            case machine.TakeAgent(agent_id):
                dispatcher.cancel_wrap_up(agent_id)
                await deps.board.set_state(agent_id, AgentState.BUSY)
            case fx.AgentBack(agent_id, wrap_up):
                await dispatcher.agent_back(agent_id, wrap_up=wrap_up)
            case fx.AgentMissed(agent_id, reason):
                await dispatcher.agent_missed(agent_id, reason)
            case fx.Publish(live):
                deps.events(live)


def _route(session: Any, investor_id: int, skill: str) -> CallRoute | None:
    """The client's route as for a call (their own agent, the segment's priority); None if a rule fails."""
    try:
        with session.begin_nested():
            return route_for(session, investor_id, skill)
    except (ValueError, TypeError) as exc:
        logger.error("chat of investor %s: CRM route not read, routed by skill: %s", investor_id, exc)
        return None


class ChatRunner:
    """Finds the open chats in the database and runs a ChatSession for each; tells each its row every poll."""

    def __init__(self, deps: AcdDeps) -> None:
        self.deps = deps
        self.sessions: dict[int, ChatSession] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def poll(self) -> None:
        for view in await self.deps.db.run(chats.followed, list(self.sessions)):
            session = self.sessions.get(view.id)
            if session is not None:
                session.events.put_nowait({"type": POLLED, "view": view})
            elif view.status != "ended":
                self._start(ChatSession(self.deps, view))

    def _start(self, session: ChatSession) -> None:
        chat_id = session.state.chat_id
        self.sessions[chat_id] = session
        self._tasks[chat_id] = asyncio.create_task(self._guarded(session), name=f"acd-chat-{chat_id}")

    async def _guarded(self, session: ChatSession) -> None:
        chat_id = session.state.chat_id
        try:
            await session.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("chat %s failed; taken up again at the next poll", chat_id)
            self.deps.dispatcher.withdraw(session.call_id)
        finally:
            self.sessions.pop(chat_id, None)
            self._tasks.pop(chat_id, None)

    async def run_forever(self) -> None:
        while True:
            try:
                await self.poll()
            except Exception:
                logger.exception("ACD chats check failed; retrying")
            await asyncio.sleep(self.deps.settings.agent_refresh_seconds)

    async def held(self) -> dict[int, AgentState]:
        """The agents chats hold, by the rows too: at a restart the ACD reconciles agent states before its first
        poll, and an agent answering a chat must stay busy through it."""
        held = {view.agent_id: AgentState.BUSY for view in await self.deps.db.run(chats.followed, [])
                if view.status == "talking" and view.agent_id is not None}
        held.update(self.busy_agents())
        return held

    def busy_agents(self) -> dict[int, AgentState]:
        """The agents a chat holds (offered: ringing; answered: busy), kept when the ACD reconciles states."""
        held = {}
        for session in self.sessions.values():
            state = session.state
            if state.agent_id is not None and state.phase is machine.ChatPhase.TALKING:
                held[state.agent_id] = AgentState.BUSY
            elif state.agent_id is not None and state.phase is machine.ChatPhase.OFFERED:
                held[state.agent_id] = AgentState.RINGING
        return held

    def waiting(self) -> list[tuple[str, float]]:
        """(skill, seconds waited) of each chat waiting for an agent, for the supervisors' board."""
        now = time.time()
        return [(s.skill, now - s.view.created_at) for s in self.sessions.values()
                if s.state.phase is machine.ChatPhase.WAITING]

    def stop(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
