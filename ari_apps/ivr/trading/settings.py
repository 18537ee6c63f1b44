"""Phone trading's settings (`[trading]` in hotline.toml); hotline/settings.py composes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TradingSettings:
    """Phone trading and bank transfers (crm_core.trading / crm_core.banking)."""

    off_hours: str = "queue"  # orders outside a session: "queue" for the next session, or "reject"
    always_open: bool = False  # a practice market that trades at any hour (demos, tests)
    feed_seed: int = 0  # the simulated market's seed
    max_failed_logins: int = 3
    lock_minutes: int = 30
    match_every_seconds: float = 2.0  # how often the built-in broker matches open orders
    record_calls: bool = True  # record trading calls (Asterisk recordings linked to the call)
    daily_in_limit_yuan: int = 1_000_000
    daily_out_limit_yuan: int = 500_000
    single_limit_yuan: int = 500_000
