"""What the caller can hear without placing anything: a quote, today's fills, holdings, funds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ari_apps.ivr.ask import ask
from ari_apps.ivr.trading import speech
from ari_apps.ivr.trading.entry import parse_code
from ari_apps.ivr.trading.speech import media, reason, say, yuan
from crm_core import summary, trading
from crm_core.summary import AccountSummary
from crm_core.trading import FillView, Funds, OrderRejected, PositionView, Quote
from sounds import phrases

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

MAX_LISTED = 9


async def quote(desk: TradingDesk) -> None:
    for _ in range(desk.call.deps.settings.max_attempts):
        code = await ask(desk.call, "trade_code", media(desk, ["trade_code"]), max_digits=6, parse=parse_code)
        if code is None:
            return
        try:
            found = await desk.db.run(_quote, desk, code)
        except OrderRejected as error:
            await desk.call.note("quote_refused", reason=error.code.value, code=code)
            await say(desk, [reason(error.code)])
            continue
        await desk.call.note("quote", code=code)
        await say(desk, speech.quote(desk, found))
        return


async def fills(desk: TradingDesk) -> None:
    found = await desk.db.run(_fills, desk)
    await desk.call.note("fills", count=len(found))
    if not found:
        await say(desk, ["trade_no_fills"])
        return
    heard = ["trade_fills_before"]
    for fill in found[-MAX_LISTED:]:
        heard += phrases.order_line(fill.side, fill.security_code, int(fill.price * 100), fill.quantity,
                                    desk.call.language, named=fill.security_code in desk.services.named_securities)
    await say(desk, heard)


async def holdings(desk: TradingDesk) -> None:
    found = await desk.db.run(_positions, desk)
    await desk.call.note("holdings", count=len(found))
    if not found:
        await say(desk, ["trade_no_positions"])
        return
    heard = ["trade_positions_before"]
    for held in found[:MAX_LISTED]:
        heard += phrases.position_line(held.security_code, held.quantity, held.sellable, held.last_cents,
                                       desk.call.language,
                                       named=held.security_code in desk.services.named_securities)
    await say(desk, heard)


async def funds(desk: TradingDesk) -> None:
    money = await desk.db.run(_funds, desk)
    await desk.call.note("funds")
    await say(desk, ["trade_funds_available", *yuan(desk, money.available_cents),
                     "trade_funds_frozen", *yuan(desk, money.frozen_cents),
                     "trade_funds_total", *yuan(desk, money.total_cents)])


def _quote(session: Session, desk: TradingDesk, code: str) -> Quote:
    return trading.quote(code, now=desk.services.clock(), broker=desk.services.broker)


def _summary(session: Session, desk: TradingDesk) -> AccountSummary:
    """What the agent's screen-pop shows too (crm_core.summary): one reading of the account for both."""
    return summary.account_summary(session, desk.account, now=desk.services.clock(), broker=desk.services.broker)


def _fills(session: Session, desk: TradingDesk) -> tuple[FillView, ...]:
    return _summary(session, desk).fills_today


def _positions(session: Session, desk: TradingDesk) -> tuple[PositionView, ...]:
    return _summary(session, desk).holdings


def _funds(session: Session, desk: TradingDesk) -> Funds:
    return _summary(session, desk).funds
