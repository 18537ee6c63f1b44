"""Buy and sell by phone: code, price (`*` = decimal point), quantity; every rule checked with a spoken
reason and a chance to fix that field; the risk disclosure when suitability asks for it; the read-back;
then the order, exactly once (once.py).

    CODE ─▶ PRICE ─▶ QUANTITY ─▶ CHECK ─▶ CONFIRM ─1─▶ placed (accepted or rejected, with the reason)
      ▲       ▲          ▲          │  └─ needs disclosure ─▶ DISCLOSURE ─1─▶ CHECK   (2: nothing sent)
      └───────┴──────────┴── refused: the field at fault is asked again (at most max_attempts times)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ari_apps.ivr.ask import InputProblem, ask, choice
from ari_apps.ivr.trading import once, speech
from ari_apps.ivr.trading.entry import parse_code, parse_price, parse_quantity
from ari_apps.ivr.trading.speech import media, number, reason, say, shares
from crm_core import suitability, trading
from crm_core.trading import OrderRejected, OrderResult, RejectReason, calendar
from crm_core.trading.accounts import get_account
from sounds import phrases

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

BUY, SELL = phrases.BUY, phrases.SELL
CONFIRM = choice({"1", "2"})


class Step(StrEnum):
    CODE = "code"
    PRICE = "price"
    QUANTITY = "quantity"
    CHECK = "check"
    DISCLOSURE = "disclosure"
    CONFIRM = "confirm"
    DONE = "done"


# Which field a refusal sends the caller back to; anything else ends the order at the menu.
REDO = {
    RejectReason.UNKNOWN_SECURITY: Step.CODE,
    RejectReason.BAD_PRICE: Step.PRICE, RejectReason.PRICE_TICK: Step.PRICE, RejectReason.PRICE_LIMIT: Step.PRICE,
    RejectReason.BAD_QUANTITY: Step.QUANTITY, RejectReason.BOARD_LOT: Step.QUANTITY,
    RejectReason.INSUFFICIENT_FUNDS: Step.QUANTITY, RejectReason.INSUFFICIENT_SHARES: Step.QUANTITY,
    RejectReason.T_PLUS_ONE: Step.QUANTITY,
    RejectReason.NEEDS_DISCLOSURE: Step.DISCLOSURE,
}


@dataclass
class Draft:
    side: str
    code: str = ""
    price: str = ""  # Decimal as text: it goes into the confirmation event (JSON)
    quantity: int = 0
    disclosure_id: int | None = None
    limits: tuple[int, int] = field(default=(0, 0), repr=False)  # today's (low, high) price in cents


async def buy(desk: TradingDesk) -> None:
    await _order(desk, Draft(BUY))


async def sell(desk: TradingDesk) -> None:
    await _order(desk, Draft(SELL))


async def _order(desk: TradingDesk, draft: Draft) -> None:
    steps = {Step.CODE: _code, Step.PRICE: _price, Step.QUANTITY: _quantity, Step.CHECK: _check,
             Step.DISCLOSURE: _disclosure, Step.CONFIRM: _confirm}
    refusals = 0
    step = Step.CODE
    while step is not Step.DONE:
        following = await steps[step](desk, draft)
        if step is Step.CHECK and following not in (Step.CONFIRM, Step.DONE):
            refusals += 1
            if refusals > desk.call.deps.settings.max_attempts:
                await say(desk, ["trade_not_placed"])
                return
        step = following or Step.DONE


async def _code(desk: TradingDesk, draft: Draft) -> Step | None:
    code = await ask(desk.call, "trade_code", media(desk, ["trade_code"]), max_digits=6, parse=parse_code)
    if code is None:
        return None
    try:
        quote = await desk.db.run(_quote, desk, code)
    except OrderRejected as error:
        await desk.call.note("order_refused", field="code", reason=error.code.value, code=code)
        await say(desk, [reason(error.code)])
        return Step.CODE
    draft.code = code
    draft.limits = (quote.limit_down_cents, quote.limit_up_cents)
    heard = speech.quote(desk, quote)
    if draft.side == SELL:
        sellable = await desk.db.run(_sellable, desk, code)
        heard += ["trade_sellable", *shares(desk, sellable)]
    await say(desk, heard)
    return Step.PRICE


async def _price(desk: TradingDesk, draft: Draft) -> Step | None:
    def within_limits(keys: str) -> Decimal:
        price = parse_price(keys)
        low, high = draft.limits
        if not low <= price * 100 <= high:
            raise InputProblem("reason/price_limit")  # said at once, not after the quantity
        return price

    price = await ask(desk.call, "trade_price", media(desk, ["trade_price"]), max_digits=12, parse=within_limits,
                      star_is_back=False)
    if price is None:
        return None
    draft.price = str(price)
    return Step.QUANTITY


async def _quantity(desk: TradingDesk, draft: Draft) -> Step | None:
    quantity = await ask(desk.call, "trade_quantity", media(desk, ["trade_quantity"]), max_digits=10,
                         parse=parse_quantity)
    if quantity is None:
        return None
    draft.quantity = quantity
    return Step.CHECK


async def _check(desk: TradingDesk, draft: Draft) -> Step | None:
    try:
        await desk.db.run(_validate, desk, draft)
    except OrderRejected as error:
        await desk.call.note("order_refused", reason=error.code.value, **_public(draft))
        if error.code is not RejectReason.NEEDS_DISCLOSURE:
            await say(desk, [reason(error.code)])
        redo = REDO.get(error.code)
        if redo is None:
            await say(desk, ["trade_not_placed"])
        return redo
    return Step.CONFIRM


async def _disclosure(desk: TradingDesk, draft: Draft) -> Step | None:
    await say(desk, ["reason/needs_disclosure"])
    key = await ask(desk.call, "trade_disclosure", media(desk, ["trade_disclosure"]), max_digits=1, parse=CONFIRM)
    if key != "1":
        await desk.call.note("risk_disclosure", code=draft.code, accepted=False)
        await say(desk, ["trade_not_placed"])
        return None
    draft.disclosure_id = await desk.db.run(_record_disclosure, desk, draft.code)
    await desk.call.note("risk_disclosure", code=draft.code, accepted=True, disclosure_id=draft.disclosure_id)
    await say(desk, ["trade_disclosure_recorded"])
    return Step.CHECK


async def _confirm(desk: TradingDesk, draft: Draft) -> Step | None:
    price_cents = int(Decimal(draft.price) * 100)
    readback = phrases.order_readback(draft.side, draft.code, price_cents, draft.quantity, desk.call.language,
                                      named=draft.code in desk.services.named_securities,
                                      amount_cents=price_cents * draft.quantity)
    await say(desk, readback)  # heard in full: keys pressed during the read-back do not count
    key = await ask(desk.call, "trade_confirm", media(desk, ["trade_confirm"]), max_digits=1, parse=CONFIRM)
    if key != "1":
        await desk.call.note("order_not_confirmed", **_public(draft))
        await say(desk, ["trade_not_placed"])
        return None
    params = _public(draft)
    result = await once.carry_out(desk, "order", params, lambda request_id: desk.db.run(_place, desk, params,
                                                                                       request_id))
    await report(desk, result)
    return None


async def finish(desk: TradingDesk, detail: dict[str, Any]) -> None:
    """Place (or find) the order of a confirmation made before a restart, and tell the caller."""
    result = await desk.db.run(_place, desk, detail, detail["request_id"])
    await report(desk, result)


async def report(desk: TradingDesk, result: OrderResult) -> None:
    if result.accepted:
        heard = ["trade_order_accepted", *number(desk, result.order_id)]
        if result.trade_date > calendar.trade_date(desk.services.clock()):
            heard += ["trade_order_queued", *phrases.date_keys(result.trade_date, desk.call.language)]
    else:
        heard = ["trade_order_rejected", reason(result.code)]
    await say(desk, heard)
    await once.reported(desk, result.request_id, result.status.value)


def _public(draft: Draft) -> dict[str, Any]:
    """The order's parameters, as written into the call's events."""
    public = asdict(draft)
    del public["limits"]
    return public


# --- work in the database executor ----------------------------------------------------------------

def _quote(session: Session, desk: TradingDesk, code: str) -> trading.Quote:
    return trading.quote(code, now=desk.services.clock(), broker=desk.services.broker)


def _sellable(session: Session, desk: TradingDesk, code: str) -> int:
    held = trading.positions(session, desk.account, now=desk.services.clock(), broker=desk.services.broker)
    return next((p.sellable for p in held if p.security_code == code), 0)


def _validate(session: Session, desk: TradingDesk, draft: Draft) -> trading.OrderPreview:
    return trading.validate_order(session, desk.account, draft.side, draft.code, Decimal(draft.price), draft.quantity,
                                  now=desk.services.clock(), disclosure_id=draft.disclosure_id,
                                  broker=desk.services.broker)


def _record_disclosure(session: Session, desk: TradingDesk, code: str) -> int:
    investor_id = get_account(session, desk.account).investor_id
    return suitability.record_disclosure(session, investor_id, code, channel="phone", call_id=desk.call.call_id,
                                         at=desk.services.clock()).id


def _place(session: Session, desk: TradingDesk, params: dict[str, Any], request_id: str) -> OrderResult:
    return trading.place_order(session, desk.account, params["side"], params["code"], Decimal(params["price"]),
                               int(params["quantity"]), request_id=request_id, now=desk.services.clock(),
                               channel="phone", call_id=desk.call.call_id, disclosure_id=params.get("disclosure_id"),
                               broker=desk.services.broker)
