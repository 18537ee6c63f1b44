"""One small function per AGI command; `HANDLERS` routes `agi_network_script` to them.

Each handler reads channel variables, calls one crm_core service and sets variables the dialplan
and the Stasis apps read (names from hotline/channel_vars.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from agi.channel import FastAgiChannel
from crm_core import calls, investors
from crm_core.db import Database
from crm_core.models import CallStatus, Investor
from hotline import channel_vars as v

logger = logging.getLogger(__name__)

Handler = Callable[[FastAgiChannel, Database], None]


def _publish(agi: FastAgiChannel, investor: Investor, by: str) -> None:
    agi.set_variable(v.CUSTOMER_ID, str(investor.id))
    agi.set_variable(v.CUSTOMER_CLASS, investor.investor_class)
    agi.set_variable(v.LANGUAGE, investor.language)
    agi.set_variable(v.VIP, "1" if investor.vip else "0")
    agi.set_variable(v.IDENTIFIED_BY, by)
    agi.set_variable(v.LOOKUP_STATUS, "found")


def identify_caller(agi: FastAgiChannel, db: Database) -> None:
    """Open the call record and look the caller up by the number they call from."""
    caller = "".join(ch for ch in agi.env.get("agi_callerid", "") if ch.isdigit() or ch == "+")
    with db.session() as session:
        call = calls.open_call(session, channel_id=agi.env.get("agi_uniqueid", ""),
                               caller_number=caller, dialed_number=agi.env.get("agi_extension", ""))
        investor = investors.find_by_phone(session, caller) if caller else None
        calls.identify(session, call.id, investor, "number", tried=caller)
        call_id = call.id
    agi.set_variable("__" + v.CALL_ID, call_id)
    if investor is None:
        agi.set_variable(v.LOOKUP_STATUS, "not_found")
        return
    _publish(agi, investor, "number")


def identify_account(agi: FastAgiChannel, db: Database) -> None:
    """Look the caller up by the account number they keyed in."""
    account = "".join(ch for ch in agi.get_variable(v.ACCOUNT_INPUT) if ch.isdigit())
    call_id = agi.get_variable(v.CALL_ID)
    with db.session() as session:
        investor = investors.find_by_account(session, account)
        if call_id:
            calls.identify(session, call_id, investor, "account", tried=account)
    if investor is None:
        agi.set_variable(v.LOOKUP_STATUS, "not_found")
        return
    _publish(agi, investor, "account")


def call_ended(agi: FastAgiChannel, db: Database) -> None:
    """The `h` extension: a caller who hangs up before the IVR or ACD took the call is recorded too."""
    call_id = agi.get_variable(v.CALL_ID)
    if not call_id:
        return
    with db.session() as session:
        if calls.get_call(session, call_id).status == CallStatus.IVR.value:
            calls.finish(session, call_id, status=CallStatus.ABANDONED, hangup_by="caller")


HANDLERS: dict[str, Handler] = {
    "identify_caller": identify_caller,
    "identify_account": identify_account,
    "call_ended": call_ended,
}
