"""An agent's state from `at` on (until the next change): the history behind login, ready, not-ready by
reason and wrap-up times."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class AgentStateChange(Base):
    __tablename__ = "agent_state_changes"
    __table_args__ = (Index("ix_agent_state_changes_at_agent", "at", "agent_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
