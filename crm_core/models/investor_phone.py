"""A telephone number by which an investor can be recognised when calling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_core.models.base import Base

if TYPE_CHECKING:
    from crm_core.models.investor import Investor


class InvestorPhone(Base):
    __tablename__ = "investor_phones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(32), index=True)  # digits only, see crm_core.phones
    kind: Mapped[str] = mapped_column(String(20), default="mobile")

    investor: Mapped[Investor] = relationship(back_populates="phones", lazy="raise")
