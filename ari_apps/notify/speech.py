"""A voice notification's message as audio: its text spoken by espeak-ng at 8 kHz like the prompts
(sounds/synth.py), written once per call into a folder Asterisk reads (the instance's sounds folder,
`notify/<name>.wav`) and removed after the call."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from sounds.say import LANGUAGES
from sounds.synth import split_segments, synthesize

logger = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


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

    def make_once(self, name: str, text: str, language: str) -> str:
        """The same, keeping a file already made under that name (a text that never changes)."""
        if self._path(name).is_file():
            return f"sound:{self.asterisk_folder}/{name}"
        return self.make(name, text, language)

    def remove(self, name: str) -> None:
        try:
            self._path(name).unlink(missing_ok=True)
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
