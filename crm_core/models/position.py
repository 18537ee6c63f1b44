"""The back office's end-of-day holdings of an investor, valued at the last close (in production from the
custody / clearing system; today only `hotline crm synth` writes them): an input of the attribute
calculators (assets, investor class).

Not the trading book: what a client can sell by phone, and what the agent and the IVR are shown, are the
built-in broker's `trading_positions` per trading account, read through `crm_core.summary`.
"""

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
