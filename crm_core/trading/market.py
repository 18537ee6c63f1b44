"""Market data behind a Protocol; the built-in `SimulatedFeed` is deterministic given a seed and a time."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from crm_core.trading.errors import OrderRejected, RejectReason
from crm_core.trading.securities import Security, load_securities


@dataclass(frozen=True)
class Quote:
    code: str
    name_zh: str
    name_en: str
    last_cents: int
    previous_close_cents: int
    limit_up_cents: int
    limit_down_cents: int
    bid_cents: int
    ask_cents: int
    bid_volume: int  # shares
    ask_volume: int
    at: datetime

    @property
    def last(self) -> Decimal:
        return Decimal(self.last_cents) / 100


class MarketData(Protocol):
    """What a market-data adapter provides. `quote` raises OrderRejected(UNKNOWN_SECURITY) for a bad code."""

    def security(self, code: str) -> Security: ...

    def quote(self, code: str, now: datetime) -> Quote: ...


class SimulatedFeed:
    """Prices move minute by minute within the daily limits; the same seed and minute give the same quote."""

    def __init__(self, securities: dict[str, Security] | None = None, seed: int = 0) -> None:
        self.securities = securities if securities is not None else load_securities()
        self.seed = seed

    def security(self, code: str) -> Security:
        found = self.securities.get(code)
        if found is None:
            raise OrderRejected(RejectReason.UNKNOWN_SECURITY, f"unknown security code {code}")
        return found

    def quote(self, code: str, now: datetime) -> Quote:
        security = self.security(code)
        minute = int(now.timestamp()) // 60
        rng = random.Random(f"{self.seed}|{code}|{minute}")
        swing = Decimal(rng.uniform(-0.8, 0.8)).quantize(Decimal("0.0001")) * security.limit_percent / 100
        last = int((security.previous_close_cents * (1 + swing)).quantize(Decimal(1)))
        low, high = security.limit_down_cents, security.limit_up_cents
        last = min(max(last, low), high)
        return Quote(code=code, name_zh=security.name_zh, name_en=security.name_en, last_cents=last,
                     previous_close_cents=security.previous_close_cents, limit_up_cents=high, limit_down_cents=low,
                     bid_cents=max(low, last - 1), ask_cents=min(high, last + 1),
                     bid_volume=rng.randint(1, 50) * 100, ask_volume=rng.randint(1, 50) * 100, at=now)


class FixedFeed(SimulatedFeed):
    """A feed whose quotes are set by hand (tests, demos): unset codes fall back to the simulation."""

    def __init__(self, securities: dict[str, Security] | None = None, seed: int = 0) -> None:
        super().__init__(securities, seed)
        self.fixed: dict[str, Quote] = {}

    def set(self, code: str, *, bid_cents: int, ask_cents: int, bid_volume: int = 100_000,
            ask_volume: int = 100_000) -> None:
        base = super().quote(code, datetime.fromtimestamp(0).astimezone())
        self.fixed[code] = replace(base, last_cents=(bid_cents + ask_cents) // 2, bid_cents=bid_cents,
                                   ask_cents=ask_cents, bid_volume=bid_volume, ask_volume=ask_volume)

    def quote(self, code: str, now: datetime) -> Quote:
        if code in self.fixed:
            return replace(self.fixed[code], at=now)
        return super().quote(code, now)
