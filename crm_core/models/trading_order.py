"""A phone order: accepted, partially filled, filled, cancelled or rejected (with a reason code).

`request_id` is the client's idempotency key (call id + confirmation step): unique, so a repeated
confirmation can never create a second order, whichever process handles it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class OrderStatus(StrEnum):
    ACCEPTED = "accepted"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


OPEN_STATUSES = (OrderStatus.ACCEPTED.value, OrderStatus.PARTIALLY_FILLED.value)


class TradingOrder(Base):
    __tablename__ = "trading_orders"
    __table_args__ = (Index("ix_trading_orders_account_status", "account_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(100), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("trading_accounts.id", ondelete="CASCADE"))
    security_code: Mapped[str] = mapped_column(String(12))
    side: Mapped[str] = mapped_column(String(4))  # buy | sell
    price_cents: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(BigInteger)
    filled_quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    filled_amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # charged so far
    frozen_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # still held for this buy
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.ACCEPTED.value)
    reject_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    trade_date: Mapped[date] = mapped_column(Date)  # the session it trades in (later when queued)
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("risk_disclosures.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(20), default="phone")
    call_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def remaining(self) -> int:
        return self.quantity - self.filled_quantity

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
