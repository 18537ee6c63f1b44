"""Where an investor sits in the tree (deepest node and the whole path), with history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class SegmentMembership(Base):
    __tablename__ = "segment_memberships"
    __table_args__ = (Index("ix_segment_memberships_current", "investor_id", "valid_to"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    segment_code: Mapped[str] = mapped_column(String(60), index=True)  # the deepest node reached
    path: Mapped[str] = mapped_column(String(600))  # codes from the root, joined by '/'
    cause: Mapped[str] = mapped_column(String(200), default="recompute")
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
