"""The built-in broker's market: a matching round every few seconds (fills, and expiry after the close), and
after it the clients' due reminders and the price alerts the market's prices have reached."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session

from ari_apps.ivr.trading.services import TradingServices
from crm_core import trading
from crm_core.db import AsyncDatabase
from crm_core.notifications.fill_reports import report_fills
from crm_core.notifications.price_alerts import check_price_alerts
from crm_core.notifications.reminders import queue_due_reminders
from crm_core.notifications.rules import NotifyPolicy

logger = logging.getLogger(__name__)


async def match_orders_forever(db: AsyncDatabase, services: TradingServices, every_seconds: float,
                               policy: NotifyPolicy) -> None:
    while True:
        try:
            fills = await db.run(_round, services, policy)
            if fills:
                logger.info("matched %d fill(s)", fills)
        except Exception:
            logger.exception("order matching failed; retrying")
        try:
            await db.run(_reminders_round, services, policy)
        except Exception:
            logger.exception("reminders and price alerts failed; retrying")
        await asyncio.sleep(every_seconds)


def _round(session: Session, services: TradingServices, policy: NotifyPolicy) -> int:
    """One matching round; the fill reports of its fills are queued in the same transaction."""
    now = services.clock()
    fills = trading.match_orders(session, now, broker=services.broker)
    report_fills(session, fills, now, policy)
    return len(fills)


def _reminders_round(session: Session, services: TradingServices, policy: NotifyPolicy) -> int:
    """Due reminders and reached price alerts into the outbox, in a transaction of their own (a failure here
    never undoes a fill)."""
    now = services.clock()
    return queue_due_reminders(session, now, policy) + check_price_alerts(session, services.broker, now, policy)
