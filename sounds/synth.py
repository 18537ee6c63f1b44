"""Speech synthesis of one prompt: espeak-ng per language segment, then sox to telephone format.

A text may mix Mandarin and English (the bilingual menus); it is cut into sentences and each run
of sentences is spoken by the voice of its script, so English is never read by the Mandarin voice
or the other way round. The segments are then joined, trimmed and converted by sox to 8 kHz mono
16-bit signed PCM, the format Asterisk plays without transcoding (``.wav`` = slin8 in a RIFF).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sounds.exceptions import PromptBuildError, ToolMissingError

ESPEAK = "espeak-ng"
SOX = "sox"
TOOL_PACKAGES = {ESPEAK: "espeak-ng", SOX: "sox"}

# "cmn" in espeak-ng 1.51 reads Latin "as English", which includes its own pinyin tone digits:
# 您 comes out as "nin two". The pinyin variant of the same Mandarin voice says 您 as nin2.
VOICES = {"zh": "cmn-latn-pinyin", "en": "en-us"}
RATES = {"zh": 165, "en": 175}  # words per minute; espeak-ng's default is 175
SAMPLE_RATE = 8000
SOX_OUTPUT = ("-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", "-e", "signed-integer")
SOX_EFFECTS = (
    "rate", "-h", str(SAMPLE_RATE),
    "silence", "1", "0.01", "-50d", "reverse", "silence", "1", "0.01", "-50d", "reverse",  # trim ends
    "gain", "-n", "-3",  # same loudness for every prompt, with headroom
    "pad", "0", "0.08",
)
TIMEOUT_SECONDS = 60

_SENTENCE_BREAK = re.compile(r"(?<=[。！？])\s*|(?<=[.!?])\s+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Segment:
    """A stretch of text spoken by one espeak-ng voice at one rate."""

    language: str
    text: str

    @property
    def voice(self) -> str:
        return VOICES[self.language]

    @property
    def rate(self) -> int:
        return RATES[self.language]


def split_segments(text: str, language: str) -> list[Segment]:
    """Cut ``text`` into runs of sentences of one script: Han -> zh voice, Latin -> en voice."""
    segments: list[Segment] = []
    for sentence in filter(None, (part.strip() for part in _SENTENCE_BREAK.split(text))):
        lang = _script_language(sentence, default=language)
        if segments and segments[-1].language == lang:
            joiner = "" if segments[-1].text[-1] in "。！？" else " "
            segments[-1] = Segment(lang, f"{segments[-1].text}{joiner}{sentence}")
        else:
            segments.append(Segment(lang, sentence))
    if not segments:
        raise ValueError("nothing to say: empty prompt text")
    return segments


def synthesize(segments: Sequence[Segment], out_path: Path) -> None:
    """Speak ``segments`` one after the other into ``out_path`` (8 kHz mono 16-bit WAV)."""
    with tempfile.TemporaryDirectory(prefix="prompt-") as tmp:
        parts = [Path(tmp) / f"part{index}.wav" for index in range(len(segments))]
        for segment, part in zip(segments, parts, strict=True):
            _run([ESPEAK, "-v", segment.voice, "-s", str(segment.rate), "-w", str(part), "--stdin"],
                 stdin=segment.text)
        _run([SOX, "-V1", *map(str, parts), *SOX_OUTPUT, str(out_path), *SOX_EFFECTS])


def _script_language(sentence: str, default: str) -> str:
    if _HAN.search(sentence):
        return "zh"
    if _LATIN.search(sentence):
        return "en"
    return default


def _run(command: list[str], stdin: str | None = None) -> None:
    try:
        result = subprocess.run(command, input=stdin.encode() if stdin is not None else None,
                                capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except FileNotFoundError:
        raise ToolMissingError(command[0], TOOL_PACKAGES.get(command[0], command[0])) from None
    except subprocess.TimeoutExpired as exc:
        raise PromptBuildError(command, f"timed out after {TIMEOUT_SECONDS} s") from exc
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace") or f"exit status {result.returncode}"
        raise PromptBuildError(command, stderr)
