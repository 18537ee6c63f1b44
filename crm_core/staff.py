"""Staff service roles and staff attributes as data, and the pool of staff that can serve a role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import Agent, AgentRole, AgentSkill, Skill, StaffProfile, StaffRole

# code, name, Chinese name, serves investors (investors are assigned to holders of the role)
DEFAULT_ROLES: list[tuple[str, str, str, bool]] = [
    ("service_commissioner", "Service commissioner", "服务专员", True),
    ("distribution_admin", "Customer distribution administrator", "客户分配管理员", False),
    ("marketing_manager", "Marketing service manager", "营销服务经理", False),
    ("investment_advisor", "Investment advisor", "投资顾问", True),
    ("compliance_officer", "Compliance officer", "合规专员", False),
]


class StaffError(ValueError):
    """Unknown role or staff member."""


def seed_roles(session: Session) -> int:
    present = set(session.scalars(select(StaffRole.code)))
    added = 0
    for code, name, name_zh, serves in DEFAULT_ROLES:
        if code not in present:
            session.add(StaffRole(code=code, name=name, name_zh=name_zh, serves_investors=serves))
            added += 1
    session.flush()
    return added


def role(session: Session, code: str) -> StaffRole:
    found = session.scalars(select(StaffRole).where(StaffRole.code == code)).one_or_none()
    if found is None:
        raise StaffError(f"no staff role {code!r}")
    return found


def grant_role(session: Session, agent_id: int, role_code: str) -> None:
    role_id = role(session, role_code).id
    if session.get(AgentRole, (agent_id, role_id)) is None:
        session.add(AgentRole(agent_id=agent_id, role_id=role_id))
        session.flush()


def revoke_role(session: Session, agent_id: int, role_code: str) -> None:
    link = session.get(AgentRole, (agent_id, role(session, role_code).id))
    if link is not None:
        session.delete(link)
        session.flush()


def has_role(session: Session, agent_id: int, role_code: str) -> bool:
    return session.get(AgentRole, (agent_id, role(session, role_code).id)) is not None


def set_profile(session: Session, agent_id: int, *, capacity: int | None = None, licences: str | None = None,
                hired_on: date | None = None, accepting: bool | None = None) -> StaffProfile:
    if session.get(Agent, agent_id) is None:
        raise StaffError(f"no staff member {agent_id}")
    profile = session.get(StaffProfile, agent_id) or StaffProfile(agent_id=agent_id, capacity=0, attributes={})
    session.add(profile)
    for name, value in (("capacity", capacity), ("licences", licences), ("hired_on", hired_on),
                        ("accepting", accepting)):
        if value is not None:
            setattr(profile, name, value)
    session.flush()
    return profile


def set_supervisor(session: Session, agent_id: int, supervisor_job_number: str) -> StaffProfile:
    """Whom the staff member answers to (a job number, kept in their profile's attributes): the first to see
    their overdue complaints."""
    supervisor = session.scalars(select(Agent).where(Agent.job_number == supervisor_job_number.strip())).one_or_none()
    if supervisor is None:
        raise StaffError(f"no staff member with job number {supervisor_job_number!r}")
    if supervisor.id == agent_id:
        raise StaffError("a staff member cannot supervise themselves")
    profile = set_profile(session, agent_id)
    profile.attributes = {**(profile.attributes or {}), "supervisor": supervisor.job_number}
    session.flush()
    return profile


def supervisor_of(session: Session, agent_id: int) -> str | None:
    profile = session.get(StaffProfile, agent_id)
    named = (profile.attributes or {}).get("supervisor") if profile is not None else None
    return named.strip() if isinstance(named, str) and named.strip() else None


@dataclass(frozen=True)
class StaffMember:
    agent_id: int
    job_number: str
    languages: frozenset[str]
    skills: dict[str, int]
    capacity: int
    licences: frozenset[str]
    seniority_years: float


def pool(session: Session, role_code: str, today: date | None = None) -> list[StaffMember]:
    """Staff holding the role and accepting investors, with their skills, languages and capacity."""
    today = today or date.today()
    rows = session.execute(
        select(Agent, StaffProfile)
        .join(AgentRole, AgentRole.agent_id == Agent.id)
        .join(StaffRole, StaffRole.id == AgentRole.role_id)
        .join(StaffProfile, StaffProfile.agent_id == Agent.id)
        .where(StaffRole.code == role_code, StaffProfile.accepting)
        .order_by(Agent.id)
    ).all()
    skills: dict[int, dict[str, int]] = {}
    for agent_id, code, level in session.execute(
        select(AgentSkill.agent_id, Skill.code, AgentSkill.level).join(Skill, Skill.id == AgentSkill.skill_id)
    ):
        skills.setdefault(agent_id, {})[code] = level
    return [
        StaffMember(
            agent.id, agent.job_number, frozenset(agent.language_list), skills.get(agent.id, {}),
            profile.capacity, frozenset(c.strip() for c in profile.licences.split(",") if c.strip()),
            round((today - profile.hired_on).days / 365.25, 1) if profile.hired_on else 0.0,
        )
        for agent, profile in rows
    ]
