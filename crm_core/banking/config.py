"""Transfer limits; `hotline/` builds a BankConfig from its settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankConfig:
    daily_in_limit_cents: int = 100_000_000  # 1,000,000 yuan a day from the bank
    daily_out_limit_cents: int = 50_000_000  # 500,000 yuan a day to the bank
    single_limit_cents: int = 50_000_000
