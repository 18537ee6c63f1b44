"""A versioned matching rule (suitability, assignment or recommendation); edits add a version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class MatchingRule(Base):
    __tablename__ = "matching_rules"
    __table_args__ = (
        UniqueConstraint("kind", "code", "version", name="uq_matching_rules_kind_code_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # suitability | assignment | recommendation
    code: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)
    priority: Mapped[int] = mapped_column(Integer, default=100)  # lower is tried first
    condition: Mapped[str] = mapped_column(Text)  # over investor.* and product.* attributes
    outcome: Mapped[str] = mapped_column(String(20))  # allow | disclose | refuse | assign | recommend
    params: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
