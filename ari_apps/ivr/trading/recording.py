"""Record a trading call: a snoop channel hearing both directions, recorded by Asterisk (ARI), and a
`call_recordings` row linking the recording to the call (and so to its orders and transfers).

The snoop channel lives as long as the caller's channel; the recording ends when the caller hangs up.
A recording that cannot start is logged and noted on the call, and trading goes on: refusing service
because the recorder failed would leave a client unable to manage positions.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from ari_apps.ari import AriError
from ari_apps.session import CallerGone
from crm_core import recordings

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

logger = logging.getLogger(__name__)

FORMAT = "wav"
SNOOP_PREFIX = "Snoop/"  # Asterisk's name for snoop channels: never callers
STASIS_WAIT_SECONDS = 5.0


async def start(desk: TradingDesk) -> str | None:
    """Start recording; the recording's name, or None when it could not start."""
    call = desk.call
    snoop_id = f"rec-{uuid.uuid4().hex}"
    name = f"trading-{call.call_id}-{snoop_id[4:12]}"
    call.own("channel:" + snoop_id)
    try:
        await call.ari.request("channels", "snoopChannelWithId", channelId=call.channel_id, snoopId=snoop_id,
                               app=call.app.name, spy="both")
        await _in_stasis(desk, snoop_id)
        await call.ari.request("channels", "record", channelId=snoop_id, name=name, format=FORMAT,
                               ifExists="fail")
        await desk.db.run(recordings.add, call.call_id, name, format=FORMAT, purpose="trading",
                          at=desk.services.clock())
    except (AriError, SQLAlchemyError, TimeoutError) as exc:
        logger.error("call %s: trading call not recorded: %s", call.call_id, exc)
        await call.note("recording_failed", error=str(exc)[:200])
        return None
    await call.note("recording", name=name)
    return name


async def _in_stasis(desk: TradingDesk, snoop_id: str) -> None:
    """Recording needs the snoop channel in our app: wait for its StasisStart (caller hang-ups still count)."""
    async def wait() -> None:
        while True:
            event = await desk.call.next_event()
            assert event is not None
            if desk.call.is_caller_hangup(event):
                raise CallerGone
            if event["type"] == "StasisStart" and event["channel"]["id"] == snoop_id:
                return
    await asyncio.wait_for(wait(), STASIS_WAIT_SECONDS)
