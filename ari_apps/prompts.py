"""Media URIs of the hotline's prompts (built by sounds/ into the Asterisk instance's sound folder)."""

from __future__ import annotations

from dataclasses import dataclass

from sounds.say import number_prompts, prompt_path


@dataclass(frozen=True)
class Prompts:
    base: str  # the sound folder as Asterisk sees it

    def uri(self, key: str, language: str) -> str:
        return f"sound:{self.base}/{prompt_path(key, language)}"

    def number(self, n: int, language: str, *, measure: bool = False) -> list[str]:
        return [self.uri(key, language) for key in number_prompts(n, language, measure=measure)]
