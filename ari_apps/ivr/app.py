"""The IVR Stasis app: every channel entering it gets an IvrCall; on recovery they start again."""

from __future__ import annotations

import logging
from typing import Any

from ari_apps.ari import Ari
from ari_apps.ivr.deps import IvrDeps
from ari_apps.ivr.flow import IvrCall
from ari_apps.ivr.trading.recording import SNOOP_PREFIX
from ari_apps.session import SessionApp

logger = logging.getLogger(__name__)


class IvrApp(SessionApp):
    def __init__(self, name: str, deps: IvrDeps) -> None:
        super().__init__()
        self.name = name
        self.deps = deps

    def on_new_channel(self, event: dict[str, Any]) -> None:
        if not event["channel"]["name"].startswith(SNOOP_PREFIX):
            self.start(IvrCall(self, event["channel"], self.deps))

    async def recover(self, ari: Ari, snapshot: dict[str, Any]) -> None:
        """Callers who were in the IVR when the connection dropped hear the menu again."""
        self.ari = ari
        for channel_id in snapshot.get("channel_ids", []):
            channel = await ari.request_quietly("channels", "get", channelId=channel_id)
            if channel is None or self.owner_of(channel_id) is not None or channel["name"].startswith(SNOOP_PREFIX):
                continue  # snoop channels record trading calls; they are not callers
            logger.info("recovering IVR call on channel %s", channel_id)
            self.start(IvrCall(self, channel, self.deps))
