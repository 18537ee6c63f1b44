"""Quantitative calculators: each maps a chunk's `Sources` to one Series per investor (vectorised).

An attribute definition with computation 'calculator' names one of `CALCULATORS` in its formula.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from crm_core.calculators import portfolio, profile, trading
from crm_core.calculators.config import CalculatorConfig
from crm_core.calculators.sources import Sources, load_sources

Calculator = Callable[[Sources, CalculatorConfig], pd.Series]

CALCULATORS: dict[str, Calculator] = {
    "risk_score": profile.risk_score,
    "risk_class": profile.risk_class,
    "investor_class": profile.investor_class,
    "experience_years": profile.experience_years,
    "age_band": profile.age_band,
    "preferred_channel": profile.preferred_channel,
    "preferred_hours": profile.preferred_hours,
    "language": profile.language,
    "vip": profile.vip,
    "assets": portfolio.assets,
    "volatility": portfolio.volatility,
    "max_drawdown": portfolio.max_drawdown,
    "hhi": portfolio.hhi,
    "trades_per_month": trading.trades_per_month,
    "turnover": trading.turnover,
    "avg_holding_days": trading.avg_holding_days,
    "realised_pnl": trading.realised_pnl,
}

__all__ = ["CALCULATORS", "Calculator", "CalculatorConfig", "Sources", "load_sources"]
