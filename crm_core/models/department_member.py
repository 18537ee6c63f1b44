"""The department an agent's calls are billed to (bills and budgets per department)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class DepartmentMember(Base):
    """The department an agent's calls are billed to."""

    __tablename__ = "department_members"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    department: Mapped[str] = mapped_column(String(60), index=True)
