"""An investor: the brokerage's client, the service object of the hotline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_core.models.base import Base, UtcDateTime, utcnow


class Investor(Base):
    __tablename__ = "investors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_number: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    investor_class: Mapped[str] = mapped_column(String(20), default="ordinary")  # ordinary | professional
    risk_class: Mapped[str] = mapped_column(String(2), default="C1")  # C1 (cautious) .. C5 (aggressive)
    language: Mapped[str] = mapped_column(String(5), default="zh")
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    phones: Mapped[list[InvestorPhone]] = relationship(
        back_populates="investor", lazy="raise", cascade="all, delete-orphan"
    )


from crm_core.models.investor_phone import InvestorPhone  # noqa: E402
