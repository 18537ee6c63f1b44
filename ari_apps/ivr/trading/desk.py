"""A caller's phone-trading session, as explicit states:

    LOGIN ──ok──▶ MENU ──1..9──▶ action (buy, sell, cancel, quote, fills, holdings, funds, password, bank)
      │            ▲  └──────────────── action done, refused or abandoned ──┘
      │            └─ resumed after a restart: a confirmed but unreported instruction is finished first
      ├─ wrong password 3 times / locked ──▶ OPERATOR
    MENU ── * ──▶ MAIN (the IVR's main menu);  0 or no valid key ──▶ OPERATOR

Once logged in, the call is recorded (recording.py) and the fund account is kept in a channel variable,
so that a call recovered after a service restart resumes here. The password is never kept.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ari_apps.ivr.ask import ask, ask_secret, choice, digits_only
from ari_apps.ivr.trading import bank, cancel, once, orders, password, queries, recording
from ari_apps.ivr.trading.services import TradingServices
from ari_apps.ivr.trading.speech import say
from ari_apps.media import set_var
from crm_core import trading
from crm_core.db import AsyncDatabase
from crm_core.trading import LoginOutcome
from dialplan import variables as v

if TYPE_CHECKING:
    from ari_apps.ivr.flow import IvrCall

logger = logging.getLogger(__name__)

MAX_ACCOUNT_DIGITS = 20


class Exit(StrEnum):
    MAIN = "main"  # back to the IVR's main menu
    OPERATOR = "operator"  # to an agent of the trading desk


ACTIONS = {
    "1": orders.buy, "2": orders.sell, "3": cancel.cancel_order, "4": queries.quote, "5": queries.fills,
    "6": queries.holdings, "7": queries.funds, "8": password.change, "9": bank.menu,
}
TO_OPERATOR, TO_MAIN = "0", "*"
# How a confirmation written down before a restart is finished (once.py), by its action.
FINISHERS = {"order": orders.finish, "cancel": cancel.finish, "transfer": bank.finish}


class TradingDesk:
    def __init__(self, call: IvrCall, services: TradingServices) -> None:
        self.call = call
        self.services = services
        self.account = ""

    @property
    def db(self) -> AsyncDatabase:
        return self.call.deps.db

    async def run(self, resumed_account: str = "") -> Exit:
        if resumed_account:
            self.account = resumed_account
            await self.call.note("trading_resumed")
            await say(self, ["trade_resumed"])
            try:
                await self._finish_pending()
            except SQLAlchemyError as exc:  # the confirmation stays pending for the next recovery
                logger.error("call %s: confirmed instruction not finished: %s", self.call.call_id, exc)
                await say(self, ["self_unavailable"])
        elif not await self.login():
            return Exit.OPERATOR
        way_out = await self.menu()
        await set_var(self.call, v.TRADING_ACCOUNT, "")  # leaving: a recovered call starts at the main menu
        return way_out

    async def _finish_pending(self) -> None:
        """After a restart: finish (or report) the confirmation the caller did not hear the answer to."""
        detail = await self.db.run(once.pending, self.call.call_id)
        if detail is not None:
            logger.info("call %s: finishing confirmed %s %s after a restart", self.call.call_id, detail["action"],
                        detail["request_id"])
            await FINISHERS[detail["action"]](self, detail)

    async def login(self) -> bool:
        for attempt in range(1, self.call.deps.settings.max_attempts + 1):
            account = await ask(self.call, "self_account", [self._uri("self_account")],
                                max_digits=MAX_ACCOUNT_DIGITS, parse=digits_only)
            if account is None:
                return False
            secret = await ask_secret(self.call, "self_password")
            if secret is None:  # nothing keyed: not a wrong password, no step towards the lock
                return False
            try:
                outcome = await self.db.run(self._authenticate, account, secret)
            except SQLAlchemyError as exc:
                logger.error("call %s: trading login unavailable: %s", self.call.call_id, exc)
                await say(self, ["self_unavailable"])
                return False
            finally:
                secret = None
            await self.call.note("trading_login", outcome=outcome.value, attempt=attempt)
            if outcome is LoginOutcome.OK:
                await self._logged_in(account)
                return True
            if outcome is LoginOutcome.LOCKED:
                await say(self, ["self_locked"])
                return False
            await say(self, ["self_wrong_password"])
        return False

    def _authenticate(self, session: Session, account: str, secret: str) -> LoginOutcome:
        result = trading.authenticate(session, account, secret, now=self.services.clock(),
                                      config=self.services.auth, channel="phone", call_id=self.call.call_id)
        return result.outcome

    async def _logged_in(self, account: str) -> None:
        self.account = account
        await set_var(self.call, v.TRADING_ACCOUNT, account)
        if self.services.record_calls:
            await recording.start(self)

    async def menu(self) -> Exit:
        while True:
            key = await ask(self.call, "trade_menu", [self._uri("trade_menu")], max_digits=1,
                            parse=choice({*ACTIONS, TO_OPERATOR, TO_MAIN}), star_is_back=False)
            if key is None or key == TO_OPERATOR:
                return Exit.OPERATOR
            if key == TO_MAIN:
                return Exit.MAIN
            await self.call.note("menu", menu="trading", key=key)
            try:
                await ACTIONS[key](self)
            except password.AccountLocked:
                return Exit.OPERATOR
            except SQLAlchemyError as exc:
                logger.error("call %s: trading action %s failed on the database: %s", self.call.call_id, key, exc)
                await say(self, ["self_unavailable"])

    def _uri(self, key: str) -> str:
        return self.call.deps.prompts.uri(key, self.call.language)
