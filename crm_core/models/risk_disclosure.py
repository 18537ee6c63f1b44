"""A recorded risk disclosure: the investor was told the product exceeds their tolerance, and agreed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class RiskDisclosure(Base):
    __tablename__ = "risk_disclosures"
    __table_args__ = (Index("ix_risk_disclosures_investor_product", "investor_id", "product_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    product_code: Mapped[str] = mapped_column(String(40))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(20), default="phone")
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.id"), nullable=True)
    disclosed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
