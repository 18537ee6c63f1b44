"""The built-in broker's market: a matching round every few seconds (fills, and expiry after the close)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session

from ari_apps.database import AsyncDatabase
from ari_apps.ivr.trading.services import TradingServices
from crm_core import trading
from crm_core.notifications import NotifyPolicy
from crm_core.notifications.fill_reports import report_fills

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
        await asyncio.sleep(every_seconds)


def _round(session: Session, services: TradingServices, policy: NotifyPolicy) -> int:
    """One matching round; the fill reports of its fills are queued in the same transaction."""
    now = services.clock()
    fills = trading.match_orders(session, now, broker=services.broker)
    report_fills(session, fills, now, policy)
    return len(fills)
