"""The IVR's settings (`[ivr]` in hotline.toml); hotline/settings.py composes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class IvrSettings:
    input_timeout_seconds: float = 5.0
    max_attempts: int = 3
    default_language: str = "zh"
