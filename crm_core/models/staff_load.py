"""How many investors a staff member serves in a role: kept in step with investor_assignments so the
balancer never counts a million rows (recounted by every full recompute)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class StaffLoad(Base):
    __tablename__ = "staff_loads"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    role_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    investors: Mapped[int] = mapped_column(Integer, default=0)
