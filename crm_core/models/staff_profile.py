"""Staff attributes beyond the agents table: licences, seniority, how many investors they can serve."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class StaffProfile(Base):
    __tablename__ = "staff_profiles"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    licences: Mapped[str] = mapped_column(String(200), default="")  # comma separated licence codes
    hired_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    capacity: Mapped[int] = mapped_column(Integer, default=0)  # investors they can be assigned
    accepting: Mapped[bool] = mapped_column(Boolean, default=True)
    attributes: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
