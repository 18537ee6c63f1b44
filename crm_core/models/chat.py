"""A text chat between a client on the portal and an agent on the desk, routed by the ACD like a call.

    queued ─offered (agent_id set, offered_at)─▶ queued+offered ─the agent answers─▶ talking ─▶ ended
    queued ─not answered in time─▶ queued (agent_id cleared; offered again)
    queued / talking ─the client, the agent or the idle timeout ends it─▶ ended (ended_by)

`open_investor_id` is the investor while the chat is open and NULL after: a unique column, so the database
itself keeps one open chat per investor. `last_seq` numbers the messages (ChatMessage.seq) one by one.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class ChatStatus(StrEnum):
    QUEUED = "queued"  # waiting for an agent (or offered to one: agent_id set, not yet answered)
    TALKING = "talking"  # the agent answered
    ENDED = "ended"


class Chat(Base):
    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"), index=True)
    open_investor_id: Mapped[int | None] = mapped_column(Integer, unique=True, nullable=True)
    skill: Mapped[str] = mapped_column(String(40))  # the topic the client chose = the ACD skill
    language: Mapped[str] = mapped_column(String(5), default="zh")
    status: Mapped[str] = mapped_column(String(10), default=ChatStatus.QUEUED.value, index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(10), nullable=True)  # client | agent | timeout
    client_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)  # the portal's last request
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
