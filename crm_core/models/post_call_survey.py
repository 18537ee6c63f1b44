"""A caller kept on the line after the agent hung up to answer a short survey (the post-call survey): which
call (and so which agent, skill and disposition), which survey version, when, and how it ended. One per call
at most. The agent is never told (nothing of it reaches the desk)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class PostCallSurvey(Base):
    __tablename__ = "post_call_surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    investor_id: Mapped[int | None] = mapped_column(ForeignKey("investors.id"), nullable=True, index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True, index=True)
    skill: Mapped[str | None] = mapped_column(String(60), nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="zh")
    channel_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(60), default="")  # why the policy chose this call
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: under way
    detail: Mapped[str] = mapped_column(String(200), default="")
