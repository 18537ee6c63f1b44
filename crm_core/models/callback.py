"""A call to be made back to a customer: taken in the queue ("press 1", keeping the caller's place: their
original entry time and priority) or scheduled at the desk for a time (rung to the agent who scheduled it).

    scheduled ─due─▶ pending ─offered─▶ dialling ─customer answers─▶ done
                       ▲                    │ no answer, busy: retried by policy, then failed (a reminder)
                       └────────────────────┘
    scheduled, pending ─the client cancels─▶ cancelled (`cancelled_by`, `cancelled_at`; not once dialling)

`open_number` is the number while the callback is open (scheduled, pending, dialling) and NULL after: a unique
column, so the database itself keeps one open callback per number.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class CallbackStatus(StrEnum):
    SCHEDULED = "scheduled"  # a desk's callback before its time (no call record yet)
    PENDING = "pending"  # waits in the ACD's queue (or for its next attempt)
    DIALLING = "dialling"  # offered: the agent's phone, then the customer's
    DONE = "done"  # the customer answered
    FAILED = "failed"  # attempts spent: the agent got a reminder
    CANCELLED = "cancelled"


OPEN_STATUSES = (CallbackStatus.SCHEDULED.value, CallbackStatus.PENDING.value, CallbackStatus.DIALLING.value)


class Callback(Base):
    __tablename__ = "callbacks"
    __table_args__ = (Index("ix_callbacks_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), index=True)  # digits, as dialled
    open_number: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    investor_id: Mapped[int | None] = mapped_column(ForeignKey("investors.id", ondelete="SET NULL"), nullable=True)
    skill: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="zh")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    origin: Mapped[str] = mapped_column(String(10))  # queue | scheduled | portal
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime)  # its place in the queue (the caller's entry)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)  # not offered before
    status: Mapped[str] = mapped_column(String(10), default=CallbackStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # attempts the customer did not answer
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True)  # who scheduled it
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.id"), unique=True, nullable=True)
    # The agent's reminder about it: the desk's when scheduled, the one left when its attempts were spent.
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="SET NULL"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancelled_by: Mapped[str] = mapped_column(String(60), default="")  # e.g. investor:12
    idempotency: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
