"""One call into the hotline, from entering Asterisk to hang-up."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, new_id, utcnow


class CallStatus(StrEnum):
    IVR = "ivr"
    QUEUED = "queued"
    RINGING = "ringing"
    TALKING = "talking"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    FAILED = "failed"
    # Asterisk answered while the service was down, played the apology and hung up: never served. Imported
    # from Asterisk's own record (crm_core/outage_calls.py); offered to the `outage` queue, not answered.
    LOST_IN_OUTAGE = "lost_in_outage"


# A call in one of these has ended and is in the interval aggregates.
FINAL_STATUSES = frozenset({CallStatus.COMPLETED.value, CallStatus.ABANDONED.value, CallStatus.FAILED.value,
                            CallStatus.LOST_IN_OUTAGE.value})


class CallDirection(StrEnum):
    INBOUND = "inbound"  # a customer called the hotline
    OUTBOUND = "outbound"  # an agent dialled a customer (click-to-dial)


class Call(Base):
    __tablename__ = "calls"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    channel_id: Mapped[str] = mapped_column(String(100), index=True)
    # The customer's number: the calling party of an inbound call, the called party of an outbound one.
    caller_number: Mapped[str] = mapped_column(String(40), default="")
    dialed_number: Mapped[str] = mapped_column(String(40), default="")
    investor_id: Mapped[int | None] = mapped_column(ForeignKey("investors.id"), nullable=True, index=True)
    identified_by: Mapped[str | None] = mapped_column(String(20), nullable=True)  # number | account
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=CallStatus.IVR.value, index=True)
    direction: Mapped[str] = mapped_column(String(10), default=CallDirection.INBOUND.value,
                                           server_default=CallDirection.INBOUND.value)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True, index=True)
    hangup_by: Mapped[str | None] = mapped_column(String(20), nullable=True)  # caller | agent | system
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
