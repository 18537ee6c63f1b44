"""Agents: creation with hashed credentials, skills, states, and the snapshot the ACD routes on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm_core import report_intervals
from crm_core.agent_time import state_time
from crm_core.models import Agent, AgentSkill, AgentState, AgentStateChange, Skill
from crm_core.models.base import utcnow
from crm_core.passwords import hash_password, sip_ha1


class AgentNotFound(LookupError):
    pass


@dataclass(frozen=True)
class AgentSnapshot:
    """What routing needs to know about one agent, detached from the session."""

    id: int
    job_number: str
    name: str
    state: AgentState
    state_since: datetime
    languages: frozenset[str]
    skills: dict[str, int]
    dial_string: str


def ensure_skill(session: Session, code: str, name: str | None = None) -> Skill:
    skill = session.scalars(select(Skill).where(Skill.code == code)).one_or_none()
    if skill is None:
        skill = Skill(code=code, name=name or code.replace("_", " "))
        session.add(skill)
        session.flush()
    return skill


def skill_exists(session: Session, code: str) -> bool:
    return session.scalars(select(Skill.id).where(Skill.code == code)).first() is not None


def create_agent(session: Session, *, job_number: str, name: str, password: str, sip_password: str,
                 languages: list[str], skills: dict[str, int], role: str = "agent",
                 device: str | None = None) -> Agent:
    agent = Agent(
        job_number=job_number, name=name, role=role, password_hash=hash_password(password),
        sip_username=f"agent{job_number}", sip_ha1=sip_ha1(f"agent{job_number}", sip_password),
        device=device, languages=",".join(languages), state=AgentState.LOGGED_OUT.value,
    )
    session.add(agent)
    session.flush()
    for code, level in skills.items():
        session.add(AgentSkill(agent_id=agent.id, skill_id=ensure_skill(session, code).id, level=level))
    session.flush()
    return agent


def get_by_job_number(session: Session, job_number: str) -> Agent:
    agent = session.scalars(select(Agent).where(Agent.job_number == job_number)).one_or_none()
    if agent is None:
        raise AgentNotFound(f"no agent with job number {job_number}")
    return agent


def set_state(session: Session, agent_id: int, state: AgentState, reason: str | None = None, *,
              at: datetime | None = None) -> Agent:
    """The agent's state from `at` (default: now). The ACD passes the moment it decided, not the moment its write
    reaches the database: the ACD's refresh compares the row's `state_since` with its own decisions, and a write
    that waited in the queue must not look newer than an offer made meanwhile. A change decided before the
    row's last one is stale (two writes of one agent finishing out of order) and leaves the row as it is."""
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise AgentNotFound(f"no agent {agent_id}")
    now = at or utcnow()
    if at is not None and at < agent.state_since:
        return agent
    report_intervals.add_state_time(session, state_time(agent.id, agent.state, agent.state_reason,
                                                        agent.state_since, now))
    session.add(AgentStateChange(agent_id=agent.id, state=state.value, reason=reason or "", at=now))
    agent.state = state.value
    agent.state_reason = reason
    agent.state_since = now
    return agent


def routing_snapshot(session: Session) -> list[AgentSnapshot]:
    """Every logged-in agent with skills and languages, in one query."""
    agents = session.scalars(
        select(Agent)
        .where(Agent.state != AgentState.LOGGED_OUT.value)
        .options(selectinload(Agent.skills).selectinload(AgentSkill.skill))
    ).all()
    return [
        AgentSnapshot(
            id=a.id, job_number=a.job_number, name=a.name, state=AgentState(a.state),
            state_since=a.state_since, languages=frozenset(a.language_list),
            skills={s.skill.code: s.level for s in a.skills}, dial_string=a.dial_string,
        )
        for a in agents
    ]


def dial_strings(session: Session) -> dict[int, str]:
    """Agent id → what Asterisk dials to ring the agent's phone, for every agent (logged in or not)."""
    return {a.id: a.dial_string for a in session.scalars(select(Agent).order_by(Agent.id))}


def sip_accounts(session: Session) -> list[tuple[str, str]]:
    """(username, ha1) of every agent, for the PJSIP configuration."""
    return [(a.sip_username, a.sip_ha1) for a in session.scalars(select(Agent).order_by(Agent.id))]
