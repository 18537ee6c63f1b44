"""One small function per AGI command; `HANDLERS` routes `agi_network_script` to them.

Each handler is given the session's `agi_` environment and the channel variables it names in `reads`
(the server fetches them), calls one crm_core service (in the executor, through AsyncDatabase, or the
batch writer of arriving calls) and returns the variables to set for the dialplan and the Stasis apps
(names from dialplan/variables.py). No socket in here: the server (agi/server.py) does the protocol.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from agi.arrivals import CallArrivals
from crm_core import calls, investors
from crm_core.db import AsyncDatabase
from crm_core.models import CallStatus, Investor
from dialplan import variables as v

logger = logging.getLogger(__name__)

# Asterisk waits for the AGI without a limit, the caller in silence: past this deadline a handler is
# given up (its database may hang rather than refuse) and the lookup reported failed.
OPEN_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class AgiDeps:
    db: AsyncDatabase
    arrivals: CallArrivals
    open_timeout: float = OPEN_TIMEOUT_SECONDS


@dataclass(frozen=True)
class AgiRequest:
    env: Mapping[str, str]  # agi_callerid, agi_uniqueid, agi_extension, ...
    variables: Mapping[str, str]  # the channel variables the handler reads


@dataclass(frozen=True)
class Handler:
    run: Callable[[AgiRequest, AgiDeps], Awaitable[dict[str, str]]]  # the variables to set
    reads: tuple[str, ...] = ()
    arrives: bool = False  # opens the call's record through the batch writer (agi/arrivals.py)


def _found(investor: Investor | None, by: str) -> dict[str, str]:
    if investor is None:
        return {v.LOOKUP_STATUS: "not_found"}
    return {v.CUSTOMER_ID: str(investor.id), v.CUSTOMER_CLASS: investor.investor_class, v.LANGUAGE: investor.language,
            v.VIP: "1" if investor.vip else "0", v.IDENTIFIED_BY: by, v.LOOKUP_STATUS: "found"}


async def identify_caller(agi: AgiRequest, deps: AgiDeps) -> dict[str, str]:
    """Open the call record and look the caller up by the number they call from (with the calls entering
    at the same moment: agi/arrivals.py)."""
    caller = "".join(ch for ch in agi.env.get("agi_callerid", "") if ch.isdigit() or ch == "+")
    entering = calls.Entering(agi.env.get("agi_uniqueid", ""), caller, agi.env.get("agi_extension", ""))
    arrival = await deps.arrivals.open(entering)
    return {"__" + v.CALL_ID: arrival.call_id, **_found(arrival.investor, "number")}


async def identify_account(agi: AgiRequest, deps: AgiDeps) -> dict[str, str]:
    """Look the caller up by the account number they keyed in."""
    account = "".join(ch for ch in agi.variables[v.ACCOUNT_INPUT] if ch.isdigit())
    investor = await deps.db.run(_identify_by_account, account, agi.variables[v.CALL_ID])
    return _found(investor, "account")


def _identify_by_account(session: Session, account: str, call_id: str) -> Investor | None:
    investor = investors.find_by_account(session, account)
    if call_id:
        calls.identify(session, call_id, investor, "account", tried=account)
    return investor


async def call_ended(agi: AgiRequest, deps: AgiDeps) -> dict[str, str]:
    """The `h` extension: a caller who hangs up before the IVR or ACD took the call is recorded too."""
    if call_id := agi.variables[v.CALL_ID]:
        await deps.db.run(_abandoned_in_ivr, call_id)
    return {}


def _abandoned_in_ivr(session: Session, call_id: str) -> None:
    if calls.get_call(session, call_id).status == CallStatus.IVR.value:
        calls.finish(session, call_id, status=CallStatus.ABANDONED, hangup_by="caller")


HANDLERS: dict[str, Handler] = {
    "identify_caller": Handler(identify_caller, arrives=True),
    "identify_account": Handler(identify_account, reads=(v.ACCOUNT_INPUT, v.CALL_ID)),
    "call_ended": Handler(call_ended, reads=(v.CALL_ID,)),
}
