"""A date reminder set by phone through the real Asterisk: main menu 8, the trading login, a kind (a bond or
product maturity), a date keyed that is not one (13th month) said and asked again, a date in the past said and
asked again, then a real date read back with the IVR's date prompts and confirmed with 1: one reminder stored
through crm_core's reminder service (the desk's and the CLI's path), due that morning in the client's time zone,
by their preferred channel, with the call's request id."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crm_core.models import CallEvent, ClientReminder
from crm_core.models.base import utcnow
from hotline.scripted_call import CallScript
from sounds import phrases
from sounds.say import number_prompts
from tests.integration.conftest import Hotline
from tests.integration.test_phone_trading import PASSWORD, client, in_order, run, sqlite_only
from tests.support.hotline import HOTLINE, practice_market

SHANGHAI = ZoneInfo("Asia/Shanghai")


@sqlite_only
def test_a_date_reminder_keyed_by_phone_is_validated_read_back_confirmed_and_set_once(hotline: Hotline) -> None:
    account, phone = client(hotline, 7, language="en")
    hotline.service.start(**practice_market())
    today = utcnow().astimezone(SHANGHAI).date()
    day = today + timedelta(days=40)
    yesterday = today - timedelta(days=1)
    keyed = f"{day:%Y%m%d}#"
    [call] = run(hotline, CallScript(HOTLINE, phone, ["8", account + "#", PASSWORD + "#", "2", "20261301#",
                                                      f"{yesterday:%Y%m%d}#", keyed, "1"],
                                     hang_up_when_done=True, timeout=150))
    year = [] if day.year == today.year else ["en/reminder_year", *[f"en/{k}" for k in number_prompts(day.year, "en")]]
    assert in_order(call.prompts, "en/main_menu", "en/self_account", "en/self_password", "en/reminder_kind",
                    "en/reminder_date", "en/bad_date", "en/reminder_date", "en/date_in_past", "en/reminder_date",
                    "en/reminder_readback", *[f"en/{key}" for key in phrases.date_keys(day, "en")], *year,
                    "en/reminder_for_maturity", "en/trade_confirm", "en/reminder_set"), call.prompts
    assert call.hangup_by == "caller", call
    with hotline.db.session() as session:
        [reminder] = session.scalars(select(ClientReminder)).all()
        assert (reminder.kind, reminder.channel, reminder.queued_at, reminder.text) == (
            "maturity", "preferred", None, "A reminder you set by phone.")
        assert reminder.due_at == datetime.combine(day, time(9, 0), SHANGHAI)
        assert reminder.request_id == f"ivr:{call.call_id}:reminder:{day:%Y%m%d}:maturity"
        [noted] = session.scalars(select(CallEvent).where(CallEvent.call_id == call.call_id,
                                                          CallEvent.kind == "reminder")).all()
        assert noted.detail == {"reminder": reminder.id, "day": day.isoformat(), "about": "maturity"}
