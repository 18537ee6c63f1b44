"""One audited action: a login, an order, a transfer, a supervisor's listen... Never a secret."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))  # "agent:1001", "investor:100000002", "system"
    action: Mapped[str] = mapped_column(String(60), index=True)  # "login", "order.place", "supervise.listen"
    subject: Mapped[str | None] = mapped_column(String(200), nullable=True)  # what it acted on
    outcome: Mapped[str] = mapped_column(String(40))  # "ok", "refused", "wrong_password", ...
    channel: Mapped[str] = mapped_column(String(20))  # "phone", "web", "cli", "batch"
    call_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
