"""A staff member who answers calls: job number, login, SIP account, languages and state."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_core.models.base import Base, UtcDateTime, utcnow


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"
    RINGING = "ringing"
    BUSY = "busy"
    WRAP_UP = "wrap_up"


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="agent")  # agent | supervisor | administrator
    password_hash: Mapped[str] = mapped_column(String(200))
    sip_username: Mapped[str] = mapped_column(String(40), unique=True)
    sip_ha1: Mapped[str] = mapped_column(String(32))  # md5(user:realm:password), never the password
    # Dial string override, e.g. a Local channel for simulated agents; empty means PJSIP/<sip_username>.
    device: Mapped[str | None] = mapped_column(String(200), nullable=True)
    languages: Mapped[str] = mapped_column(String(40), default="zh")  # comma separated
    state: Mapped[str] = mapped_column(String(20), default=AgentState.LOGGED_OUT.value)
    state_reason: Mapped[str | None] = mapped_column(String(100), nullable=True)
    state_since: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    skills: Mapped[list[AgentSkill]] = relationship(
        back_populates="agent", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def dial_string(self) -> str:
        return self.device or f"PJSIP/{self.sip_username}"

    @property
    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]


from crm_core.models.agent_skill import AgentSkill  # noqa: E402
