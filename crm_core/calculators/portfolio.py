"""Portfolio figures from valuations and positions: assets, volatility, drawdown, concentration."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_core.calculators.config import CalculatorConfig
from crm_core.calculators.sources import Sources


def assets(src: Sources, config: CalculatorConfig) -> pd.Series:
    """Assets under custody in yuan: the last valuation, else the positions' value, else zero."""
    last = src.valuations.groupby("investor_id")["value_cents"].last()
    held = src.positions.groupby("investor_id")["market_value_cents"].sum()
    cents = last.reindex(src.ids).fillna(held.reindex(src.ids)).fillna(0)
    return cents.astype("int64") / 100


def _daily_returns(src: Sources) -> pd.DataFrame:
    frame = src.valuations[["investor_id", "value_cents"]].copy()
    frame["previous"] = frame.groupby("investor_id")["value_cents"].shift(1)
    frame = frame[frame["previous"] > 0]
    frame["ret"] = frame["value_cents"] / frame["previous"] - 1.0
    return frame


def volatility(src: Sources, config: CalculatorConfig) -> pd.Series:
    """Annualised standard deviation of daily returns; missing with fewer than two returns."""
    returns = _daily_returns(src).groupby("investor_id")["ret"]
    std = returns.std(ddof=1).where(returns.count() >= 2)
    return (std * np.sqrt(config.trading_days_per_year)).reindex(src.ids)


def max_drawdown(src: Sources, config: CalculatorConfig) -> pd.Series:
    """Largest fall from a running peak, as a fraction (0.25 = -25 %); 0 for one day, missing for none."""
    frame = src.valuations[["investor_id", "value_cents"]].copy()
    frame["peak"] = frame.groupby("investor_id")["value_cents"].cummax()
    peak = frame["peak"].astype(float)
    frame["drawdown"] = np.where(peak > 0, 1.0 - frame["value_cents"] / peak.where(peak > 0, 1.0), 0.0)
    return frame.groupby("investor_id")["drawdown"].max().reindex(src.ids)


def hhi(src: Sources, config: CalculatorConfig) -> pd.Series:
    """Herfindahl index of the positions' weights (1 = one line only); missing when nothing is held."""
    positions = src.positions[src.positions["market_value_cents"] > 0]
    total = positions.groupby("investor_id")["market_value_cents"].transform("sum")
    squares = (positions["market_value_cents"] / total) ** 2
    return squares.groupby(positions["investor_id"]).sum().reindex(src.ids)
