"""Call tariffs, versioned: a change makes a new version (a whole table), never edits an old one, so every
rating can say which rates it used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_core.models.base import Base, UtcDateTime, utcnow


class TariffVersion(Base):
    __tablename__ = "tariff_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Calls that started at or after this time are rated with this version (until a later one).
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    time_zone: Mapped[str] = mapped_column(String(60), default="Asia/Shanghai")  # the bands' clock
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    rates: Mapped[list[TariffRate]] = relationship(lazy="raise", cascade="all, delete-orphan",
                                                   order_by="TariffRate.id")


class TariffRate(Base):
    """One line of a tariff: calls to numbers starting with `prefix`, in one direction, answered within a
    time-of-day band [band_from, band_until) (minutes after local midnight; from > until wraps midnight)."""

    __tablename__ = "tariff_rates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("tariff_versions.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(10), default="outbound")  # outbound | inbound
    prefix: Mapped[str] = mapped_column(String(20))
    band: Mapped[str] = mapped_column(String(20), default="all day")
    band_from: Mapped[int] = mapped_column(Integer, default=0)
    band_until: Mapped[int] = mapped_column(Integer, default=1440)
    rate_e4: Mapped[int] = mapped_column(Integer)  # yuan per minute, in ten-thousandths of a yuan
    increment_seconds: Mapped[int] = mapped_column(Integer, default=60)
    minimum_seconds: Mapped[int] = mapped_column(Integer, default=0)
