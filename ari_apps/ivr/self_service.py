"""Self-service funds enquiry: fund account, trading password (3 failures lock it), available funds.

The password's keys go from the channel to `authenticate` and nowhere else: they are not logged, not
recorded in the call's events, and not kept after the check.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from ari_apps.media import TERMINATOR, collect_keys, play_and_wait
from crm_core import trading
from crm_core.trading import LoginOutcome, UnknownAccount

if TYPE_CHECKING:
    from ari_apps.ivr.flow import IvrCall

logger = logging.getLogger(__name__)

MAX_ACCOUNT_DIGITS = 20
MAX_PASSWORD_DIGITS = 12


async def funds_enquiry(call: IvrCall) -> bool:
    """True when the funds were read out; False when the caller should go to an operator."""
    settings = call.deps.settings
    for attempt in range(1, settings.max_attempts + 1):
        account = await _keys(call, "self_account", MAX_ACCOUNT_DIGITS)
        if not account:
            await call.note("no_input", menu="self_account", attempt=attempt)
            await _say(call, "no_input")
            continue
        password = await _keys(call, "password", MAX_PASSWORD_DIGITS, prompt="self_password")
        try:
            outcome = await call.deps.db.run(_authenticate, account, password, call.call_id)
        except SQLAlchemyError as exc:
            logger.error("call %s: self-service unavailable: %s", call.call_id, exc)
            await _say(call, "self_unavailable")
            return True
        finally:
            password = ""
        await call.note("self_service_login", outcome=outcome.value, attempt=attempt)
        if outcome is LoginOutcome.OK:
            await _read_funds(call, account)
            return True
        if outcome is LoginOutcome.LOCKED:
            await _say(call, "self_locked")
            return False
        await _say(call, "self_wrong_password")
    return False


def _authenticate(session: object, account: str, password: str, call_id: str) -> LoginOutcome:
    result = trading.authenticate(session, account, password, now=datetime.now(UTC), channel="phone",  # type: ignore[arg-type]
                                  call_id=call_id[:40])
    return result.outcome


async def _read_funds(call: IvrCall, account: str) -> None:
    try:
        available = (await call.deps.db.run(trading.funds, account)).available_cents
    except (SQLAlchemyError, UnknownAccount) as exc:
        logger.error("call %s: funds not read: %s", call.call_id, exc)
        await _say(call, "self_unavailable")
        return
    yuan, cents = divmod(available, 100)
    p, lang = call.deps.prompts, call.language
    await play_and_wait(call, [p.uri("self_funds_before", lang), *p.number(yuan, lang), p.uri("currency_yuan", lang),
                               *p.number(cents, lang), p.uri("currency_cents", lang)])
    await call.note("self_service_funds")


async def _keys(call: IvrCall, name: str, max_digits: int, *, prompt: str | None = None) -> str:
    keys = await collect_keys(call, name, [call.deps.prompts.uri(prompt or name, call.language)],
                              max_digits=max_digits, timeout=call.deps.settings.input_timeout_seconds)
    return "" if keys == TERMINATOR else keys


async def _say(call: IvrCall, key: str) -> None:
    await play_and_wait(call, [call.deps.prompts.uri(key, call.language)])
