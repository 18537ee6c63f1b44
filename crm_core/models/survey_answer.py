"""A key a client pressed for one survey question, stored as it is given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question", name="uq_survey_answers_attempt_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("survey_targets.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("survey_attempts.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(1))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
