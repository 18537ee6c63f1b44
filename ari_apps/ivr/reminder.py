"""A date reminder set by phone (main menu 8, after the trading login): the caller picks what it is for (1 a new
share subscription day, 2 a bond or product maturity, 3 a note of their own), keys the day (YYYYMMDD, or MMDD:
dates.py), hears it read back and confirms with 1. The reminder is set through crm_core's reminder service, the
path the desk and the CLI use, once per call, day and kind (a request id); it is sent that morning by the
client's preferred channel at the time (reminders.due_on, the outbox)."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ari_apps.ivr.ask import ask, choice
from ari_apps.ivr.dates import day_keys, parse_day
from ari_apps.ivr.trading.speech import media, say
from crm_core.models.base import utcnow
from crm_core.notifications.reminders import Kind, ReminderRejected, add_reminder, due_on
from crm_core.trading.accounts import get_account

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

logger = logging.getLogger(__name__)

KIND_KEYS = {"1": Kind.SUBSCRIPTION, "2": Kind.MATURITY, "3": Kind.CUSTOM}
CONFIRM, DROP = "1", "2"
TEXTS = {"zh": "您通过热线电话设置的提醒。", "en": "A reminder you set by phone."}  # the reminder's text


async def date_reminder(desk: TradingDesk) -> bool:
    """Ask, read back, confirm and set; True once it is set."""
    key = await ask(desk.call, "reminder_kind", media(desk, ["reminder_kind"]), max_digits=1,
                    parse=choice(set(KIND_KEYS)))
    if key is None:
        return False
    kind, today = KIND_KEYS[key], _today(desk)
    day = await ask(desk.call, "reminder_date", media(desk, ["reminder_date"]), max_digits=8,
                    parse=lambda keys: parse_day(keys, today))
    if day is None:
        return False
    await say(desk, ["reminder_readback", *day_keys(day, today, desk.call.language), f"reminder_for_{kind}"])
    answer = await ask(desk.call, "trade_confirm", media(desk, ["trade_confirm"]), max_digits=1,
                       parse=choice({CONFIRM, DROP}))
    if answer != CONFIRM:
        await desk.call.note("reminder_not_confirmed", day=day.isoformat(), about=kind.value)
        await say(desk, ["reminder_not_set"])
        return False
    try:
        reminder_id = await desk.db.run(_set, desk, day, kind)
    except (SQLAlchemyError, ReminderRejected) as exc:  # rejected: the day passed while the caller confirmed
        logger.error("call %s: reminder not set: %s", desk.call.call_id, exc)
        await say(desk, ["self_unavailable"])
        return False
    await desk.call.note("reminder", reminder=reminder_id, day=day.isoformat(), about=kind.value)
    await say(desk, ["reminder_set"])
    return True


def _today(desk: TradingDesk) -> date:
    return utcnow().astimezone(ZoneInfo(desk.call.deps.notify_policy.time_zone)).date()


def _set(session: Session, desk: TradingDesk, day: date, kind: Kind) -> int:
    now, call = utcnow(), desk.call
    investor_id = get_account(session, desk.account).investor_id
    return add_reminder(session, investor_id, due_at=due_on(day, now, call.deps.notify_policy.time_zone),
                        text=TEXTS.get(call.language, TEXTS["en"]), now=now, kind=kind,
                        request_id=f"ivr:{call.call_id}:reminder:{day:%Y%m%d}:{kind.value}").id
