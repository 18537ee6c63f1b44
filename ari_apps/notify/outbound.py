"""What the notify apps (voice, fax) share: they call out for a sender that waits for the outcome, so their
calls are never carried over a lost connection (the sender has reported them, or a killed service left them
`sending`, then `unknown`). On (re)connection their unowned channels are hung up; a channel that enters the
app with no owner (answered after its sender gave up) is hung up too."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ari_apps.ari import Ari
from ari_apps.session import SessionApp
from crm_core.notifications.sending import SendFailed

logger = logging.getLogger(__name__)

CONNECT_WAIT_SECONDS = 15.0  # a message due while the service is (re)connecting to Asterisk waits this long


class OutboundApp(SessionApp):
    def __init__(self) -> None:
        super().__init__()
        self.connected = asyncio.Event()
        self.connect_wait_seconds = CONNECT_WAIT_SECONDS

    async def wait_connected(self) -> None:
        try:
            await asyncio.wait_for(self.connected.wait(), self.connect_wait_seconds)
        except TimeoutError:
            raise SendFailed("not connected to Asterisk") from None

    async def recover(self, ari: Ari, snapshot: dict[str, Any]) -> None:
        self.ari = ari
        await self.after_recover()  # first: once the lost calls are gone, so is what they left
        for channel_id in snapshot.get("channel_ids", []):
            if self.owner_of(channel_id) is None:
                logger.info("%s: hanging up %s, a call of a lost connection", self.name, channel_id)
                await ari.request_quietly("channels", "hangup", channelId=channel_id)
        self.connected.set()

    async def after_recover(self) -> None:
        """What else a lost connection leaves behind (the voice app's spoken messages)."""

    def suspend(self) -> None:
        self.connected.clear()
        super().suspend()

    def on_new_channel(self, event: dict[str, Any]) -> None:
        channel_id = event["channel"]["id"]
        if self.ari is not None:
            logger.info("%s: hanging up %s, no sender owns it", self.name, channel_id)
            asyncio.create_task(self.ari.request_quietly("channels", "hangup", channelId=channel_id))
