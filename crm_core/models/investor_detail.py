"""What the brokerage knows of an investor beyond the spine: declared finances, dates, contact data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class InvestorDetail(Base):
    __tablename__ = "investor_details"

    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), primary_key=True)
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    investing_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    annual_income_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    financial_assets_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # declared
    occupation: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    preferred_channel: Mapped[str] = mapped_column(String(20), default="")  # declared; empty = unknown
    time_zone: Mapped[str] = mapped_column(String(64), default="", server_default="")  # IANA; empty: the brokerage's
    notes: Mapped[str] = mapped_column(Text, default="")
