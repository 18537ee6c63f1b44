"""Price alerts: "when 600519 reaches 1,800.00". One-shot: when the market's last price reaches the price
(at or above it for `above`, at or below for `below`) the alert is queued into the outbox once (key
`price_alert:<id>`) and marked triggered with the price and time it was seen at."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import once
from crm_core.models import PriceAlert
from crm_core.notifications.outbox import enqueue
from crm_core.notifications.reminders import ReminderRejected, check_channel, local_text, set_once
from crm_core.notifications.rules import PREFERENCE, NotifyPolicy
from crm_core.trading.errors import OrderRejected
from crm_core.trading.market import Quote
from crm_core.trading.securities import Security

logger = logging.getLogger(__name__)

PURPOSE = "price_alert"
TEMPLATE = "price_alert"


class Direction(StrEnum):
    ABOVE = "above"
    BELOW = "below"


class Market(Protocol):
    """What alerts need of the broker or its feed (`Broker` and `MarketData` both have it)."""

    def security(self, code: str) -> Security: ...

    def quote(self, code: str, now: datetime) -> Quote: ...


def parse_price(text: str) -> int:
    """'1800', '1,800.00' or '1800.5' yuan, as cents; anything else (or a price not above 0) is refused."""
    try:
        price = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise ReminderRejected(f"price {text!r} is not a number") from None
    if not price.is_finite() or price <= 0 or price != price.quantize(Decimal("0.01")):
        raise ReminderRejected(f"price {text!r} must be above 0 with at most two decimals")
    return int(price * 100)


def crossed(direction: str, target_cents: int, last_cents: int) -> bool:
    """Whether the last price has reached the alert's price."""
    return last_cents >= target_cents if direction == Direction.ABOVE else last_cents <= target_cents


def add_alert(session: Session, investor_id: int, *, code: str, direction: str, price_cents: int, now: datetime,
              market: Market, channel: str = PREFERENCE, request_id: str | None = None) -> PriceAlert:
    """A new alert; an unknown security code, direction or channel is refused. With a `request_id` (unique) a
    repeated request returns the alert the first one set."""
    if request_id is not None and (first := once.find(session, PriceAlert, request_id)) is not None:
        return first
    try:
        market.security(code)
    except OrderRejected:
        raise ReminderRejected(f"unknown security code {code!r}") from None
    if direction not in {d.value for d in Direction}:
        raise ReminderRejected(f"unknown direction {direction!r}: above or below")
    row = PriceAlert(investor_id=investor_id, security_code=code, direction=direction, price_cents=price_cents,
                     channel=check_channel(channel), created_at=now, request_id=request_id)
    return set_once(session, row)


def check_price_alerts(session: Session, market: Market, now: datetime, policy: NotifyPolicy) -> int:
    """Fire the pending alerts whose price the market has reached (one quote per code); returns how many.
    Rows are locked with SKIP LOCKED (PostgreSQL) and the key is unique: each alert fires once."""
    pending: dict[str, list[PriceAlert]] = defaultdict(list)
    for row in session.scalars(select(PriceAlert).where(PriceAlert.triggered_at.is_(None))
                               .order_by(PriceAlert.id).with_for_update(skip_locked=True)):
        pending[row.security_code].append(row)
    fired = 0
    for code, alerts in pending.items():
        try:
            quote = market.quote(code, now)
        except OrderRejected:
            logger.warning("price alerts on %s: the market does not know it", code)
            continue
        for row in alerts:
            if crossed(row.direction, row.price_cents, quote.last_cents):
                _fire(session, row, quote, now, policy)
                fired += 1
    return fired


def _fire(session: Session, row: PriceAlert, quote: Quote, now: datetime, policy: NotifyPolicy) -> None:
    data = {"code": quote.code, "security_name": quote.name_zh, "security_name_en": quote.name_en,
            "direction": row.direction, "target_cents": row.price_cents, "price_cents": quote.last_cents,
            "at_local": local_text(now, policy.time_zone)}
    notification = enqueue(session, key=f"price_alert:{row.id}", investor_id=row.investor_id, purpose=PURPOSE,
                           template=TEMPLATE, data=data, now=now, policy=policy, channel=row.channel)
    row.triggered_at, row.triggered_price_cents, row.notification_id = now, quote.last_cents, notification.id


def of_investor(session: Session, investor_id: int) -> list[PriceAlert]:
    return list(session.scalars(select(PriceAlert).where(PriceAlert.investor_id == investor_id)
                                .order_by(PriceAlert.id)))
