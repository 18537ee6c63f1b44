"""The CDR of a call: who called whom, how long, and how it ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime


class CallDetailRecord(Base):
    __tablename__ = "call_detail_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    source: Mapped[str] = mapped_column(String(40))
    destination: Mapped[str] = mapped_column(String(40))
    agent_job_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_seconds: Mapped[int] = mapped_column(Integer)
    wait_seconds: Mapped[int] = mapped_column(Integer)
    billable_seconds: Mapped[int] = mapped_column(Integer)
    disposition: Mapped[str] = mapped_column(String(20))  # ANSWERED | ABANDONED | NO ANSWER | FAILED
