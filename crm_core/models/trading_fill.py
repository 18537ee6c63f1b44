"""One execution of (part of) an order."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime


class TradingFill(Base):
    __tablename__ = "trading_fills"
    __table_args__ = (Index("ix_trading_fills_account_date", "account_id", "trade_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("trading_orders.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("trading_accounts.id", ondelete="CASCADE"))
    security_code: Mapped[str] = mapped_column(String(12))
    side: Mapped[str] = mapped_column(String(4))
    price_cents: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(BigInteger)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(BigInteger)  # commission plus stamp duty on sells
    trade_date: Mapped[date] = mapped_column(Date)
    filled_at: Mapped[datetime] = mapped_column(UtcDateTime)
