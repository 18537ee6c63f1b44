"""Change the trading password: current, new, new again. The digits go to crm_core and nowhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ari_apps.ivr.ask import ask_secret
from ari_apps.ivr.trading.speech import say
from crm_core import trading
from crm_core.trading import PasswordChange

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

SPOKEN = {
    PasswordChange.OK: "pwd_ok", PasswordChange.WRONG_PASSWORD: "self_wrong_password",
    PasswordChange.LOCKED: "self_locked", PasswordChange.UNKNOWN_ACCOUNT: "reason/unknown_account",
    PasswordChange.MISMATCH: "pwd_mismatch", PasswordChange.BAD_FORMAT: "pwd_bad_format",
    PasswordChange.TOO_SIMPLE: "pwd_too_simple", PasswordChange.SAME_AS_OLD: "pwd_same_as_old",
}


class AccountLocked(Exception):
    """Too many wrong passwords while changing it: the desk hands the caller to an operator."""


async def change(desk: TradingDesk) -> None:
    old = await ask_secret(desk.call, "pwd_old")
    new = await ask_secret(desk.call, "pwd_new") if old else None
    again = await ask_secret(desk.call, "pwd_again") if new else None
    if not (old and new and again):
        return
    outcome = await desk.db.run(_change, desk, old, new, again)
    old = new = again = None
    await desk.call.note("password_change", outcome=outcome.value)
    await say(desk, [SPOKEN[outcome]])
    if outcome is PasswordChange.LOCKED:
        raise AccountLocked


def _change(session: Session, desk: TradingDesk, old: str, new: str, again: str) -> PasswordChange:
    return trading.change_password(session, desk.account, old, new, again, now=desk.services.clock(),
                                   config=desk.services.auth, channel="phone", call_id=desk.call.call_id).outcome
