"""The notify Stasis app and its voice sender: the dispatcher (gateways/dispatcher.py) hands it a due voice
notification; it speaks the message into a file, calls the client, and reports the call's outcome:
`Sent(channel id, delivered=True)` once the client keyed 1, else `SendFailed` (retried by the outbox's policy,
then the next channel). Channels of this app that nobody owns (left by a lost connection) are hung up."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from ari_apps.notify.call import VoiceCall, VoiceRequest
from ari_apps.notify.outbound import OutboundApp
from ari_apps.notify.speech import MessageAudio
from ari_apps.notify.voice import VoiceMachine
from ari_apps.originate import dial_string
from ari_apps.prompts import Prompts
from crm_core.notifications.outbox import Outgoing
from crm_core.notifications.sending import SendFailed, Sent
from sounds.exceptions import PromptBuildError
from sounds.say import LANGUAGES

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class VoiceConfig:
    dial: str  # the dial string for a client's number, "{number}" replaced, e.g. "PJSIP/{number}@trunk"
    ring_seconds: int = 30
    confirm_attempts: int = 3
    key_seconds: float = 5.0


class NotifyApp(OutboundApp):
    def __init__(self, name: str, prompts: Prompts, audio: MessageAudio, voice: VoiceConfig,
                 named_securities: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.name = name
        self.prompts = prompts
        self.audio = audio
        self.voice = voice
        self.named_securities = named_securities  # codes whose names have prompts (sec/<code>)
        self._messages: set[str] = set()  # names of the spoken messages of calls under way

    async def send_voice(self, outgoing: Outgoing) -> Sent:
        """The dispatcher's sender for the voice channel."""
        try:
            endpoint = dial_string(self.voice.dial, outgoing.address)
        except ValueError as exc:
            raise SendFailed(str(exc), permanent=True) from exc
        await self.wait_connected()
        name = f"{outgoing.id}-{uuid.uuid4().hex[:8]}"
        language = outgoing.language if outgoing.language in LANGUAGES else LANGUAGES[0]
        self._messages.add(name)
        try:
            message = await self._speak(name, outgoing.voice or outgoing.text, language)
            request = VoiceRequest(outgoing.id, f"notify-{name}", endpoint, language, {
                "message": message, "confirm": [self.prompts.uri("notify_confirm", language)],
                "thanks": [self.prompts.uri("notify_thanks", language)]})
            call = VoiceCall(self, request, VoiceMachine(self.voice.ring_seconds, self.voice.key_seconds,
                                                         self.voice.confirm_attempts))
            self.start(call)
            await asyncio.wait([self._tasks[call]])
        finally:
            self._messages.discard(name)
            self.audio.remove(name)
        if call.result is not None and call.result.confirmed:
            return Sent(request.channel_id, delivered=True)
        raise SendFailed(call.result.reason if call.result else "the call was stopped before it began")

    async def _speak(self, name: str, voice: str, language: str) -> list[str]:
        try:
            return await asyncio.to_thread(self.audio.make_message, name, voice, language,
                                           lambda key: self.prompts.uri(key, language), self.named_securities)
        except ValueError as exc:  # nothing to say: the same text will never do
            raise SendFailed(f"no voice message: {exc}", permanent=True) from exc
        except (PromptBuildError, OSError) as exc:
            raise SendFailed(f"speech synthesis failed: {exc}") from exc

    async def after_recover(self) -> None:
        for name in await asyncio.to_thread(self.audio.remove_all_but, set(self._messages)):
            logger.info("removed the spoken message %s of a call that is over", name)
