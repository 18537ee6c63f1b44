"""One step in a complaint's history: opened, acknowledged, assigned, escalated, resolved, a note, an
attachment; who did it and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime


class ComplaintStep(Base):
    __tablename__ = "complaint_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(100))  # "agent:1001", "system", "fax:02168881234"...
    action: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # the complaint's status after the step
    detail: Mapped[str] = mapped_column(Text, default="")
