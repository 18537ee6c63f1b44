"""One answer of a post-call survey, stored the moment it is keyed (so a caller who hangs up mid-survey keeps
the answers given); a spoken comment is stored as the name of its recording."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class PostCallAnswer(Base):
    __tablename__ = "post_call_answers"
    __table_args__ = (UniqueConstraint("survey_id", "question", name="uq_post_call_answers_survey_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("post_call_surveys.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(2))  # the value keyed, "0".."10"; "" for a spoken comment
    recording: Mapped[str | None] = mapped_column(String(100), nullable=True)  # a comment's recording name
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
