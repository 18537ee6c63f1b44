"""24x7 fax-back: a caller who has logged in with the fund account and trading password (the trading desk's
login) keys a fax number; the statement (funds, holdings, today's fills, as they stand now) is queued to it
through the outbox, once per call and number, and the fax sender (ari_apps/notify/fax.py) sends it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ari_apps.ivr.ask import InputProblem, ask
from ari_apps.media import play_and_wait
from crm_core.documents.send import fax_number, queue_statement
from crm_core.trading.accounts import get_account

if TYPE_CHECKING:
    from ari_apps.ivr.flow import IvrCall

logger = logging.getLogger(__name__)

MAX_FAX_DIGITS = 20


def keyed_fax_number(keys: str) -> str:
    try:
        return fax_number(keys)
    except ValueError:
        raise InputProblem("invalid_choice") from None


async def fax_back(call: IvrCall, account: str) -> bool:
    """Ask for the number and queue the statement; True once it is queued."""
    uri = call.deps.prompts.uri
    number = await ask(call, "fax_number", [uri("fax_number", call.language)], max_digits=MAX_FAX_DIGITS,
                       parse=keyed_fax_number)
    if number is None:
        return False
    try:
        notification_id = await call.deps.db.run(_queue, call, account, number)
    except SQLAlchemyError as exc:
        logger.error("call %s: fax-back not queued: %s", call.call_id, exc)
        await play_and_wait(call, [uri("self_unavailable", call.language)])
        return False
    await call.note("fax_back", notification=notification_id, number=number)
    await play_and_wait(call, [uri("fax_queued", call.language)])
    return True


def _queue(session: Session, call: IvrCall, account: str, number: str) -> int:
    investor_id = get_account(session, account).investor_id
    row = queue_statement(session, investor_id, key=f"faxback:{call.call_id}:{number}", now=call.deps.trading.clock(),
                          policy=call.deps.notify_policy, channel="fax", address=number,
                          broker=call.deps.trading.broker)
    return row.id
