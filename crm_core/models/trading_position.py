"""Shares an account holds in one security; T+1 from `last_buy_date` / `last_buy_quantity`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class TradingPosition(Base):
    __tablename__ = "trading_positions"

    account_id: Mapped[int] = mapped_column(ForeignKey("trading_accounts.id", ondelete="CASCADE"), primary_key=True)
    security_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    frozen_quantity: Mapped[int] = mapped_column(BigInteger, default=0)  # held for open sell orders
    cost_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # cost basis of `quantity`, fees included
    last_buy_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_buy_quantity: Mapped[int] = mapped_column(BigInteger, default=0)  # bought on last_buy_date

    def sellable(self, trade_date: date) -> int:
        """Shares that may be sold in `trade_date`'s session: T+1, minus those held by open sells."""
        bought_since = self.last_buy_quantity if self.last_buy_date and self.last_buy_date >= trade_date else 0
        return max(0, self.quantity - bought_since - self.frozen_quantity)
