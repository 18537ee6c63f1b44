"""A CDR rated under one tariff version: what was matched and what it cost. A CDR has one rating per
version it was rated under (history); its charge is the rating of the newest version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class CdrRating(Base):
    __tablename__ = "cdr_ratings"
    __table_args__ = (UniqueConstraint("cdr_id", "tariff_version_id", name="uq_cdr_ratings_cdr_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cdr_id: Mapped[int] = mapped_column(ForeignKey("call_detail_records.id", ondelete="CASCADE"), index=True)
    tariff_version_id: Mapped[int | None] = mapped_column(ForeignKey("tariff_versions.id"), nullable=True)
    tariff_rate_id: Mapped[int | None] = mapped_column(ForeignKey("tariff_rates.id"), nullable=True)
    number: Mapped[str] = mapped_column(String(40))  # the outside party's number that was rated
    direction: Mapped[str] = mapped_column(String(10))
    prefix: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: no tariff line matched
    band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    rate_e4: Mapped[int] = mapped_column(Integer, default=0)
    increment_seconds: Mapped[int] = mapped_column(Integer, default=0)
    minimum_seconds: Mapped[int] = mapped_column(Integer, default=0)
    billable_seconds: Mapped[int] = mapped_column(Integer)
    billed_seconds: Mapped[int] = mapped_column(Integer)
    cost_fen: Mapped[int] = mapped_column(Integer)  # hundredths of a yuan
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
