"""A complaint by an investor (or by a sender not yet matched to one): where it came from, what it is about,
its deadlines, its owner, where it stands and how it was resolved. Its steps are `complaint_steps`, its pages
and files `complaint_attachments`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None: the sender (a fax number, an e-mail address) is not a known client yet; a person matches it.
    investor_id: Mapped[int | None] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True,
                                                    nullable=True)
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.id"), nullable=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True)  # who opened it
    category: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | acknowledged | closed
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    channel: Mapped[str] = mapped_column(String(20), default="phone")  # phone | fax | letter | web | email
    department: Mapped[str] = mapped_column(String(60), default="")  # the branch or department it is about
    severity: Mapped[str] = mapped_column(String(10), default="normal")  # low | normal | high
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    acknowledge_by: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resolve_by: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)  # 0 | 1 owner's supervisor | 2 head
    escalated_to: Mapped[str] = mapped_column(String(20), default="")  # the job number it was escalated to
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    sender: Mapped[str] = mapped_column(String(200), default="")  # the fax number or e-mail address it came from
    # What made it, once: "fax:<asterisk uniqueid>", "email:<Message-ID>", "desk:<call>:<hash>"...
    source_key: Mapped[str | None] = mapped_column(String(300), unique=True, nullable=True)
