"""The voice channel without Asterisk: the call's decisions (ari_apps/notify/voice.py), the ARI events it
reads, the dial string, the spoken message file, and what the sender refuses before dialling."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import pytest

from ari_apps.notify.app import NotifyApp, VoiceConfig
from ari_apps.notify.call import machine_event
from ari_apps.notify.speech import MessageAudio
from ari_apps.notify.voice import (
    GUARD_SECONDS,
    Answered,
    Finish,
    Gone,
    HangUp,
    Key,
    Play,
    Played,
    PlayFailed,
    State,
    StopPlaying,
    Timeout,
    VoiceMachine,
)
from ari_apps.originate import dial_string
from ari_apps.prompts import Prompts
from crm_core.notifications.outbox import Outgoing
from crm_core.notifications.sending import SendFailed
from crm_core.notifications.templates import render
from hotline.asterisk.instance import AsteriskInstance
from hotline.asterisk.location import AsteriskLocation
from hotline.notify_wiring import build_notifier, build_notify_app
from hotline.secrets import generate
from hotline.settings import SettingsError, load_settings
from sounds import phrases


def machine(attempts: int = 2) -> VoiceMachine:
    return VoiceMachine(ring_seconds=20, key_seconds=4, confirm_attempts=attempts)


def answered_and_asked(m: VoiceMachine) -> None:
    assert m.on(Answered()) == [Play("message")]
    assert m.on(Played("message")) == [Play("confirm")]
    assert m.state is State.ASKING


def test_key_1_after_the_message_confirms_then_thanks_and_hangs_up() -> None:
    m = machine()
    answered_and_asked(m)
    assert m.on(Played("confirm")) == [] and m.state is State.WAITING and m.timeout() == 4
    assert m.on(Key("1")) == [StopPlaying(), Finish(True, "confirmed with key 1"), Play("thanks")]
    assert m.on(Gone("Normal Clearing")) == [] and m.state is State.DONE  # hung up during thanks: still confirmed


def test_key_1_while_the_prompt_plays_confirms_and_thanks_then_hangs_up() -> None:
    m = machine()
    answered_and_asked(m)
    assert m.on(Key("1"))[1] == Finish(True, "confirmed with key 1")
    assert m.on(Played("thanks")) == [HangUp()] and m.state is State.DONE


def test_keys_during_the_message_are_not_a_confirmation() -> None:
    m = machine()
    m.on(Answered())
    assert m.on(Key("1")) == [] and m.state is State.MESSAGE
    assert m.timeout() == GUARD_SECONDS


def test_silence_asks_again_then_gives_up_after_the_attempts() -> None:
    m = machine(attempts=2)
    answered_and_asked(m)
    m.on(Played("confirm"))
    assert m.on(Timeout()) == [Play("confirm")] and m.asked == 2
    m.on(Played("confirm"))
    assert m.on(Timeout()) == [HangUp(), Finish(False, "no key 1 after 2 prompt(s)")]
    assert m.state is State.DONE and m.on(Key("1")) == []


def test_another_key_stops_the_prompt_and_asks_again() -> None:
    m = machine(attempts=1)
    answered_and_asked(m)
    assert m.on(Key("7")) == [StopPlaying(), HangUp(), Finish(False, "no key 1 after 1 prompt(s)")]


@pytest.mark.parametrize(("state_events", "reason"), [
    ([], "not answered (User busy)"),
    ([Answered()], "hung up before confirming, during the message (User busy)"),
    ([Answered(), Played("message")], "hung up before confirming, during the asking (User busy)"),
])
def test_hanging_up_before_confirming_fails(state_events: list[Answered | Played], reason: str) -> None:
    m = machine()
    for event in state_events:
        m.on(event)
    assert m.on(Gone("User busy")) == [Finish(False, reason)] and m.state is State.DONE


def test_a_ring_past_asterisks_timeout_or_a_lost_playback_ends_the_call() -> None:
    ringing = machine()
    assert ringing.timeout() == 30
    assert ringing.on(Timeout()) == [HangUp(), Finish(False, "no progress while dialing")]
    playing = machine()
    playing.on(Answered())
    assert playing.on(Timeout())[1] == Finish(False, "no progress while message")


def test_a_message_that_cannot_be_played_is_not_confirmed_by_a_later_key() -> None:
    m = machine()
    m.on(Answered())
    assert m.on(PlayFailed("message")) == [HangUp(), Finish(False, "could not play the message")]
    assert m.on(Key("1")) == [] and m.state is State.DONE


def test_the_end_of_an_old_playback_does_not_move_the_call() -> None:
    m = machine()
    answered_and_asked(m)
    assert m.on(Played("message")) == [] and m.state is State.ASKING


# ARI events as the call reads them ---------------------------------------------------------------------
def test_ari_events_become_the_machines_events() -> None:
    mine = {"id": "notify-7-abc", "name": "Local/13800138001@hotline-notify-sim-00000001;1"}
    other = {"id": "someone-else"}
    playing = {"pb-1": "confirm"}
    assert machine_event({"type": "StasisStart", "channel": mine, "args": ["voice"]}, mine["id"], {}) == Answered()
    assert machine_event({"type": "ChannelDtmfReceived", "channel": mine, "digit": "1", "duration_ms": 100},
                         mine["id"], {}) == Key("1")
    assert machine_event({"type": "ChannelDestroyed", "channel": mine, "cause": 17, "cause_txt": "User busy"},
                         mine["id"], {}) == Gone("User busy")
    assert machine_event({"type": "StasisEnd", "channel": mine}, mine["id"], {}) == Gone("StasisEnd")
    assert machine_event({"type": "PlaybackFinished", "playback": {"id": "pb-1"}}, mine["id"], playing) == \
        Played("confirm")
    assert machine_event({"type": "PlaybackFinished", "playback": {"id": "pb-1", "state": "failed"}}, mine["id"],
                         playing) == PlayFailed("confirm")
    assert machine_event({"type": "PlaybackFinished", "playback": {"id": "pb-old"}}, mine["id"], playing) is None
    assert machine_event({"type": "ChannelDtmfReceived", "channel": other, "digit": "1"}, mine["id"], {}) is None
    assert machine_event({"type": "ChannelVarset", "channel": mine}, mine["id"], {}) is None


# Dial string, message audio, refusals --------------------------------------------------------------------
@pytest.mark.parametrize(("number", "dialled"), [
    ("13800138001", "Local/13800138001@sim/n"), ("+86 138-0013-8001", "Local/13800138001@sim/n"),
    ("+44 20 7946 0000", "Local/00442079460000@sim/n"),
])
def test_dial_string_fills_in_the_clients_digits(number: str, dialled: str) -> None:
    assert dial_string("Local/{number}@sim/n", number) == dialled


@pytest.mark.parametrize(("template", "number"), [("Local/{number}@sim/n", "call me"),
                                                  ("Local/{number}@sim/n", "12"),
                                                  ("Local/x@sim/n;{number}", "1380013800a"),
                                                  ("PJSIP/trunk", "13800138001")])
def test_dial_string_refuses_what_is_not_a_number_or_has_no_place_for_it(template: str, number: str) -> None:
    with pytest.raises(ValueError):
        dial_string(template, number)


def test_the_message_is_spoken_at_8_khz_into_the_sounds_folder_and_removed(tmp_path: Path) -> None:
    audio = MessageAudio(tmp_path / "notify", "/srv/hotline/x/sounds/notify")
    uri = audio.make("7-abc", "您好，您的新股申购日是明天。Your subscription day is tomorrow.", "zh")
    assert uri == "sound:/srv/hotline/x/sounds/notify/7-abc"
    with wave.open(str(tmp_path / "notify" / "7-abc.wav")) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() > 8000  # more than a second of speech
    assert [p.name for p in (tmp_path / "notify").iterdir()] == ["7-abc.wav"]  # no partial file left
    audio.remove("7-abc")
    assert not (tmp_path / "notify" / "7-abc.wav").exists()
    for name in ("8-live", "9-stale"):
        audio.make(name, "Your bond matures on Friday.", "en")
    (tmp_path / "notify" / "10-half.part.wav").write_bytes(b"RIFF")
    assert audio.remove_all_but({"8-live"}) == ["10-half", "9-stale"]
    assert [p.name for p in (tmp_path / "notify").iterdir()] == ["8-live.wav"]
    with pytest.raises(ValueError):
        audio.make("../escape", "text", "en")
    with pytest.raises(ValueError):
        audio.make("8-abc", "  ", "en")


def outgoing(address: str = "13800138001", text: str = "Dear client, your bond matures on Friday.") -> Outgoing:
    return Outgoing(id=7, key="reminder:7", channel="voice", address=address, language="en", subject="Reminder",
                    text=text, sms=text)


def app(tmp_path: Path) -> NotifyApp:
    notify = NotifyApp("hotline-notify", Prompts("/sounds"), MessageAudio(tmp_path / "notify", "/sounds/notify"),
                       VoiceConfig("Local/{number}@sim/n", ring_seconds=5))
    notify.connect_wait_seconds = 0.2
    return notify


def test_a_number_that_cannot_be_dialled_fails_for_good(tmp_path: Path) -> None:
    with pytest.raises(SendFailed) as failure:
        asyncio.run(app(tmp_path).send_voice(outgoing(address="ask at the desk")))
    assert failure.value.permanent and "not a phone number" in str(failure.value)


def test_without_asterisk_the_message_waits_for_a_retry_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(SendFailed) as failure:
        asyncio.run(app(tmp_path).send_voice(outgoing()))
    assert not failure.value.permanent and str(failure.value) == "not connected to Asterisk"
    assert not list(tmp_path.rglob("*.wav"))


def test_wiring_voice_sender_follows_the_settings(tmp_path: Path) -> None:
    env = {"HOTLINE_STATE_DIR": str(tmp_path), "HOTLINE_ACD_OUTBOUND_DIAL": "Local/{number}@customers/n"}
    settings = load_settings(environ=env)
    instance = AsteriskInstance(settings, AsteriskLocation(tmp_path / "root"), generate())
    notify = build_notify_app(settings, instance)
    assert notify.voice.dial == "Local/{number}@customers/n" and notify.name == "hotline-notify"
    assert notify.audio.host_folder == instance.host_sounds / "notify" and str(notify.audio.host_folder).startswith(
        str(tmp_path / "root")) and notify.audio.asterisk_folder == f"{instance.sounds}/notify"
    assert "voice" in build_notifier(settings, _NoDb(), _NoDb(), notify).dispatcher.senders  # type: ignore[arg-type]
    off = load_settings(environ={**env, "HOTLINE_NOTIFY_VOICE_ENABLED": "false"})
    assert "voice" not in build_notifier(off, _NoDb(), _NoDb(), notify).dispatcher.senders  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="voice_dial"):
        build_notify_app(load_settings(environ={**env, "HOTLINE_NOTIFY_VOICE_DIAL": "PJSIP/operator"}), instance)
    with pytest.raises(SettingsError, match="positive"):
        build_notify_app(load_settings(environ={**env, "HOTLINE_NOTIFY_VOICE_CONFIRM_ATTEMPTS": "0"}), instance)


class _NoDb:
    """The dispatcher is only built here, never run."""


def test_money_shares_and_securities_are_spoken_by_the_ivrs_phrases_between_the_spoken_pieces(
        tmp_path: Path) -> None:
    fill = {"name": "Wang", "order_id": 7, "side": "buy", "quantity": 100, "security_code": "600036",
            "security_name": "招商银行", "price_cents": 3860, "amount_cents": 386000, "fee_cents": 500,
            "filled_at": "2026-11-25 10:01", "account": "100000001"}
    voice = render("fill_report", "en", fill).voice
    assert voice == ("Dear Wang, your order to buy [[security:600036]] was filled: [[shares:100]] at [[yuan:3860]], "
                     "amount [[yuan:386000]], fees [[yuan:500]].")
    assert render("message", "en", {"name": "Li", "subject": "s", "body": "b"}).voice.startswith("Dear Li")
    audio = MessageAudio(tmp_path / "notify", "/sounds/notify")
    prompts = Prompts("/sounds")
    media = audio.make_message("7-abc", voice, "en", lambda key: prompts.uri(key, "en"), {"600036"})
    sound = "sound:/sounds/notify/7-abc."
    assert media[0] == f"{sound}0" and media[1] == prompts.uri("sec/600036", "en")
    assert media[2] == f"{sound}2"
    assert [prompts.uri(k, "en") for k in phrases.shares_keys(100, "en")] == media[3:3 + len(
        phrases.shares_keys(100, "en"))]
    price = [prompts.uri(k, "en") for k in phrases.yuan_keys(3860, "en")]  # thirty-eight point six zero yuan
    assert price[-1] == prompts.uri("word/yuan", "en") and _contains(media, [f"{sound}4", *price, f"{sound}6"])
    assert sum(m.startswith(sound) for m in media) == 5  # the last piece, ".", has nothing to say
    unnamed = audio.make_message("8-abc", "[[security:688981]]", "en", lambda key: prompts.uri(key, "en"), set())
    assert unnamed[0] == prompts.uri("word/code", "en") and len(unnamed) == 7  # "code" and six digits
    assert sorted(p.name for p in (tmp_path / "notify").iterdir()) == [f"7-abc.{n}.wav" for n in (0, 2, 4, 6, 8)]
    audio.remove("7-abc")
    assert list((tmp_path / "notify").iterdir()) == []
    with pytest.raises(ValueError, match="nothing to say"):
        audio.make_message("9-abc", " . ", "en", lambda key: key, set())


def _contains(items: list[str], run: list[str]) -> bool:
    return any(items[i:i + len(run)] == run for i in range(len(items)))


def test_a_reminders_day_is_spoken_by_the_ivrs_date_prompts(tmp_path: Path) -> None:
    data = {"name": "李", "kind": "maturity", "text": "债券到期", "code": "019547", "due_local": "2030-12-10 09:30"}
    voice = render("reminder", "zh", data).voice
    assert "[[date:20301210]]09:30" in voice and "[[security:019547]]" in voice
    assert render("reminder", "zh", data).sms == "【热线】到期提醒019547 2030-12-10 09:30：债券到期"  # unmarked
    prompts = Prompts("/sounds")
    media = MessageAudio(tmp_path / "notify", "/sounds/notify").make_message(
        "5-abc", voice, "zh", lambda key: prompts.uri(key, "zh"), set())
    day = [prompts.uri("date/month_12", "zh"), prompts.uri("date/day_10", "zh")]
    assert _contains(media, day) and _contains(media, [prompts.uri("word/code", "zh")])
