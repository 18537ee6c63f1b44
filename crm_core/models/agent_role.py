"""A staff member holds a service role."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class AgentRole(Base):
    __tablename__ = "agent_roles"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("staff_roles.id", ondelete="CASCADE"), primary_key=True)
