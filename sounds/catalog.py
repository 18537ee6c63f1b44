"""The prompt catalogue: texts from ``sounds/texts/<language>.toml`` plus the number words."""

from __future__ import annotations

import tomllib
from importlib import resources

from sounds.phrases import phrase_prompt_texts
from sounds.say import LANGUAGES, number_prompt_texts

__all__ = ["LANGUAGES", "load_texts", "prompt_texts"]


def load_texts(language: str) -> dict[str, str]:
    """The flat ``key -> text`` table of ``texts/<language>.toml``."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    source = resources.files("sounds") / "texts" / f"{language}.toml"
    table = tomllib.loads(source.read_text(encoding="utf-8"))
    for key, text in table.items():
        if not isinstance(text, str):
            raise ValueError(f"{language}.toml: {key} must be a string, got {type(text).__name__}")
    return table


def prompt_texts(language: str) -> dict[str, str]:
    """Every prompt of ``language``: the toml texts, the ``num/*`` number words and ``date/*`` words."""
    return {**load_texts(language), **number_prompt_texts(language), **phrase_prompt_texts(language)}
