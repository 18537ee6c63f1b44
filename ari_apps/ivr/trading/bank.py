"""Bank <-> brokerage transfers (银证转账) and the bank balance, behind the bank password.

    MENU (1 in, 2 out, 3 balance) ─▶ BANK PASSWORD ─▶ AMOUNT ─▶ read-back ─1─▶ transfer, exactly once

The bank password is asked before the amount and kept in memory only until the bank has answered, so a
transfer confirmed just before a restart cannot be finished afterwards: the caller is told it was not
done (crm_core guarantees nothing moved unless the transfer row says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ari_apps.ivr.ask import ask, ask_secret, choice
from ari_apps.ivr.trading import once
from ari_apps.ivr.trading.entry import parse_amount
from ari_apps.ivr.trading.speech import media, number, reason, say, yuan
from crm_core.banking import (
    BANK_TO_BROKER,
    BROKER_TO_BANK,
    TransferRejected,
    TransferResult,
    bank_balance,
    transfer,
    transfer_status,
)

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

DIRECTIONS = {"1": BANK_TO_BROKER, "2": BROKER_TO_BANK}
READBACK = {BANK_TO_BROKER: "bank_readback_in", BROKER_TO_BANK: "bank_readback_out"}
BALANCE = "3"


async def menu(desk: TradingDesk) -> None:
    key = await ask(desk.call, "bank_menu", media(desk, ["bank_menu"]), max_digits=1,
                    parse=choice({*DIRECTIONS, BALANCE}))
    if key is None:
        return
    secret = await ask_secret(desk.call, "bank_password")
    if secret is None:
        return
    try:
        if key == BALANCE:
            await _balance(desk, secret)
        else:
            await _transfer(desk, DIRECTIONS[key], secret)
    finally:
        secret = None


async def _balance(desk: TradingDesk, secret: str) -> None:
    try:
        cents = await desk.db.run(_bank_balance, desk, secret)
    except TransferRejected as error:
        await desk.call.note("bank_balance", outcome=error.code.value)
        await say(desk, [reason(error.code)])
        return
    await desk.call.note("bank_balance", outcome="ok")
    await say(desk, ["bank_balance", *yuan(desk, cents)])


async def _transfer(desk: TradingDesk, direction: str, secret: str) -> None:
    amount = await ask(desk.call, "bank_amount", media(desk, ["bank_amount"]), max_digits=12, parse=parse_amount,
                       star_is_back=False)
    if amount is None:
        return
    await say(desk, [READBACK[direction], *yuan(desk, amount)])
    key = await ask(desk.call, "trade_confirm", media(desk, ["trade_confirm"]), max_digits=1,
                    parse=choice({"1", "2"}))
    if key != "1":
        await desk.call.note("transfer_not_confirmed", direction=direction, amount_cents=amount)
        await say(desk, ["trade_not_placed"])
        return
    params = {"direction": direction, "amount_cents": amount}
    result = await once.carry_out(desk, "transfer", params,
                                  lambda request_id: desk.db.run(_transfer_once, desk, params, secret, request_id))
    await report(desk, result)


async def finish(desk: TradingDesk, detail: dict[str, Any]) -> None:
    """A transfer confirmed before a restart: report it if it was made, else say that nothing moved."""
    result = await desk.db.run(_status, detail["request_id"])
    if result is None:
        await say(desk, ["bank_not_done"])
        await once.reported(desk, detail["request_id"], "not_done")
        return
    await report(desk, result)


async def report(desk: TradingDesk, result: TransferResult) -> None:
    if result.completed:
        await say(desk, ["bank_done", *number(desk, result.transfer_id)])
    else:
        await say(desk, ["bank_rejected", reason(result.code)])
    await once.reported(desk, result.request_id, result.status)


def _bank_balance(session: Session, desk: TradingDesk, secret: str) -> int:
    return bank_balance(session, desk.account, secret, gateway=desk.services.bank)


def _transfer_once(session: Session, desk: TradingDesk, params: dict[str, Any], secret: str,
                   request_id: str) -> TransferResult:
    return transfer(session, desk.account, params["direction"], params["amount_cents"], secret,
                    request_id=request_id, now=desk.services.clock(), channel="phone", call_id=desk.call.call_id,
                    gateway=desk.services.bank, config=desk.services.bank_limits)


def _status(session: Session, request_id: str) -> TransferResult | None:
    return transfer_status(session, request_id)
