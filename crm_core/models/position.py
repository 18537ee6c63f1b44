"""What an investor holds now, valued at the last close."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class Position(Base):
    __tablename__ = "positions"

    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), primary_key=True)
    security_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    market_value_cents: Mapped[int] = mapped_column(BigInteger)
