"""An Asterisk recording of (part of) a call: trading calls are recorded as evidence of what was agreed.

Orders, cancels, transfers and audit rows carry the call id, so a recording is found from any of them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class CallRecording(Base):
    __tablename__ = "call_recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # Asterisk's stored recording name
    format: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(20))  # "trading"
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
