"""A client a survey campaign calls: the number, language and zone frozen when targets are loaded, where
the calls stand (pending until `next_at`, calling, done, exhausted, do_not_call) and, for targets picked by
an event, the agent and skill of the call that made them a target (for results per agent and skill)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class SurveyTarget(Base):
    __tablename__ = "survey_targets"
    __table_args__ = (UniqueConstraint("campaign_id", "investor_id", name="uq_survey_targets_campaign_investor"),
                      Index("ix_survey_targets_due", "campaign_id", "status", "next_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"))
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(5), default="zh")
    timezone: Mapped[str] = mapped_column(String(60), default="")  # "" : the campaign's zone
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)  # of the last attempt
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    skill: Mapped[str | None] = mapped_column(String(60), nullable=True)
    call_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
