"""A staff service role (service commissioner, distribution administrator, marketing manager, ...)."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class StaffRole(Base):
    __tablename__ = "staff_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    serves_investors: Mapped[bool] = mapped_column(Boolean, default=False)  # investors are assigned to it
    description: Mapped[str] = mapped_column(Text, default="")
