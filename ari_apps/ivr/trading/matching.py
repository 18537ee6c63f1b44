"""The built-in broker's market: a matching round every few seconds (fills, and expiry after the close)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session

from ari_apps.database import AsyncDatabase
from ari_apps.ivr.trading.services import TradingServices
from crm_core import trading

logger = logging.getLogger(__name__)


async def match_orders_forever(db: AsyncDatabase, services: TradingServices, every_seconds: float) -> None:
    while True:
        try:
            fills = await db.run(_round, services)
            if fills:
                logger.info("matched %d fill(s)", fills)
        except Exception:
            logger.exception("order matching failed; retrying")
        await asyncio.sleep(every_seconds)


def _round(session: Session, services: TradingServices) -> int:
    return len(trading.match_orders(session, services.clock(), broker=services.broker))
