"""One caller's way through the IVR, as explicit states.

    GREETING ─▶ LANGUAGE ─▶ MAIN_MENU ─▶ QUEUE
                   │  (language known        │  ▲
                   │   from the CRM: skip)   ▼  │ key 5           * (back)
                   │                       TRADING (trading/desk.py) ───────▶ MAIN_MENU
                   │                           │ 0, locked, no valid key ─▶ QUEUE (trading desk)
                   └─ no valid key after N tries ─▶ QUEUE for the operator desk
    MAIN_MENU ─ key 6 ─▶ FAX_BACK (fax_back.py): the trading login, a document (statement, quote sheet, fact
                         sheet) and a way (fax to a number keyed, e-mail, SMS), queued ─▶ MAIN_MENU
                         (a failed login ─▶ QUEUE, trading desk); way 4, a fax on this call (fax_on_call.py):
                         SendFAX on the caller's channel, and the call ends with the fax
    MAIN_MENU ─ key 7 ─▶ PRICE_ALERT (price_alert.py): the same login, a code, a price, read back, confirmed
                         ─▶ MAIN_MENU
    MAIN_MENU ─ key 8 ─▶ REMINDER (reminder.py): the same login, a kind, a date, read back, confirmed
                         ─▶ MAIN_MENU
    MAIN_MENU ─ key 9 ─▶ EXPERT: a topic (stocks, funds, bonds, options) ─▶ QUEUE for that expert pool
                         (no valid key after N tries ─▶ QUEUE for the operator desk)

A call recovered after a restart while it was in TRADING resumes there (the channel keeps the fund
account, never the password) and first finishes any confirmed instruction (trading/once.py).

Invalid or missing keys re-prompt; after `max_attempts` the caller goes to an operator, never nowhere.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Collection
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ari_apps.ivr.ask import ask, choice
from ari_apps.ivr.deps import IvrDeps
from ari_apps.ivr.fax_back import fax_back
from ari_apps.ivr.menu import (
    EXPERT_KEY,
    EXPERT_MENU,
    FAX_BACK_KEY,
    LANGUAGE_KEYS,
    MAIN_MENU,
    OPERATOR,
    PRICE_ALERT_KEY,
    REMINDER_KEY,
    TRADING_DESK,
    TRADING_KEY,
    expert_category,
)
from ari_apps.ivr.price_alert import price_alert
from ari_apps.ivr.reminder import date_reminder
from ari_apps.ivr.trading.desk import Exit, TradingDesk
from ari_apps.media import play_and_wait, set_var
from ari_apps.session import CallSession, SessionApp
from crm_core import calls
from dialplan import variables as v

logger = logging.getLogger(__name__)

VIP_PRIORITY = 10


class IvrState(StrEnum):
    GREETING = "greeting"
    LANGUAGE = "language"
    MAIN_MENU = "main_menu"
    TRADING = "trading"
    FAX_BACK = "fax_back"
    PRICE_ALERT = "price_alert"
    REMINDER = "reminder"
    EXPERT = "expert"
    QUEUE = "queue"
    DONE = "done"


SELF_SERVICE = {FAX_BACK_KEY: IvrState.FAX_BACK, PRICE_ALERT_KEY: IvrState.PRICE_ALERT,
                REMINDER_KEY: IvrState.REMINDER}  # after the login


class IvrCall(CallSession):
    def __init__(self, app: SessionApp, channel: dict[str, Any], deps: IvrDeps) -> None:
        super().__init__(app, channel["id"])
        self.deps = deps
        self.vars: dict[str, str] = dict(channel.get("channelvars") or {})
        self.call_id = self.vars.get(v.CALL_ID, "")
        self.caller = channel.get("caller", {}).get("number", "")
        self.language = self.vars.get(v.LANGUAGE) or ""
        self.vip = self.vars.get(v.VIP) == "1"
        self.category = OPERATOR
        self.resumed_account = self.vars.get(v.TRADING_ACCOUNT) or ""
        self.state = IvrState.TRADING if self.resumed_account and self.language else IvrState.GREETING

    async def run(self) -> None:
        if not self.call_id:
            await self._open_record()
        steps = {
            IvrState.GREETING: self.greet,
            IvrState.LANGUAGE: self.choose_language,
            IvrState.MAIN_MENU: self.main_menu,
            IvrState.EXPERT: self.expert,
            IvrState.TRADING: self.trading,
            IvrState.FAX_BACK: self.fax_back,
            IvrState.PRICE_ALERT: self.price_alert,
            IvrState.REMINDER: self.reminder,
            IvrState.QUEUE: self.hand_to_queue,
        }
        while self.state is not IvrState.DONE:
            logger.debug("call %s: %s", self.call_id, self.state)
            self.state = await steps[self.state]()

    async def _open_record(self) -> None:
        """The FastAGI lookup did not run (or failed): open the call record here.

        With the database down the caller is still served: the call gets an id of its own (records
        of it are logged as lost) rather than being dropped.
        """
        try:
            call = await self.deps.db.run(calls.open_call, channel_id=self.channel_id, caller_number=self.caller,
                                          dialed_number="")
            self.call_id = call.id
        except SQLAlchemyError as exc:
            self.call_id = "unrecorded-" + uuid.uuid4().hex[:20]
            logger.error("call on %s not recorded, database unavailable: %s", self.channel_id, exc)
        await set_var(self, v.CALL_ID, self.call_id)

    async def greet(self) -> IvrState:
        language = self.language or self.deps.settings.default_language
        media = [self.deps.prompts.uri("greeting", language)]
        if self.vip:
            media.append(self.deps.prompts.uri("vip_welcome", language))
        await play_and_wait(self, media)
        return IvrState.MAIN_MENU if self.language else IvrState.LANGUAGE

    async def choose_language(self) -> IvrState:
        self.language = self.deps.settings.default_language  # the language menu speaks both anyway
        key = await self._menu("language_menu", LANGUAGE_KEYS)
        if key is None:
            return await self._to_operator()
        self.language = LANGUAGE_KEYS[key]
        await set_var(self, v.LANGUAGE, self.language)
        await self.note("language", key=key, language=self.language)
        return IvrState.MAIN_MENU

    async def main_menu(self) -> IvrState:
        key = await self._menu("main_menu", {*MAIN_MENU, TRADING_KEY, *SELF_SERVICE, EXPERT_KEY})
        if key is None:
            return await self._to_operator()
        if key == EXPERT_KEY:
            await self.note("menu", menu="main", key=key, category="expert")
            return IvrState.EXPERT
        if key == TRADING_KEY:
            await self.note("menu", menu="main", key=key, category="trading_self_service")
            return IvrState.TRADING
        if key in SELF_SERVICE:
            await self.note("menu", menu="main", key=key, category=SELF_SERVICE[key].value)
            return SELF_SERVICE[key]
        self.category = MAIN_MENU[key].category
        await self.note("menu", menu="main", key=key, category=self.category)
        return IvrState.QUEUE

    async def expert(self) -> IvrState:
        """The topic the caller wants an expert for: queued to that research analysts' pool."""
        key = await self._menu("expert_menu", EXPERT_MENU)
        if key is None:
            return await self._to_operator()
        self.category = expert_category(key)
        await self.note("menu", menu="expert", key=key, category=self.category)
        return IvrState.QUEUE

    async def trading(self) -> IvrState:
        resumed, self.resumed_account = self.resumed_account, ""
        way_out = await TradingDesk(self, self.deps.trading).run(resumed)
        if way_out is Exit.MAIN:
            return IvrState.MAIN_MENU
        return await self._to_operator(TRADING_DESK, "trading desk")

    async def fax_back(self) -> IvrState:
        return await self._logged_in("fax-back", lambda desk: fax_back(self, desk.account))

    async def price_alert(self) -> IvrState:
        return await self._logged_in("price alert", price_alert)

    async def reminder(self) -> IvrState:
        return await self._logged_in("reminder", date_reminder)

    async def _logged_in(self, what: str, service: Callable[[TradingDesk], Awaitable[bool]]) -> IvrState:
        """A self-service after the trading login, then the main menu (a failed login: the trading desk)."""
        desk = TradingDesk(self, self.deps.trading)
        if not await desk.login():
            return await self._to_operator(TRADING_DESK, f"{what} login")
        await service(desk)
        await set_var(self, v.TRADING_ACCOUNT, "")  # a recovered call starts at the main menu
        return IvrState.MAIN_MENU

    async def hand_to_queue(self) -> IvrState:
        priority = VIP_PRIORITY if self.vip else 0
        for name, value in ((v.CATEGORY, self.category), (v.LANGUAGE, self.language),
                            (v.PRIORITY, str(priority))):
            await set_var(self, name, value)
        await self.ari.request("channels", "move", channelId=self.channel_id, app=self.deps.acd_app)
        return IvrState.DONE

    async def _to_operator(self, category: str = OPERATOR, reason: str = "no valid input") -> IvrState:
        self.category = category
        await self.note("to_operator", reason=reason)
        await play_and_wait(self, [self.deps.prompts.uri("to_operator", self.language)])
        return IvrState.QUEUE

    async def _menu(self, prompt: str, keys: Collection[str]) -> str | None:
        return await ask(self, prompt, [self.deps.prompts.uri(prompt, self.language)], max_digits=1,
                         parse=choice(set(keys)), star_is_back=False)

    async def note(self, kind: str, **detail: Any) -> None:
        await self.deps.db.record(calls.record_event, self.call_id, kind, **detail)
