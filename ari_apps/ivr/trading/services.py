"""The trading and banking domain as the IVR uses it: adapters and settings, built once by the service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ari_apps.ivr.trading.settings import TradingSettings
from crm_core.banking import BankConfig, BankGateway, LedgerBank
from crm_core.trading import AuthConfig, Broker, BuiltinBroker, OffHours, SimulatedFeed, TradingConfig, load_securities


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TradingServices:
    broker: Broker
    bank: BankGateway
    auth: AuthConfig
    bank_limits: BankConfig
    named_securities: frozenset[str]  # codes whose names have prompts (sec/<code>)
    record_calls: bool = True
    clock: Callable[[], datetime] = field(default=_utcnow)

    @classmethod
    def from_settings(cls, settings: TradingSettings) -> TradingServices:
        config = TradingConfig(off_hours=OffHours(settings.off_hours), feed_seed=settings.feed_seed,
                               always_open=settings.always_open)
        securities = load_securities()  # read once: the market's list and the names with prompts
        broker = BuiltinBroker(SimulatedFeed(securities, seed=settings.feed_seed), config)
        limits = BankConfig(daily_in_limit_cents=settings.daily_in_limit_yuan * 100,
                            daily_out_limit_cents=settings.daily_out_limit_yuan * 100,
                            single_limit_cents=settings.single_limit_yuan * 100)
        return cls(broker=broker, bank=LedgerBank(), auth=AuthConfig(settings.max_failed_logins, settings.lock_minutes),
                   bank_limits=limits, named_securities=frozenset(securities),
                   record_calls=settings.record_calls)
