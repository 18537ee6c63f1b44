"""The definition of one investor attribute, versioned: a new version row replaces the old one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class AttributeDefinition(Base):
    __tablename__ = "attribute_definitions"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_attribute_definitions_key_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    value_type: Mapped[str] = mapped_column(String(10))  # number | integer | money | text | bool | level
    unit: Mapped[str] = mapped_column(String(20), default="")
    computation: Mapped[str] = mapped_column(String(12))  # calculator | rule | input
    formula: Mapped[str] = mapped_column(Text, default="")  # calculator name or rule expression
    cadence: Mapped[str] = mapped_column(String(20), default="daily")  # daily | monthly | on_change
    owner: Mapped[str] = mapped_column(String(60), default="crm")
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
