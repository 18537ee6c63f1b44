"""Which staff member serves an investor in a role; manual assignments are pinned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class InvestorAssignment(Base):
    __tablename__ = "investor_assignments"

    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), primary_key=True)
    role_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)  # set by an administrator
    rule_code: Mapped[str] = mapped_column(String(60), default="")
    assigned_by: Mapped[str] = mapped_column(String(60), default="rules")
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
