"""A log line: a match outcome changed, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class MatchChange(Base):
    __tablename__ = "match_changes"
    __table_args__ = (Index("ix_match_changes_investor_at", "investor_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # suitability | recommendation | assignment | segment
    target: Mapped[str] = mapped_column(String(60))
    old_outcome: Mapped[str | None] = mapped_column(String(200), nullable=True)
    new_outcome: Mapped[str | None] = mapped_column(String(200), nullable=True)
    cause: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
