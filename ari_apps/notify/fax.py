"""The fax sender: a due fax notification becomes a TIFF in the instance's spool, a call to the fax number,
and `SendFAX` on it; its outcome (FAXSTATUS, pages sent, FAXERROR) is what the dispatcher records.

How a fax call runs (ARI cannot run a dialplan application on a channel it holds in Stasis):
1. `channels.originate` of the fax number into this app (`hotline-fax`), with our own channel id and
   `HOTLINE_FAX_FILE` set to the TIFF;
2. on StasisStart (the far end answered) the app subscribes to the channel (so that its events keep coming
   once it leaves Stasis) and continues it in the dialplan, `hotline-fax-send,send,1` (dialplan/fax.conf.j2),
   which runs `SendFAX`;
3. a hangup handler pushed before SendFAX sends `UserEvent(HotlineFax, status, pages, error)` (the far end
   usually hangs up first; a channel continued from Stasis does not run the `h` extension): the app reads it
   as the outcome. A channel destroyed without that event (no answer, busy, a bad number) is a failure with its
   hang-up cause.
`SUCCESS` is `Sent(channel id, detail="FAXSTATUS SUCCESS, n of n pages")`; anything else is `SendFailed` with
the status, pages and error (a number that is not a fax keeps failing: the outbox's policy retries, then
gives up or falls back). A fax whose outcome is not known in `timeout_seconds` (ARI lost mid-call) is
reported failed and hung up.

A fax on the caller's own call (the IVR's fax-back, "press start on your fax machine"): `send_on_call` runs the
same steps 2 and 3 on the caller's channel, which another app's session holds in Stasis; the outcome is read
the same way and the channel ends after the fax."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ari_apps.ari import Ari, AriError
from ari_apps.notify.fax_settings import FaxSettings
from ari_apps.notify.outbound import OutboundApp
from ari_apps.originate import Originate, dial_string, originate
from ari_apps.session import CallSession
from crm_core.documents import message_html
from crm_core.notifications.outbox import Outgoing
from crm_core.notifications.sending import SendFailed, Sent
from dialplan import variables as channel_vars
from gateways.fax_documents import DocumentError, html_to_fax_tiff

logger = logging.getLogger(__name__)

SEND_CONTEXT = "hotline-fax-send"
SEND_EXTENSION = "send"
RESULT_EVENT = "HotlineFax"


@dataclass(frozen=True)
class FaxOutcome:
    status: str  # FAXSTATUS: SUCCESS, FAILED, ... ("" when SendFAX never ran)
    pages: int  # FAXPAGES: pages sent
    error: str  # FAXERROR, or the hang-up cause of a call that never reached SendFAX

    def describe(self, total: int) -> str:
        text = f"FAXSTATUS {self.status or 'none'}, {self.pages} of {total} page(s) sent"
        failed = self.status != "SUCCESS" and self.error and self.error != "NO_ERROR"
        return f"{text}: {self.error}" if failed else text


def outcome_of(event: dict[str, Any]) -> FaxOutcome | None:
    """The fax's outcome from one of its channel's ARI events: the dialplan's UserEvent, or the channel
    destroyed before it (the call never got to SendFAX). None for any other event."""
    if event["type"] == "ChannelUserevent" and event.get("eventname") == RESULT_EVENT:
        fields = event.get("userevent") or {}
        pages = str(fields.get("pages", "")).strip()
        return FaxOutcome(str(fields.get("status", "")).strip(), int(pages) if pages.isdigit() else 0,
                          str(fields.get("error", "")).strip())
    if event["type"] == "ChannelDestroyed":
        cause = str(event.get("cause_txt") or event.get("cause") or "hung up")
        return FaxOutcome("", 0, f"call ended before the fax: {cause}")
    return None


def fax_variables(settings: FaxSettings, file: str) -> dict[str, str]:
    """What SendFAX reads from the channel: the TIFF (as Asterisk sees its path), the header and station id."""
    variables = {channel_vars.FAX_FILE: file, "FAXOPT(headerinfo)": settings.header,
                 "FAXOPT(localstationid)": settings.station_id}
    return {name: value for name, value in variables.items() if value}


async def hand_to_send_fax(ari: Ari, app: str, channel_id: str) -> None:
    """Keep the channel's events coming to `app` once it leaves Stasis, and run SendFAX on it."""
    await ari.request("applications", "subscribe", applicationName=app, eventSource=f"channel:{channel_id}")
    await ari.request("channels", "continueInDialplan", channelId=channel_id, context=SEND_CONTEXT,
                      extension=SEND_EXTENSION, priority=1)


async def next_outcome(session: CallSession, channel_id: str) -> FaxOutcome:
    """The outcome of the fax on `channel_id`, from the events that reach `session`."""
    while True:
        event = await session.events.get()
        if event.get("channel", {}).get("id") == channel_id and (found := outcome_of(event)) is not None:
            return found


def result_of(outcome: FaxOutcome, total: int, provider_id: str) -> Sent:
    """The sender's report: Sent on FAXSTATUS SUCCESS, else SendFailed with the status, pages and error."""
    if outcome.status == "SUCCESS":
        return Sent(provider_id, detail=outcome.describe(total))
    raise SendFailed(outcome.describe(total))


@dataclass(frozen=True)
class FaxRequest:
    notification_id: int
    channel_id: str
    endpoint: str
    file: str  # the TIFF as Asterisk sees its path


class FaxCall(CallSession):
    """One fax call: originate, hand the answered channel to SendFAX, wait for the outcome."""

    def __init__(self, app: FaxApp, request: FaxRequest) -> None:
        super().__init__(app, request.channel_id)
        self.request = request
        self.call_id = f"fax-{request.notification_id}"
        self.outcome: FaxOutcome | None = None
        self.fax_app = app

    async def run(self) -> None:
        ari = self.ari
        settings = self.fax_app.settings
        try:
            await originate(ari, Originate(self.request.endpoint, self.app.name, self.channel_id,
                                           ring_seconds=settings.ring_seconds, app_args="fax",
                                           caller_id=settings.station_id or None,
                                           variables=fax_variables(settings, self.request.file)))
        except AriError as exc:
            self.outcome = FaxOutcome("", 0, f"originate refused: {exc}")
            return
        try:
            await asyncio.wait_for(self._follow(ari), settings.timeout_seconds)
        except TimeoutError:
            self.outcome = FaxOutcome("", 0, f"no outcome within {settings.timeout_seconds:.0f}s")
            await ari.request_quietly("channels", "hangup", channelId=self.channel_id)

    async def _follow(self, ari: Ari) -> None:
        while self.outcome is None:
            event = await self.events.get()
            if event["type"] == "StasisStart" and event["channel"]["id"] == self.channel_id:
                try:
                    await self._send(ari)
                except AriError as exc:  # gone before SendFAX (hung up at once): no fax, say why
                    self.outcome = FaxOutcome("", 0, f"fax not started: {exc}")
                    await ari.request_quietly("channels", "hangup", channelId=self.channel_id)
            elif event.get("channel", {}).get("id") == self.channel_id:
                self.outcome = outcome_of(event)

    async def _send(self, ari: Ari) -> None:
        """The far end answered: run SendFAX on it."""
        logger.info("%s: answered, sending %s", self.call_id, self.request.file)
        await hand_to_send_fax(ari, self.app.name, self.channel_id)


class FaxApp(OutboundApp):
    """The `hotline-fax` Stasis app and the dispatcher's sender for the fax channel."""

    def __init__(self, name: str, settings: FaxSettings, spool: Path, spool_seen_by_asterisk: str) -> None:
        super().__init__()
        self.name = name
        self.settings = settings
        self.spool = spool  # host path of the instance's spool/fax/out
        self.spool_seen_by_asterisk = spool_seen_by_asterisk

    async def send_fax(self, outgoing: Outgoing) -> Sent:
        try:
            endpoint = dial_string(self.settings.dial, outgoing.address)
        except ValueError as exc:
            raise SendFailed(str(exc), permanent=True) from exc
        name = f"{outgoing.id}-{uuid.uuid4().hex[:8]}"
        image = self.spool / f"{name}.tif"
        total = await self._render(outgoing, image)
        try:
            await self.wait_connected()
            call = FaxCall(self, FaxRequest(outgoing.id, f"fax-{name}", endpoint,
                                            f"{self.spool_seen_by_asterisk}/{image.name}"))
            self.start(call)
            await asyncio.wait([self._tasks[call]])
        finally:
            image.unlink(missing_ok=True)
        outcome = call.outcome or FaxOutcome("", 0, "the fax call was stopped (connection to Asterisk lost)")
        logger.info("%s to %s: %s", call.call_id, outgoing.address, outcome.describe(total))
        return result_of(outcome, total, call.channel_id)

    async def send_on_call(self, session: CallSession, outgoing: Outgoing) -> Sent:
        """SendFAX on the caller's channel, which `session` (of another app: the IVR) holds in Stasis, once the
        caller has been told to press start on their fax machine. The channel leaves Stasis for the fax and
        ends after it; the report is `send_fax`'s, with the caller's channel id."""
        image = self.spool / f"{outgoing.id}-{uuid.uuid4().hex[:8]}.tif"
        total = await self._render(outgoing, image)
        try:
            outcome = await self._fax_on(session, f"{self.spool_seen_by_asterisk}/{image.name}")
        finally:
            image.unlink(missing_ok=True)
        logger.info("call %s: fax on the call: %s", session.call_id, outcome.describe(total))
        return result_of(outcome, total, session.channel_id)

    async def _fax_on(self, session: CallSession, file: str) -> FaxOutcome:
        ari, channel_id = session.ari, session.channel_id
        try:
            for name, value in fax_variables(self.settings, file).items():
                await ari.request("channels", "setChannelVar", channelId=channel_id, variable=name, value=value)
            await hand_to_send_fax(ari, session.app.name, channel_id)
        except AriError as exc:  # the caller hung up meanwhile
            return FaxOutcome("", 0, f"fax not started: {exc}")
        try:
            return await asyncio.wait_for(next_outcome(session, channel_id), self.settings.timeout_seconds)
        except TimeoutError:
            await ari.request_quietly("channels", "hangup", channelId=channel_id)
            return FaxOutcome("", 0, f"no outcome within {self.settings.timeout_seconds:.0f}s")

    async def _render(self, outgoing: Outgoing, image: Path) -> int:
        """The document (the notification's HTML attachment, or its text as a page) as a fax TIFF."""
        html = next((content.decode() for _, mime, content in outgoing.attachments if mime == "text/html"), None)
        if html is None:
            html = message_html(outgoing.subject, outgoing.text, outgoing.language)
        try:
            return await asyncio.to_thread(html_to_fax_tiff, html, image)
        except DocumentError as exc:
            raise SendFailed(f"fax document not made: {exc}") from exc

