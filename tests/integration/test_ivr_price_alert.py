"""A price alert set by phone through the real Asterisk: main menu 7, the trading login, an unknown code said
and asked again, the security's quote, the price keyed with `*` as the decimal point and read back with the
IVR's recorded number prompts (rises to / falls to, from where the price stands), confirmed with 1: one alert
stored through crm_core's price-alert service, with the call's request id."""

from __future__ import annotations

from sqlalchemy import select

from crm_core.models import PriceAlert
from hotline.scripted_call import CallScript
from sounds import phrases
from tests.integration.conftest import Hotline
from tests.integration.test_phone_trading import PASSWORD, client, in_order, run, sqlite_only
from tests.support.hotline import HOTLINE, practice_market


@sqlite_only
def test_a_price_alert_keyed_by_phone_is_read_back_confirmed_and_set_once(hotline: Hotline) -> None:
    account, phone = client(hotline, 6, language="en")
    hotline.service.start(**practice_market())
    [call] = run(hotline, CallScript(HOTLINE, phone, ["7", account + "#", PASSWORD + "#", "999999", "600519",
                                                      "1900*5#", "1"], hang_up_when_done=True, timeout=150))
    price = [f"en/{key}" for key in phrases.yuan_keys(190050, "en")]
    assert in_order(call.prompts, "en/main_menu", "en/self_account", "en/self_password", "en/alert_code",
                    "en/reason/unknown_security", "en/alert_code", "en/sec/600519", "en/word/latest_price",
                    "en/alert_price", "en/alert_readback", "en/sec/600519", "en/alert_rises_to", *price,
                    "en/trade_confirm", "en/alert_set"), call.prompts
    assert call.hangup_by == "caller", call
    with hotline.db.session() as session:
        [alert] = session.scalars(select(PriceAlert)).all()
        assert (alert.security_code, alert.direction, alert.price_cents, alert.channel, alert.triggered_at) == (
            "600519", "above", 190050, "preferred", None)
        assert alert.request_id == f"ivr:{call.call_id}:600519:190050"
