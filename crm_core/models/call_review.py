"""A supervisor's quality review of one call: the form version it was scored on, the points per item (JSON),
the total in tenths of a per cent, who reviewed and which agent was reviewed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class CallReview(Base):
    __tablename__ = "call_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("review_forms.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)  # the agent reviewed
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    scores: Mapped[str] = mapped_column(Text)  # {"item id": points}
    total_tenths: Mapped[int] = mapped_column(Integer)  # 875 = 87.5 %
    comment: Mapped[str] = mapped_column(Text, default="")
    call_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)  # when the call entered: reports count it there
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
