"""Failed web logins counted per job number (known or not), and the lockout they cause."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime


class WebLoginLock(Base):
    __tablename__ = "web_login_locks"

    job_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failures since the last success
    last_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
