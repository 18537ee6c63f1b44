"""An executed trade; sells carry the realised P&L and how long the closed lot was held."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime


class Trade(Base):
    __tablename__ = "trades"
    __table_args__ = (Index("ix_trades_investor_traded", "investor_id", "traded_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"))
    security_code: Mapped[str] = mapped_column(String(20))
    side: Mapped[str] = mapped_column(String(1))  # B | S
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    realised_pnl_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # sells only
    holding_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # sells only
    traded_at: Mapped[datetime] = mapped_column(UtcDateTime)
