"""One call to a survey target. The row (with the channel id the call will have) is written before the
originate, so a service that dies mid-call leaves an open attempt that the next runner closes instead of
forgetting it or dialling again beyond the attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class SurveyAttempt(Base):
    __tablename__ = "survey_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("survey_targets.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(100), unique=True)
    runner: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    amd: Mapped[str | None] = mapped_column(String(40), nullable=True)  # AMDSTATUS/AMDCAUSE
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: under way
    detail: Mapped[str] = mapped_column(String(200), default="")
