"""Where a campaign's targets come from, named by its `source`:

    segment:CODE          investors whose current classification path passes through segment CODE
    list:CODE             the marketing manager's list: the targets of marketing campaign CODE
    event:called_today    clients who called the hotline on the day (the agent and skill of their last call)
    event:complaint_closed  clients whose complaint was closed on the day (the agent who handled it)
    event:first_phone_order clients whose first order by phone was placed on the day

Each gives (investor id, agent id, skill, call id); the number is the investor's first phone. "The day" is
the campaign's local date of `now`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import (
    Call,
    Campaign,
    CampaignTarget,
    Complaint,
    SegmentMembership,
    TradingAccount,
    TradingOrder,
)

EVENTS = ("called_today", "complaint_closed", "first_phone_order")


class SourceError(ValueError):
    """A campaign source that names nothing usable."""


@dataclass(frozen=True)
class Found:
    investor_id: int
    agent_id: int | None = None
    skill: str | None = None
    call_id: str | None = None


def check_source(source: str) -> tuple[str, str]:
    kind, _, name = source.partition(":")
    if kind not in ("segment", "list", "event") or not name:
        raise SourceError(f"source {source!r}: segment:CODE, list:CODE or event:{'|'.join(EVENTS)}")
    if kind == "event" and name not in EVENTS:
        raise SourceError(f"source {source!r}: the events are {', '.join(EVENTS)}")
    return kind, name


def find_targets(session: Session, source: str, now: datetime, timezone: str) -> list[Found]:
    kind, name = check_source(source)
    if kind == "segment":
        return _segment(session, name)
    if kind == "list":
        return _listed(session, name)
    start, end = _day(now, timezone)
    return {"called_today": _called, "complaint_closed": _complaints, "first_phone_order": _first_orders}[name](
        session, start, end)


def _day(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(timezone)
    day: date = now.astimezone(tz).date()
    start = datetime.combine(day, time(0), tz)
    return start, start + timedelta(days=1)


def _segment(session: Session, code: str) -> list[Found]:
    rows = session.execute(select(SegmentMembership.investor_id, SegmentMembership.path)
                           .where(SegmentMembership.valid_to.is_(None)))
    return [Found(investor_id) for investor_id, path in rows if code in path.split("/")]


def _listed(session: Session, code: str) -> list[Found]:
    campaign = session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        raise SourceError(f"no marketing campaign {code!r}")
    ids = session.scalars(select(CampaignTarget.investor_id).where(CampaignTarget.campaign_id == campaign.id)
                          .order_by(CampaignTarget.investor_id))
    return [Found(i) for i in ids]


def _called(session: Session, start: datetime, end: datetime) -> list[Found]:
    rows = session.execute(select(Call).where(Call.investor_id.is_not(None), Call.direction == "inbound",
                                              Call.entered_at >= start, Call.entered_at < end)
                           .order_by(Call.entered_at)).scalars()
    last = {c.investor_id: c for c in rows}  # the day's last call of each client
    return [Found(i, c.agent_id, c.category, c.id) for i, c in last.items() if i is not None]


def _complaints(session: Session, start: datetime, end: datetime) -> list[Found]:
    rows = session.scalars(select(Complaint).where(Complaint.closed_at >= start, Complaint.closed_at < end,
                                                   Complaint.investor_id.is_not(None))
                           .order_by(Complaint.closed_at))
    return _unique(Found(c.investor_id, c.agent_id, c.category, c.call_id) for c in rows if c.investor_id is not None)


def _first_orders(session: Session, start: datetime, end: datetime) -> list[Found]:
    first = (select(TradingAccount.investor_id, func.min(TradingOrder.created_at).label("first"))
             .join(TradingOrder, TradingOrder.account_id == TradingAccount.id)
             .where(TradingOrder.channel == "phone").group_by(TradingAccount.investor_id).subquery())
    ids = session.scalars(select(first.c.investor_id).where(first.c.first >= start, first.c.first < end)
                          .order_by(first.c.investor_id))
    return [Found(i) for i in ids]


def _unique(found: Iterable[Found]) -> list[Found]:
    seen: dict[int, Found] = {}
    for f in found:
        seen[f.investor_id] = f  # the latest wins
    return list(seen.values())
