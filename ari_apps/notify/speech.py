"""A voice notification's message as audio: its text spoken by espeak-ng at 8 kHz like the prompts
(sounds/synth.py), written once per call into a folder Asterisk reads (the instance's sounds folder,
`notify/<name>.wav`, or `<name>.<n>.wav` per piece) and removed after the call. Money, share counts, numbers
and securities marked in the voice text (crm_core.notifications.templates.spoken_parts) are spoken by the
IVR's phrases (sounds/phrases.py): the recorded number, word and security-name prompts, between the pieces."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crm_core.notifications.templates import spoken_parts
from sounds import phrases
from sounds.say import LANGUAGES, number_prompts
from sounds.synth import split_segments, synthesize

logger = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}(\.[0-9]{1,3})?")  # a message, or one piece of it


@dataclass(frozen=True)
class MessageAudio:
    host_folder: Path  # where this process writes the files
    asterisk_folder: str  # the same folder as Asterisk sees it (a chroot may put it elsewhere)

    def make(self, name: str, text: str, language: str) -> str:
        """Speak `text` into `<name>.wav` (blocking: run it in a thread); returns the media URI to play.
        Raises ValueError for an empty text or a bad name, sounds' PromptBuildError when synthesis fails."""
        path = self._path(name)
        segments = split_segments(text, language if language in LANGUAGES else LANGUAGES[0])
        self.host_folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.wav")
        try:
            synthesize(segments, partial)
            partial.replace(path)  # Asterisk never sees half a file
        finally:
            partial.unlink(missing_ok=True)
        return f"sound:{self.asterisk_folder}/{name}"

    def make_message(self, name: str, voice: str, language: str, uri: Callable[[str], str],
                     named: Collection[str]) -> list[str]:
        """The media URIs of a voice text: its pieces spoken into `<name>.<n>.wav`, its marked values as the
        prompts `uri` gives for their keys (`named`: the securities with a name prompt). Blocking; ValueError
        when there is nothing to say."""
        media: list[str] = []
        for number, part in enumerate(spoken_parts(voice)):
            if isinstance(part, tuple):
                media += [uri(key) for key in spoken_keys(*part, language, named)]
            elif any(ch.isalnum() for ch in part):
                media.append(self.make(f"{name}.{number}", part, language))
        if not media:
            raise ValueError("nothing to say")
        return media

    def remove(self, name: str) -> None:
        """The message and its pieces."""
        try:
            self._path(name).unlink(missing_ok=True)
            for piece in self.host_folder.glob(f"{name}.*.wav"):
                piece.unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("could not remove the voice message %s: %s", name, exc)

    def remove_all_but(self, keep: set[str]) -> list[str]:
        """Remove the messages left by calls that are over (a killed service); returns their names."""
        left = [p.name.split(".")[0] for p in self.host_folder.glob("*.wav")] if self.host_folder.is_dir() else []
        stale = sorted(name for name in set(left) if name not in keep)
        for path in self.host_folder.glob("*.wav"):
            if path.name.split(".")[0] in stale:
                path.unlink(missing_ok=True)
        return stale

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name):
            raise ValueError(f"bad voice message name {name!r}")
        return self.host_folder / f"{name}.wav"


def spoken_keys(kind: str, digits: str, language: str, named: Collection[str]) -> list[str]:
    """The prompt keys of one marked value, in the language's own words (sounds/phrases.py)."""
    if kind == "yuan":
        return phrases.yuan_keys(int(digits), language)
    if kind == "shares":
        return phrases.shares_keys(int(digits), language)
    if kind == "security":
        return phrases.security_keys(digits, language, named=digits in named)
    if kind == "date":
        return phrases.date_keys(date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])), language)
    return number_prompts(int(digits), language)
