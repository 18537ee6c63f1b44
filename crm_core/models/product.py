"""A product the brokerage offers: a security (risk level R1-R5) or an information product."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # security | information
    product_type: Mapped[str] = mapped_column(String(40))  # stock, bond, fund, option, report, ...
    risk_level: Mapped[str] = mapped_column(String(2))  # R1 .. R5
    horizon: Mapped[str] = mapped_column(String(10), default="medium")  # short | medium | long
    min_investor_class: Mapped[str] = mapped_column(String(20), default="ordinary")  # or professional
    attributes: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
