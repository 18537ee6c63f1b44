"""One message of a chat, numbered within it; kept for ever (the transcript is part of the audit trail).

`request_key` is the client's (or the desk's) request id: the same POST again is the same message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("chat_id", "seq", name="uq_chat_messages_chat_id_seq"),
                      UniqueConstraint("chat_id", "request_key", name="uq_chat_messages_chat_id_request_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(10))  # client | agent
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    request_key: Mapped[str] = mapped_column(String(100))
