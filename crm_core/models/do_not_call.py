"""A number that is never called by the outbound dialer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class DoNotCall(Base):
    __tablename__ = "do_not_call"

    number: Mapped[str] = mapped_column(String(32), primary_key=True)  # digits only, see crm_core.phones
    reason: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
