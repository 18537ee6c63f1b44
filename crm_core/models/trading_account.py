"""A brokerage trading (fund) account: cash in integer cents, the trading password digest, lockout state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class TradingAccount(Base):
    __tablename__ = "trading_accounts"
    __table_args__ = (
        CheckConstraint("cash_cents >= 0", name="cash_not_negative"),
        CheckConstraint("frozen_cents >= 0 AND frozen_cents <= cash_cents", name="frozen_within_cash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    account_number: Mapped[str] = mapped_column(String(32), unique=True)
    cash_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # total cash, frozen included
    frozen_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # held for open buy orders
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2; never the password
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def available_cents(self) -> int:
        return self.cash_cents - self.frozen_cents
