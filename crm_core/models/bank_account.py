"""The bank account linked to a trading account (third-party depository), held by the built-in bank."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class BankAccount(Base):
    __tablename__ = "bank_accounts"
    __table_args__ = (CheckConstraint("balance_cents >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trading_account_id: Mapped[int] = mapped_column(
        ForeignKey("trading_accounts.id", ondelete="CASCADE"), unique=True
    )
    bank_code: Mapped[str] = mapped_column(String(20), default="LEDGER")
    account_number: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2; never the password
    balance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
