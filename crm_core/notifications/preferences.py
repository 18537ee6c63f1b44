"""A client's notification preferences as they set them themselves (the portal):

    preferences(session, investor_id) -> Preferences
    set_preferred_channel(session, investor_id, channel, *, now) -> Preferences   # declared, then recomputed
    set_fill_reports(session, investor_id, channel | None, *, now) -> Preferences  # None: no more fill reports

The preferred channel is the CRM's computed `preferred_channel` attribute (what the outbox reads for
'preferred'); the client declares one (`investor_details.preferred_channel`) and the CRM recomputes the
investor at once. The preferred hours are the CRM's computed band of the hours they call in (read only: the
outbox's quiet hours are the brokerage's, `HOTLINE_NOTIFY_QUIET_*`). Every change is audited (channel web).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm_core import audit
from crm_core.models import AttributeValue, InvestorDetail, NotificationSubscription
from crm_core.notifications import fill_reports
from crm_core.notifications.reminders import ReminderRejected, check_channel
from crm_core.notifications.rules import FROM_CRM

DECLARABLE = tuple(FROM_CRM)  # the CRM channels the outbox can send on: phone (a voice call), sms, email, fax


@dataclass(frozen=True)
class Preferences:
    preferred_channel: str | None  # as the CRM computes it (declared, else a contact marked preferred, ...)
    declared_channel: str | None
    preferred_hours: str | None  # the CRM's band of the hours they call in; None with no calls
    fill_reports: str | None  # the channel fill reports go by ('preferred' or one), None: not subscribed


def _attribute(session: Session, investor_id: int, key: str) -> str | None:
    return session.scalar(select(AttributeValue.value).where(
        AttributeValue.investor_id == investor_id, AttributeValue.attribute_key == key,
        AttributeValue.valid_to.is_(None)))


def preferences(session: Session, investor_id: int) -> Preferences:
    detail = session.get(InvestorDetail, investor_id)
    subscribed = session.scalar(select(NotificationSubscription.channel).where(
        NotificationSubscription.investor_id == investor_id,
        NotificationSubscription.purpose == fill_reports.PURPOSE))
    return Preferences(preferred_channel=_attribute(session, investor_id, "preferred_channel"),
                       declared_channel=(detail.preferred_channel or None) if detail else None,
                       preferred_hours=_attribute(session, investor_id, "preferred_hours"),
                       fill_reports=subscribed)


def set_preferred_channel(session: Session, investor_id: int, channel: str, *, now: datetime) -> Preferences:
    """Declare the client's preferred channel and recompute the investor (the outbox's 'preferred' follows)."""
    if channel not in DECLARABLE:
        raise ReminderRejected(f"unknown channel {channel!r}: one of {', '.join(DECLARABLE)}")
    detail = session.get(InvestorDetail, investor_id)
    if detail is None:
        detail = InvestorDetail(investor_id=investor_id)
        session.add(detail)
    detail.preferred_channel = channel
    session.flush()
    from crm_core.rematch import rematch_investors  # pandas: loaded when a client declares, not by every importer

    rematch_investors(session, [investor_id], "preferred channel set by the client")
    _audit(session, investor_id, "preferred_channel", channel, now)
    return preferences(session, investor_id)


def set_fill_reports(session: Session, investor_id: int, channel: str | None, *, now: datetime) -> Preferences:
    if channel is None:
        session.execute(delete(NotificationSubscription).where(
            NotificationSubscription.investor_id == investor_id,
            NotificationSubscription.purpose == fill_reports.PURPOSE))
    else:
        fill_reports.subscribe(session, investor_id, channel=check_channel(channel))
    _audit(session, investor_id, "fill_reports", channel or "off", now)
    return preferences(session, investor_id)


def _audit(session: Session, investor_id: int, what: str, value: str, now: datetime) -> None:
    entry = audit.record(session, actor=f"investor:{investor_id}", action=f"preferences.{what}", outcome=value,
                         channel="web", subject=f"investor:{investor_id}")
    entry.at = now
