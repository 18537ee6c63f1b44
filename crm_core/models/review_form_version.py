"""One published version of a quality-review form (its JSON document, crm_core.reviews.form); never changed
once published: a change is the next version, and a review keeps the version it was scored on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class ReviewFormVersion(Base):
    __tablename__ = "review_forms"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_review_forms_code_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    published_by: Mapped[str] = mapped_column(String(100), default="")
    published_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
