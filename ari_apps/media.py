"""What a call session does to its caller's channel: play prompts, collect keys, set variables."""

from __future__ import annotations

import uuid

from ari_apps.ari import AriError
from ari_apps.session import CallerGone, CallSession
from dialplan import variables as v

TERMINATOR = "#"


# ARI's answer when the caller's channel is gone or has left the app, before its hang-up event arrives.
CHANNEL_GONE = (404, 409)


async def set_var(session: CallSession, name: str, value: str, channel_id: str | None = None) -> None:
    try:
        await session.ari.request("channels", "setChannelVar", channelId=channel_id or session.channel_id,
                                  variable=name, value=value)
    except AriError as exc:
        if exc.status in CHANNEL_GONE and channel_id in (None, session.channel_id):
            raise CallerGone from exc
        raise


async def play(session: CallSession, media: list[str]) -> str:
    """Start playing; raises CallerGone when the caller hung up a moment ago."""
    playback_id = uuid.uuid4().hex
    session.own("playback:" + playback_id)
    try:
        await session.ari.request("channels", "play", channelId=session.channel_id, media=media,
                                  playbackId=playback_id)
    except AriError as exc:
        session.disown("playback:" + playback_id)
        if exc.status in CHANNEL_GONE:
            raise CallerGone from exc
        raise
    return playback_id


async def play_and_wait(session: CallSession, media: list[str]) -> None:
    """Play to the end; keys pressed meanwhile are ignored. Raises CallerGone on hang-up."""
    playback_id = await play(session, media)
    while True:
        event = await session.next_event()
        assert event is not None
        if session.is_caller_hangup(event):
            raise CallerGone
        if event["type"] == "PlaybackFinished" and event["playback"]["id"] == playback_id:
            session.disown("playback:" + playback_id)
            return


async def collect_keys(session: CallSession, prompt_name: str, media: list[str], *, max_digits: int,
                       timeout: float) -> str:
    """Play a prompt and gather up to `max_digits` keys (or until #). A key stops the prompt.

    The wait for the first key starts when the prompt ends; between keys the same timeout applies.
    Returns what was keyed, "" on silence, or "#" alone if only the terminator was pressed.
    """
    await set_var(session, v.AWAITING_INPUT, prompt_name)
    playback_id = await play(session, media)
    playing = True
    digits = ""
    try:
        while True:
            event = await session.next_event(None if playing else timeout)
            if event is None:
                return digits
            if session.is_caller_hangup(event):
                raise CallerGone
            kind = event["type"]
            if kind == "PlaybackFinished" and event["playback"]["id"] == playback_id:
                playing = False
            elif kind == "ChannelDtmfReceived" and event["channel"]["id"] == session.channel_id:
                if playing:
                    playing = False
                    await session.ari.request_quietly("playbacks", "stop", playbackId=playback_id)
                digit = event["digit"]
                if digit == TERMINATOR:
                    return digits or TERMINATOR
                digits += digit
                if len(digits) >= max_digits:
                    return digits
    finally:
        session.disown("playback:" + playback_id)
        await session.ari.request_quietly("channels", "setChannelVar", channelId=session.channel_id,
                                          variable=v.AWAITING_INPUT, value="")

