"""A trading or fund account an investor holds (cash, margin, fund, option)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class InvestorAccount(Base):
    __tablename__ = "investor_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    account_number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="cash")  # cash | margin | fund | option
    status: Mapped[str] = mapped_column(String(20), default="active")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
