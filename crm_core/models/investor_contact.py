"""A way to reach an investor other than a recognised phone: e-mail, WeChat, SMS number, address."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class InvestorContact(Base):
    __tablename__ = "investor_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))  # phone | sms | email | wechat | app | mail
    value: Mapped[str] = mapped_column(String(200))
    preferred: Mapped[bool] = mapped_column(Boolean, default=False)
    hours: Mapped[str] = mapped_column(String(20), default="")  # e.g. "09-12"
