"""An outbound call made for a campaign, so that its cost counts against the campaign's budget."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class CampaignCall(Base):
    """An outbound call made for a campaign (its cost counts against the campaign's budget)."""

    __tablename__ = "campaign_calls"

    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
