"""What every document starts with: who it is for and when it was taken."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from crm_core.models import Investor
from crm_core.summary import UnknownInvestor


def client_header(session: Session, investor_id: int) -> dict[str, str]:
    """The client's fund account, name and risk class; UnknownInvestor for a wrong id."""
    investor = session.get(Investor, investor_id)
    if investor is None:
        raise UnknownInvestor(f"no investor {investor_id}")
    return {"account": investor.account_number, "name": investor.name, "risk_class": investor.risk_class or ""}


def as_of(now: datetime) -> str:
    return now.strftime("%Y-%m-%d %H:%M UTC")
