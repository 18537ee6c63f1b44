"""An outbound survey batch: which survey version it asks, where its targets come from, how it dials
(the policy as JSON: window, zone, attempts, retry delays), and who runs it now (a lease, so that one
runner at a time dials it and a dead runner's open attempts are closed by the next). A run is requested (by
`hotline survey run` or the nightly batch) by setting `requested`; a service's runner picks it up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class SurveyCampaign(Base):
    __tablename__ = "survey_campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    source: Mapped[str] = mapped_column(String(120))  # segment:CODE | list:CAMPAIGN | event:KIND
    policy: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(20), default="ready")  # ready | requested | running | done
    run_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # None: the window's end
    runner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
