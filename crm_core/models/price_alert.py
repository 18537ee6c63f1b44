"""A client's one-shot price alert: tell me when a security's last price reaches a price from below
(`above`) or from above (`below`); triggered once, with the price and time it was seen at."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class PriceAlert(Base):
    __tablename__ = "price_alerts"
    __table_args__ = (Index("ix_price_alerts_triggered_code", "triggered_at", "security_code"),
                      Index("ix_price_alerts_request_id", "request_id", unique=True))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    security_code: Mapped[str] = mapped_column(String(6))
    direction: Mapped[str] = mapped_column(String(5))  # above | below
    price_cents: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10), default="preferred")
    triggered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    triggered_price_cents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"),
                                                        nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(100), nullable=True)  # unique: a repeat sets one
