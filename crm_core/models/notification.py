"""A message to a client through the outbox: what, to whom, by which channels, and where it stands.

`key` is the idempotency key (e.g. `fill:42`): unique, so one fill gives one report whatever retries.
`chain` is the channels still to try, the current one first; `status` the life (crm_core.notifications).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    # None: a message to staff (a daily report to a list), its e-mail address in data["to"]
    investor_id: Mapped[int | None] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True,
                                                    nullable=True)
    purpose: Mapped[str] = mapped_column(String(30))  # fill_report | reminder | price_alert | reply | document
    template: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(5))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chain: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str | None] = mapped_column(String(10), nullable=True)  # the one being tried, or that sent
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # on the current channel
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)  # not before (quiet hours, retry delay)
    provider_id: Mapped[str | None] = mapped_column(String(120), nullable=True)  # Message-ID, SMSC id, call id
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
