"""One time-stamped value of one investor attribute; `valid_to` is null for the current value."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class AttributeValue(Base):
    __tablename__ = "attribute_values"
    __table_args__ = (
        Index("ix_attribute_values_current", "investor_id", "attribute_key", "valid_to"),
        Index("ix_attribute_values_key_value", "attribute_key", "value", "investor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    attribute_key: Mapped[str] = mapped_column(String(60))
    # Canonical text (Decimal string for money, 'C3' for levels, 'true'/'false'); null when unknown.
    value: Mapped[str | None] = mapped_column(String(200), nullable=True)
    number: Mapped[float | None] = mapped_column(Float, nullable=True)  # for range search only
    definition_version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(40), default="recompute")
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
