"""A reminder a client asked for (a new share subscription day, a bond or product maturity, a note of their
own), sent to them through the outbox when it falls due. Not `Reminder`, which is a staff member's task."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class ClientReminder(Base):
    __tablename__ = "client_reminders"
    __table_args__ = (Index("ix_client_reminders_queued_due", "queued_at", "due_at"),
                      Index("ix_client_reminders_request_id", "request_id", unique=True))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # custom | subscription | maturity
    text: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(20), nullable=True)  # the share, bond or product
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(10), default="preferred")
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # handed to the outbox
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"),
                                                        nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(100), nullable=True)  # unique: a repeat sets one
