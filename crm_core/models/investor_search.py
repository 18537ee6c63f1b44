"""The text document an investor is found by; indexed by FTS5 (SQLite) or a tsvector GIN index (PG)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class InvestorSearch(Base):
    __tablename__ = "investor_search"

    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), primary_key=True)
    document: Mapped[str] = mapped_column(Text)  # normalised: lower case, CJK characters spaced
