"""A price alert set by phone (main menu 7, after the trading login): the caller keys a security code and hears
its latest price, keys the price to be told at (`*` is the decimal point), hears it read back (rises to / falls
to, from where the price stands now) and confirms with 1. The alert is set through crm_core's price-alert
service, once per call, code and price (a request id), and sent by the client's preferred channel when the
market reaches it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ari_apps.ivr.ask import ask, choice
from ari_apps.ivr.trading import speech
from ari_apps.ivr.trading.entry import parse_code, parse_price
from ari_apps.ivr.trading.speech import media, reason, say
from crm_core import trading
from crm_core.models.base import utcnow
from crm_core.notifications.price_alerts import Direction, add_alert
from crm_core.trading import OrderRejected, Quote
from crm_core.trading.accounts import get_account

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

logger = logging.getLogger(__name__)

CONFIRM, DROP = "1", "2"


async def price_alert(desk: TradingDesk) -> bool:
    """Ask, read back, confirm and set; True once it is set."""
    found = await _security(desk)
    if found is None:
        return False
    cents = await ask(desk.call, "alert_price", media(desk, ["alert_price"]), max_digits=10,
                      parse=lambda keys: int(parse_price(keys) * 100), star_is_back=False)
    if cents is None:
        return False
    direction = Direction.ABOVE if cents >= found.last_cents else Direction.BELOW
    readback = ["alert_readback", *speech.security(desk, found.code),
                "alert_rises_to" if direction is Direction.ABOVE else "alert_falls_to", *speech.yuan(desk, cents)]
    await say(desk, readback)
    key = await ask(desk.call, "trade_confirm", media(desk, ["trade_confirm"]), max_digits=1,
                    parse=choice({CONFIRM, DROP}))
    if key != CONFIRM:
        await desk.call.note("price_alert_not_confirmed", code=found.code, price_cents=cents)
        await say(desk, ["trade_not_placed"])
        return False
    try:
        alert_id = await desk.db.run(_set, desk, found.code, direction.value, cents)
    except SQLAlchemyError as exc:
        logger.error("call %s: price alert not set: %s", desk.call.call_id, exc)
        await say(desk, ["self_unavailable"])
        return False
    await desk.call.note("price_alert", alert=alert_id, code=found.code, direction=direction.value, price_cents=cents)
    await say(desk, ["alert_set"])
    return True


async def _security(desk: TradingDesk) -> Quote | None:
    """A code keyed and its quote read (name, latest price, today's range); an unknown one is said, and asked
    again."""
    for _ in range(desk.call.deps.settings.max_attempts):
        code = await ask(desk.call, "alert_code", media(desk, ["alert_code"]), max_digits=6, parse=parse_code)
        if code is None:
            return None
        try:
            found = trading.quote(code, now=desk.services.clock(), broker=desk.services.broker)
        except OrderRejected as error:
            await desk.call.note("quote_refused", reason=error.code.value, code=code)
            await say(desk, [reason(error.code)])
            continue
        await say(desk, speech.quote(desk, found))
        return found
    return None


def _set(session: Session, desk: TradingDesk, code: str, direction: str, cents: int) -> int:
    investor_id = get_account(session, desk.account).investor_id
    return add_alert(session, investor_id, code=code, direction=direction, price_cents=cents, now=utcnow(),
                     market=desk.services.broker, request_id=f"ivr:{desk.call.call_id}:{code}:{cents}").id
