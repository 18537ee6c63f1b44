"""A survey campaign's target sent the survey by e-mail or SMS: a link to the portal's web form, whose token is
single-use and unguessable. Only the token's SHA-256 digest is kept, written when the message is sent (the
token exists only in the message), so neither the database nor the outbox's data can open the form.

    sent (digest set) ─first answer─▶ answering (attempt_id: the web attempt the answers hang on)
                      ─last answer─▶ used (used_at)            past expires_at: expired
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utcnow


class SurveyLink(Base):
    __tablename__ = "survey_links"
    __table_args__ = (UniqueConstraint("campaign_id", "target_id", "channel", name="uq_survey_links_target_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("survey_targets.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    digest: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)  # None: not sent yet
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("survey_attempts.id", ondelete="SET NULL"),
                                                   nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
