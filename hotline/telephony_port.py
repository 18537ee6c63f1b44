"""The console's TelephonyPort, made of the running Stasis apps (ACD, supervision) and the database."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from sqlalchemy.orm import Session

from ari_apps.acd.app import AcdApp
from ari_apps.acd.desk_rules import Control, ControlRefused, dial_digits, dial_endpoint
from ari_apps.acd.phones import phone_endpoint
from ari_apps.supervise.app import SupervisionApp
from console.ports import AgentLive, LiveSnapshot, QueueLive, SupervisionMode, TelephonyError
from crm_core import agents as agent_service
from crm_core.db import AsyncDatabase
from crm_core.models import Agent, AgentState
from reports.live import today_stats

logger = logging.getLogger(__name__)

STATS_EVERY_SECONDS = 3.0
SETTLE_SECONDS = 5.0  # how long a supervision asked for a call being answered waits for the answer to complete


class HotlineTelephony:
    def __init__(self, acd: AcdApp, supervision: SupervisionApp, db: AsyncDatabase, zone: str = "UTC") -> None:
        self.acd = acd
        self.zone = zone  # "today" starts at midnight in this zone
        self.supervision = supervision
        self.db = db
        self._stats: dict[str, Any] = {"by_skill": {}, "calls_today": 0}

    # agent state -------------------------------------------------------------------------------------
    async def set_agent_state(self, agent_id: int, state: str, reason: str | None = None) -> None:
        try:
            wanted = AgentState(state)
        except ValueError:
            raise TelephonyError("bad_state", f"unknown agent state {state!r}") from None
        if wanted in (AgentState.RINGING, AgentState.BUSY):
            raise TelephonyError("bad_state", "ringing and busy are set by the ACD, not by people")
        await self.acd.set_agent_state(agent_id, wanted, reason)

    # supervision -------------------------------------------------------------------------------------
    async def supervise(self, supervisor_id: int, agent_id: int, mode: SupervisionMode) -> str:
        if mode not in ("listen", "whisper", "barge"):
            raise TelephonyError("bad_mode", f"unknown supervision mode {mode!r}")
        call = self.acd.call_of_agent(agent_id)
        if call is not None:
            await call.until_settled(SETTLE_SECONDS)
        if call is None or not call.connected or call.agent_channel_id is None:
            raise TelephonyError("not_on_call", f"agent {agent_id} is not on a call")
        supervisor = await self.db.run(_agent_dial_string, supervisor_id)
        if supervisor is None:
            raise TelephonyError("unknown_agent", f"no supervisor {supervisor_id}")
        try:
            return await self.supervision.begin(mode, supervisor, call.agent_channel_id, call.bridge_id, call.call_id,
                                               supervisor_id=supervisor_id, agent_id=agent_id)
        except Exception as exc:
            raise TelephonyError("phone_unavailable", f"the supervisor's phone could not be rung: {exc}") from exc

    async def end_supervision(self, supervision_id: str) -> None:
        if not await self.supervision.end(supervision_id):
            raise TelephonyError("unknown_supervision", f"no supervision {supervision_id}")

    # call control ------------------------------------------------------------------------------------
    async def hold(self, call_id: str, on: bool, *, by_agent: int | None = None) -> None:
        await self._control(call_id, Control.HOLD if on else Control.UNHOLD, by_agent)

    async def transfer(self, call_id: str, *, to_job_number: str | None = None, to_number: str | None = None,
                       attended: bool = False, by_agent: int | None = None) -> None:
        if to_number is not None and not attended:
            raise TelephonyError("not_supported", "a blind transfer goes to an agent; for an outside number "
                                                  "use an attended transfer")
        target = await self._target(to_job_number, to_number)
        if not attended:
            await self._control(call_id, Control.BLIND, by_agent, agent_id=target["agent_id"])
            return
        await self._control(call_id, Control.CONSULT, by_agent, **target)

    async def conference(self, call_id: str, *, to_job_number: str | None = None, to_number: str | None = None,
                         by_agent: int | None = None) -> None:
        if to_job_number is None and to_number is None:
            await self._control(call_id, Control.CONFERENCE, by_agent)
            return
        target = await self._target(to_job_number, to_number)
        await self._control(call_id, Control.CONSULT, by_agent, join=True, **target)

    async def leave_conference(self, call_id: str, who: str, *, by_agent: int | None = None) -> None:
        if who not in ("agent", "expert"):
            raise TelephonyError("bad_party", f"who leaves is agent or expert, not {who!r}")
        await self._control(call_id, Control.COMPLETE if who == "agent" else Control.CANCEL, by_agent)

    async def to_queue(self, call_id: str, skill: str, *, by_agent: int | None = None) -> None:
        if not await self.db.run(agent_service.skill_exists, skill):
            raise TelephonyError("unknown_skill", f"no skill {skill!r}")
        await self._control(call_id, Control.TO_QUEUE, by_agent, skill=skill)

    async def _target(self, to_job_number: str | None, to_number: str | None) -> dict[str, Any]:
        """A transfer's or a conference's target: an agent by job number (their id and phone) or an outside
        number (its endpoint), as the ACD's Consult control takes them."""
        if (to_job_number is None) == (to_number is None):
            raise TelephonyError("bad_target", "name either the agent or the number to transfer to")
        if to_number is not None:
            try:
                endpoint = dial_endpoint(self.acd.deps.settings.outbound_dial, dial_digits(to_number))
            except ControlRefused as refused:
                raise TelephonyError(refused.code, str(refused)) from None
            return {"number": to_number, "endpoint": endpoint}
        assert to_job_number is not None
        target = await self.db.run(_agent_id, to_job_number)
        if target is None:
            raise TelephonyError("unknown_agent", f"no agent with job number {to_job_number}")
        return {"agent_id": target, "endpoint": await self.db.run(_agent_dial_string, target)}

    async def complete_transfer(self, call_id: str, *, by_agent: int | None = None) -> None:
        await self._control(call_id, Control.COMPLETE, by_agent)

    async def cancel_transfer(self, call_id: str, *, by_agent: int | None = None) -> None:
        await self._control(call_id, Control.CANCEL, by_agent)

    async def dial(self, agent_id: int, number: str) -> str:
        try:
            return await self.acd.dial(agent_id, number)
        except ControlRefused as refused:
            raise TelephonyError(refused.code, str(refused)) from None

    async def _control(self, call_id: str, control: Control, by_agent: int | None, **args: Any) -> Any:
        try:
            return await self.acd.control(call_id, control, by_agent=by_agent, **args)
        except ControlRefused as refused:
            raise TelephonyError(refused.code, str(refused)) from None

    # live view ---------------------------------------------------------------------------------------
    def live(self) -> LiveSnapshot:
        board = self.acd.dispatcher.board
        agents = []
        for agent_id, agent in sorted(board.agents.items()):
            call = self.acd.call_of_agent(agent_id)
            state = board.states.get(agent_id, agent.state)
            registered = None if phone_endpoint(agent.dial_string) is None else self.acd.phones.registered(agent_id)
            agents.append(AgentLive(agent_id, agent.job_number, agent.name, state.value,
                                    board.state_since(agent_id), call.call_id if call else None,
                                    call.caller_number if call else None, registered,
                                    call.line if call else None))
        now = time.time()
        waiting: dict[str, list[float]] = {}
        for call in self.acd.waiting_calls():
            waiting.setdefault(call.skill, []).append(now - call.entered_at)
        for skill, waited in self.acd.chats.waiting():  # chats wait in the same queues, counted apart
            waiting.setdefault(chat_queue(skill), []).append(waited)
        queues = []
        for skill in sorted(set(waiting) | set(self._stats["by_skill"])):
            stats = self._stats["by_skill"].get(skill, {})
            answered = stats.get("answered", 0)
            queues.append(QueueLive(skill, len(waiting.get(skill, [])), max(waiting.get(skill, [0.0])),
                                    answered, stats.get("abandoned", 0),
                                    (stats.get("within_target", 0) / answered) if answered else 1.0))
        return LiveSnapshot(agents, queues, self._stats["calls_today"])

    async def keep_fresh(self) -> None:
        """Refresh the day's counts every few seconds, and follow the phones of agents added meanwhile
        (their registration itself comes live from Asterisk's endpoint events)."""
        while True:
            try:
                self._stats = await self.db.run(today_stats, self.zone)
                ari = self.acd.ari
                if ari is not None:
                    await self.acd.phones.follow(ari, await self.db.run(agent_service.dial_strings))
            except Exception:
                logger.exception("live statistics not refreshed")
            await asyncio.sleep(STATS_EVERY_SECONDS)


def chat_queue(skill: str) -> str:
    """The board's row of the chats waiting for a skill."""
    return f"{skill} (chat)"


def _agent_dial_string(session: Session, agent_id: int) -> str | None:
    agent = session.get(Agent, agent_id)
    return agent.dial_string if agent else None


def _agent_id(session: Session, job_number: str) -> int | None:
    try:
        return agent_service.get_by_job_number(session, job_number).id
    except agent_service.AgentNotFound:
        return None
