"""24x7 self-service documents (fax-back): a caller who has logged in with the fund account and trading password
(the trading desk's login) picks a document, then how to get it:

    document:  1 statement (funds, holdings, today's fills)   2 quote sheet (a code keyed, or 0: what they hold)
               3 a product's fact sheet (its six-digit code keyed)
    way:       1 fax to a number keyed   2 e-mail to the registered address   3 SMS to the registered mobile
               4 fax on this call: "press start on your fax machine" (fax_on_call.py; the call ends after the fax)

The document, as it stands now, is queued through the outbox once per call, document and way
(crm_core/documents/send.py); the senders (fax, e-mail with the PDF, SMS with a summary) send it. `*` goes back
to the main menu; an unknown code is said and asked again; a client with no address on that channel hears so."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ari_apps.ivr.ask import InputProblem, ask, choice
from ari_apps.ivr.fax_on_call import fax_on_call
from ari_apps.ivr.trading.entry import parse_code
from ari_apps.media import play_and_wait
from crm_core.documents.send import document_data, fax_number, send_document
from crm_core.documents.sheets import DocumentRejected
from crm_core.notifications.rules import Status
from crm_core.trading.accounts import get_account

if TYPE_CHECKING:
    from ari_apps.ivr.flow import IvrCall

logger = logging.getLogger(__name__)

MAX_FAX_DIGITS = 20
DOCUMENT_KEYS = {"1": "statement", "2": "quote_sheet", "3": "fact_sheet"}
ON_THIS_CALL = "this_call"
WAY_KEYS = {"1": "fax", "2": "email", "3": "sms", "4": ON_THIS_CALL}
HOLDINGS = "0"  # the quote sheet of what the caller holds
CODE_PROMPTS = {"quote_sheet": "quote_sheet_code", "fact_sheet": "fact_sheet_code"}


def keyed_fax_number(keys: str) -> str:
    try:
        return fax_number(keys)
    except ValueError:
        raise InputProblem("invalid_choice") from None


def quote_codes(keys: str) -> list[str]:
    return [] if keys == HOLDINGS else [parse_code(keys)]


def product_code(keys: str) -> list[str]:
    return [parse_code(keys)]


async def fax_back(call: IvrCall, account: str) -> bool:
    """Ask what and how, and queue it; True once it is queued."""
    kind = await _choose(call, "document_menu", DOCUMENT_KEYS)
    if kind is None:
        return False
    try:
        taken = await _document(call, account, kind)
        if taken is None:
            return False
        document, codes = taken
        channel = await _choose(call, "document_way", WAY_KEYS)
        if channel == ON_THIS_CALL:
            return await fax_on_call(call, account, document, f"faxcall:{call.call_id}:{kind}:{','.join(codes)}")
        address = None
        if channel == "fax":
            address = await ask(call, "fax_number", [call.deps.prompts.uri("fax_number", call.language)],
                                max_digits=MAX_FAX_DIGITS, parse=keyed_fax_number)
        if channel is None or (channel == "fax" and address is None):
            return False
        key = f"faxback:{call.call_id}:{kind}:{','.join(codes)}:{channel}:{address or ''}"  # once per call and ask
        notification_id, status = await call.deps.db.run(_queue, call, account, document, key, channel, address)
    except SQLAlchemyError as exc:
        logger.error("call %s: document not queued: %s", call.call_id, exc)
        await _say(call, "self_unavailable")
        return False
    await call.note("fax_back", notification=notification_id, document=kind, channel=channel, number=address or "",
                    status=status)
    if status == Status.GIVEN_UP.value:
        await _say(call, "document_no_address")
        return False
    await _say(call, "fax_queued" if channel == "fax" else "document_queued")
    return True


async def _document(call: IvrCall, account: str, kind: str) -> tuple[dict[str, Any], list[str]] | None:
    """The document's data as it stands now and the codes keyed for it (an unknown one is said, and asked
    again)."""
    for _ in range(call.deps.settings.max_attempts):
        codes: list[str] = []
        if kind in CODE_PROMPTS:
            prompt = CODE_PROMPTS[kind]
            keyed = await ask(call, prompt, [call.deps.prompts.uri(prompt, call.language)], max_digits=6,
                              parse=quote_codes if kind == "quote_sheet" else product_code)
            if keyed is None:
                return None
            codes = keyed
        try:
            return await call.deps.db.run(_take, call, account, kind, codes), codes
        except DocumentRejected as exc:
            await call.note("document_refused", document=kind, codes=codes, reason=str(exc))
            await _say(call, "reason/unknown_security")
    return None


async def _choose(call: IvrCall, prompt: str, keys: dict[str, str]) -> str | None:
    key = await ask(call, prompt, [call.deps.prompts.uri(prompt, call.language)], max_digits=1,
                    parse=choice(set(keys)))
    return None if key is None else keys[key]


async def _say(call: IvrCall, prompt: str) -> None:
    await play_and_wait(call, [call.deps.prompts.uri(prompt, call.language)])


def _take(session: Session, call: IvrCall, account: str, kind: str, codes: list[str]) -> dict[str, Any]:
    return document_data(session, get_account(session, account).investor_id, kind, now=call.deps.trading.clock(),
                         codes=codes, broker=call.deps.trading.broker)


def _queue(session: Session, call: IvrCall, account: str, document: dict[str, Any], key: str, channel: str,
           address: str | None) -> tuple[int, str]:
    row = send_document(session, get_account(session, account).investor_id, document, key=key,
                        now=call.deps.trading.clock(), policy=call.deps.notify_policy, channel=channel,
                        address=address)
    return row.id, row.status
