"""Voice notifications through the real Asterisk: a reminder calls a simulated client (the dialplan's
`hotline-notify-sim`), speaks the message made with espeak-ng and asks for key 1. A client who keys 1 after
hearing it is `delivered`; one who does not answer, is busy or never keys falls back to SMS, which reaches the
test SMSC. A call left by a killed service is hung up by the next one and never made twice."""

from __future__ import annotations

import wave
from datetime import datetime
from pathlib import Path

import pytest

from crm_core.models import Notification
from crm_core.models.base import utcnow
from crm_core.notifications.outbox import enqueue, events_of
from crm_core.notifications.rules import NotifySettings
from sounds import phrases
from sounds.say import digits_prompts, prompt_path
from tests.integration.conftest import Hotline
from tests.integration.test_phone_trading import sqlite_only
from tests.support.hotline import add_investor, channels_left, wait_for
from tests.support.smsc import TestSmsc

ALWAYS = NotifySettings(quiet_from="00:00", quiet_until="00:00")  # no quiet hours: the test runs at any hour
VOICE_ENV = {
    "HOTLINE_NOTIFY_VOICE_DIAL": "Local/{number}@hotline-notify-sim/n",
    "HOTLINE_NOTIFY_VOICE_RING_SECONDS": "3", "HOTLINE_NOTIFY_VOICE_KEY_SECONDS": "3",
    "HOTLINE_NOTIFY_VOICE_CONFIRM_ATTEMPTS": "2", "HOTLINE_NOTIFY_MAX_ATTEMPTS": "1",
    "HOTLINE_NOTIFY_RETRY_DELAYS_SECONDS": "1", "HOTLINE_NOTIFY_DISPATCH_EVERY_SECONDS": "0.3",
    "HOTLINE_NOTIFY_QUIET_FROM": ALWAYS.quiet_from, "HOTLINE_NOTIFY_QUIET_UNTIL": ALWAYS.quiet_until,
}
BODY = {"en": "Your bond 019547 matures on Friday. The principal and interest will be paid to your account.",
        "zh": "您持有的债券019547将于周五到期，本息将划入您的资金账户。"}



def remind(hotline: Hotline, phone: str, language: str) -> int:
    """A client with one phone (a mobile number: reachable by voice and SMS) and a voice reminder for them."""
    investor_id = add_investor(hotline.db, f"2000{phone[-7:]}", f"Client {phone[-4:]}", phone, language=language)
    with hotline.db.session() as session:
        row = enqueue(session, key=f"reminder:test:{phone}", investor_id=investor_id, purpose="reminder",
                      template="message", data={"subject": "Reminder", "body": BODY[language]}, now=utcnow(),
                      policy=ALWAYS.policy(), channel="voice")
        assert row.chain[:2] == ["voice", "sms"], row.chain
        return row.id


def status(hotline: Hotline, notification_id: int) -> tuple[str, str | None]:
    with hotline.db.session() as session:
        row = session.get(Notification, notification_id)
        assert row is not None
        return row.status, row.channel


def life(hotline: Hotline, notification_id: int) -> list[tuple[datetime, str, str | None, str]]:
    with hotline.db.session() as session:
        return [(e.at, e.status, e.channel, e.reason) for e in events_of(session, notification_id)]


def message_seconds(text: str, language: str, folder: Path) -> float:
    """How long the spoken message lasts, made as the service makes it."""
    from ari_apps.notify.speech import MessageAudio

    MessageAudio(folder, "unused").make("measure", text, language)
    with wave.open(str(folder / "measure.wav")) as wav:
        return wav.getnframes() / wav.getframerate()


@sqlite_only
def test_a_client_who_keys_1_after_the_message_is_marked_confirmed(hotline: Hotline, tmp_path: Path) -> None:
    hotline.service.start(**VOICE_ENV)
    assert "hotline-notify" in hotline.asterisk.registered_apps()
    notification_id = remind(hotline, "13800138001", "en")  # ends in 1: answers and keys 1 every 2 s

    assert wait_for(lambda: status(hotline, notification_id) == ("delivered", "voice"), timeout=60), \
        (status(hotline, notification_id), life(hotline, notification_id))
    events = life(hotline, notification_id)
    (sending,) = [e for e in events if e[1] == "sending"]
    (confirmed,) = [e for e in events if e[1] == "delivered"]
    assert sending[3] == "attempt 1 to 13800138001" and confirmed[3].startswith("notify-")
    with hotline.db.session() as session:
        row = session.get(Notification, notification_id)
        assert row is not None and row.provider_id == confirmed[3] and row.attempts == 1
    # Keys during the message do not count: the confirmation came after the whole message was heard.
    heard = message_seconds(f"Dear Client 8001,\n\n{BODY['en']}\n\nHotline 95500", "en", tmp_path)
    assert (confirmed[0] - sending[0]).total_seconds() >= heard > 3, (heard, events)
    assert wait_for(lambda: not list((hotline.asterisk.host_sounds / "notify").glob("*.wav")), timeout=5), \
        "the spoken message was left in the sounds folder"


@sqlite_only
def test_clients_who_do_not_answer_are_busy_or_never_confirm_get_an_sms(hotline: Hotline, smsc: TestSmsc) -> None:
    hotline.service.start(**VOICE_ENV, HOTLINE_SMS_HOST="127.0.0.1", HOTLINE_SMS_PORT=str(smsc.port),
                          HOTLINE_SMS_SYSTEM_ID=smsc.system_id, HOTLINE_SMS_PASSWORD=smsc.password)
    # Ends in 0: never answers; in 9: busy; in 2: answers and never keys anything.
    phones = {"13800138000": "en", "13800138009": "zh", "13800138002": "en"}
    ids = {phone: remind(hotline, phone, language) for phone, language in phones.items()}

    assert wait_for(lambda: len(smsc.messages) == 3, timeout=60), \
        {phone: life(hotline, i) for phone, i in ids.items()}
    by_number = {m.destination: m.text for m in smsc.messages}
    assert set(by_number) == set(phones)
    for phone, language in phones.items():
        assert BODY[language] in by_number[phone], by_number[phone]
    assert wait_for(lambda: all(status(hotline, i) == ("delivered", "sms") for i in ids.values()), timeout=10)
    reasons = {phone: [e[3] for e in life(hotline, i)] for phone, i in ids.items()}
    assert any("voice failed (not answered" in r for r in reasons["13800138000"]), reasons
    assert any("voice failed (not answered" in r for r in reasons["13800138009"]), reasons
    assert any("voice failed (no key 1 after 2 prompt(s))" in r for r in reasons["13800138002"]), reasons
    assert all(any(r.endswith("falling back to sms") for r in rs) for rs in reasons.values()), reasons


@sqlite_only
def test_a_call_left_by_a_killed_service_is_hung_up_by_the_next_and_never_made_twice(hotline: Hotline) -> None:
    hotline.service.start(**VOICE_ENV)
    notification_id = remind(hotline, "13800138002", "zh")  # answers and never keys: the call lasts a while
    sounds = hotline.asterisk.host_sounds / "notify"

    def ringing_client() -> list[str]:
        return [name for name in channels_left(hotline.asterisk) if "13800138002@hotline-notify-sim" in name]

    assert wait_for(lambda: ringing_client() and list(sounds.glob("*.wav")), timeout=30), "the client was not called"
    hotline.service.kill()
    assert ringing_client() and list(sounds.glob("*.wav")), "Asterisk keeps the call of a killed service"

    hotline.service.start()
    assert wait_for(lambda: not channels_left(hotline.asterisk), timeout=15), channels_left(hotline.asterisk)
    # removed once the next service has recovered (after it hung up the lost calls): not the same instant
    assert wait_for(lambda: not list(sounds.glob("*.wav")), timeout=15), "the killed call's message was not removed"
    assert status(hotline, notification_id) == ("unknown", "voice")  # it may have been heard: not sent again
    assert [e[1] for e in life(hotline, notification_id)].count("sending") == 1


PRICE_ALERT = {"code": "600519", "security_name": "贵州茅台", "security_name_en": "Kweichow Moutai",
               "direction": "above", "target_cents": 180000, "price_cents": 180012, "at_local": "2026-12-02 10:00"}
REMINDER = {"kind": "subscription", "text": "Subscribe to 732001", "code": "732001", "due_local": "2030-12-10 09:30"}


@sqlite_only
@pytest.mark.parametrize(("template", "language", "data", "keys"), [
    ("price_alert", "zh", PRICE_ALERT,
     ["sec/600519", *phrases.yuan_keys(180012, "zh"), *phrases.yuan_keys(180000, "zh")]),
    ("reminder", "en", REMINDER, ["word/code", *digits_prompts("732001", "en"), "date/month_12", "date/day_10"]),
])
def test_a_voice_message_speaks_its_securities_prices_and_days_with_the_ivrs_prompts(
        hotline: Hotline, template: str, language: str, data: dict[str, object], keys: list[str]) -> None:
    """The message's pieces are synthesised, its security, prices and day are the IVR's recorded prompts: the
    call plays them all (Asterisk skips a sound it cannot find with a warning: there is none) and is confirmed."""
    hotline.service.start(**VOICE_ENV)
    investor_id = add_investor(hotline.db, "200038011", "Client 8011", "13800138011", language=language)
    with hotline.db.session() as session:
        notification_id = enqueue(session, key=f"{template}:voice", investor_id=investor_id, purpose=template,
                                  template=template, data=data, now=utcnow(), policy=ALWAYS.policy(),
                                  channel="voice").id
    files = [hotline.asterisk.host_sounds / f"{prompt_path(key, language)}.wav" for key in keys]
    assert all(file.is_file() for file in files), keys

    assert wait_for(lambda: status(hotline, notification_id) == ("delivered", "voice"), timeout=60), \
        (status(hotline, notification_id), life(hotline, notification_id))
    events = life(hotline, notification_id)
    (sending,) = [e for e in events if e[1] == "sending"]
    (confirmed,) = [e for e in events if e[1] == "delivered"]
    prompts = sum(wav_seconds(file) for file in files)
    assert (confirmed[0] - sending[0]).total_seconds() >= prompts > 2, (prompts, events)
    log = (hotline.asterisk.host_base / "log" / "messages.log").read_text()
    assert [line for line in log.splitlines() if "does not exist" in line or "Unable to open" in line] == []


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()
