"""Cancel an open order: the open orders are listed (up to nine), the caller picks one, hears it back,
confirms, and the unfilled remainder is cancelled exactly once (once.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ari_apps.ivr.ask import ask, choice
from ari_apps.ivr.trading import once
from ari_apps.ivr.trading.speech import media, number, reason, say
from crm_core import trading
from crm_core.trading import CancelResult, OrderView
from sounds import phrases

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

MAX_LISTED = 9


async def cancel_order(desk: TradingDesk) -> None:
    orders = (await desk.db.run(_open_orders, desk))[:MAX_LISTED]
    if not orders:
        await say(desk, ["trade_no_open_orders"])
        return
    listing: list[str] = []
    for position, order in enumerate(orders, start=1):
        listing += ["word/order", *number(desk, position), *_line(desk, order)]
    key = await ask(desk.call, "trade_cancel_choose", media(desk, [*listing, "trade_cancel_choose"]), max_digits=1,
                    parse=choice({str(n) for n in range(1, len(orders) + 1)}))
    if key is None:
        return
    order = orders[int(key) - 1]
    await say(desk, ["trade_cancel_readback", *_line(desk, order)])
    confirmed = await ask(desk.call, "trade_confirm", media(desk, ["trade_confirm"]), max_digits=1,
                          parse=choice({"1", "2"}))
    if confirmed != "1":
        await desk.call.note("cancel_not_confirmed", order_id=order.order_id)
        await say(desk, ["trade_not_placed"])
        return
    params = {"order_id": order.order_id}
    result = await once.carry_out(desk, "cancel", params,
                                  lambda request_id: desk.db.run(_cancel, desk, order.order_id, request_id))
    await report(desk, result)


async def finish(desk: TradingDesk, detail: dict[str, Any]) -> None:
    await report(desk, await desk.db.run(_cancel, desk, int(detail["order_id"]), detail["request_id"]))


async def report(desk: TradingDesk, result: CancelResult) -> None:
    await say(desk, ["trade_cancel_done"] if result.cancelled else ["trade_cancel_failed", reason(result.code)])
    await once.reported(desk, result.request_id, "cancelled" if result.cancelled else "rejected")


def _line(desk: TradingDesk, order: OrderView) -> list[str]:
    remaining = order.quantity - order.filled_quantity
    return phrases.order_line(order.side, order.security_code, int(order.price * 100), remaining, desk.call.language,
                              named=order.security_code in desk.services.named_securities)


def _open_orders(session: Session, desk: TradingDesk) -> list[OrderView]:
    return trading.open_orders(session, desk.account)


def _cancel(session: Session, desk: TradingDesk, order_id: int, request_id: str) -> CancelResult:
    return trading.cancel_order(session, desk.account, order_id, request_id=request_id, now=desk.services.clock(),
                                channel="phone", call_id=desk.call.call_id, broker=desk.services.broker)
