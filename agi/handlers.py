"""One small function per AGI command; `HANDLERS` routes `agi_network_script` to them.

Each handler reads channel variables, calls one crm_core service and sets variables the dialplan
and the Stasis apps read (names from hotline/channel_vars.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from agi.arrivals import CallArrivals
from agi.channel import FastAgiChannel
from crm_core import calls, investors
from crm_core.db import Database
from crm_core.models import CallStatus, Investor
from hotline import channel_vars as v

logger = logging.getLogger(__name__)

# Asterisk waits for the AGI without a limit, the caller in silence: past this the lookup is reported failed.
OPEN_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class AgiDeps:
    db: Database
    arrivals: CallArrivals
    open_timeout: float = OPEN_TIMEOUT_SECONDS


Handler = Callable[[FastAgiChannel, AgiDeps], None]


def _found(investor: Investor | None, by: str) -> dict[str, str]:
    if investor is None:
        return {v.LOOKUP_STATUS: "not_found"}
    return {v.CUSTOMER_ID: str(investor.id), v.CUSTOMER_CLASS: investor.investor_class, v.LANGUAGE: investor.language,
            v.VIP: "1" if investor.vip else "0", v.IDENTIFIED_BY: by, v.LOOKUP_STATUS: "found"}


def identify_caller(agi: FastAgiChannel, deps: AgiDeps) -> None:
    """Open the call record and look the caller up by the number they call from (with the calls entering
    at the same moment: agi/arrivals.py)."""
    caller = "".join(ch for ch in agi.env.get("agi_callerid", "") if ch.isdigit() or ch == "+")
    entering = calls.Entering(agi.env.get("agi_uniqueid", ""), caller, agi.env.get("agi_extension", ""))
    arrival = deps.arrivals.open(entering, deps.open_timeout)
    agi.set_variables({"__" + v.CALL_ID: arrival.call_id, **_found(arrival.investor, "number")})


def identify_account(agi: FastAgiChannel, deps: AgiDeps) -> None:
    """Look the caller up by the account number they keyed in."""
    account = "".join(ch for ch in agi.get_variable(v.ACCOUNT_INPUT) if ch.isdigit())
    call_id = agi.get_variable(v.CALL_ID)
    with deps.db.session() as session:
        investor = investors.find_by_account(session, account)
        if call_id:
            calls.identify(session, call_id, investor, "account", tried=account)
    agi.set_variables(_found(investor, "account"))


def call_ended(agi: FastAgiChannel, deps: AgiDeps) -> None:
    """The `h` extension: a caller who hangs up before the IVR or ACD took the call is recorded too."""
    call_id = agi.get_variable(v.CALL_ID)
    if not call_id:
        return
    with deps.db.session() as session:
        if calls.get_call(session, call_id).status == CallStatus.IVR.value:
            calls.finish(session, call_id, status=CallStatus.ABANDONED, hangup_by="caller")


HANDLERS: dict[str, Handler] = {
    "identify_caller": identify_caller,
    "identify_account": identify_account,
    "call_ended": call_ended,
}
