"""Outbound call budgets: a monthly limit on what a campaign, an agent or a department may spend on
outbound calls, with a share at which staff are alerted; calls are refused once it is spent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class OutboundBudget(Base):
    __tablename__ = "outbound_budgets"
    __table_args__ = (UniqueConstraint("scope", "subject", "month", name="uq_outbound_budgets_scope_subject_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))  # campaign | agent | department
    subject: Mapped[str] = mapped_column(String(60))  # campaign code, job number, department code
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, in the billing time zone
    limit_fen: Mapped[int] = mapped_column(Integer)
    alert_percent: Mapped[int] = mapped_column(Integer, default=80)
    alerted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
