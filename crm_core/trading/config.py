"""Settings of the trading domain; `hotline/` builds them from hotline.toml and HOTLINE_* variables."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class OffHours(StrEnum):
    REJECT = "reject"  # orders outside a session are rejected (OUTSIDE_SESSION)
    QUEUE = "queue"  # accepted now (funds frozen) and matched from the next session


@dataclass(frozen=True)
class TradingConfig:
    off_hours: OffHours = OffHours.REJECT
    commission_rate: Decimal = Decimal("0.00025")
    min_commission_cents: int = 500
    stamp_duty_rate: Decimal = Decimal("0.0005")  # sells only
    feed_seed: int = 0
    always_open: bool = False  # a practice market trading around the clock (demos, tests); see calendar.py


@dataclass(frozen=True)
class AuthConfig:
    max_failures: int = 3
    lock_minutes: int = 30
