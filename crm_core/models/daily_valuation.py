"""An investor's total assets under custody at the close of one day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class DailyValuation(Base):
    __tablename__ = "daily_valuations"

    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    value_cents: Mapped[int] = mapped_column(BigInteger)
