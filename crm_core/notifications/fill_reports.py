"""Fill reports: when an order fills, the client who asked for reports gets one per fill, by the channel
they chose (their preferred one by default), queued in the same transaction as the fill."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import Investor, NotificationSubscription, TradingAccount, TradingOrder
from crm_core.notifications.outbox import enqueue
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading.results import FillView
from crm_core.trading.securities import Security, load_securities

PURPOSE = "fill_report"


def subscribe(session: Session, investor_id: int, purpose: str = PURPOSE, channel: str = "preferred") -> None:
    """The client asks to be told (again: the channel is updated)."""
    row = session.scalars(select(NotificationSubscription).where(
        NotificationSubscription.investor_id == investor_id, NotificationSubscription.purpose == purpose)).first()
    if row is None:
        session.add(NotificationSubscription(investor_id=investor_id, purpose=purpose, channel=channel))
    else:
        row.channel = channel
    session.flush()


@cache
def _securities() -> dict[str, Security]:
    """The list shipped with the package, read once (report_fills runs on every matching round)."""
    return load_securities()


def report_fills(session: Session, fills: list[FillView], now: datetime, policy: NotifyPolicy) -> int:
    """Queue one report per fill whose client subscribed; returns how many were queued (a repeated fill id
    is the same notification: key `fill:<id>`)."""
    queued = 0
    securities = _securities()
    for fill in fills:
        row = session.execute(
            select(TradingAccount.account_number, Investor.id, NotificationSubscription.channel)
            .join(TradingOrder, TradingOrder.account_id == TradingAccount.id)
            .join(Investor, Investor.id == TradingAccount.investor_id)
            .join(NotificationSubscription, (NotificationSubscription.investor_id == Investor.id)
                  & (NotificationSubscription.purpose == PURPOSE))
            .where(TradingOrder.id == fill.order_id)).first()
        if row is None:
            continue
        account, investor_id, channel = row
        security = securities.get(fill.security_code)
        data = {"order_id": fill.order_id, "side": fill.side, "quantity": fill.quantity,
                "security_code": fill.security_code, "price_cents": int(fill.price * 100),
                "security_name": security.name_zh if security else fill.security_code,
                "security_name_en": security.name_en if security else fill.security_code,
                "amount_cents": fill.amount_cents, "fee_cents": fill.fee_cents, "account": account,
                "filled_at": fill.filled_at.strftime("%Y-%m-%d %H:%M:%S UTC")}
        enqueue(session, key=f"fill:{fill.fill_id}", investor_id=investor_id, purpose=PURPOSE,
                template="fill_report", data=data, now=now, policy=policy, channel=channel)
        queued += 1
    return queued
