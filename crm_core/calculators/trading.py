"""Trading behaviour over the look-back window: frequency, turnover, holding period, realised P&L."""

from __future__ import annotations

import pandas as pd

from crm_core.calculators.config import CalculatorConfig
from crm_core.calculators.sources import Sources

DAYS_PER_MONTH = 365.25 / 12


def trades_per_month(src: Sources, config: CalculatorConfig) -> pd.Series:
    counts = src.trades.groupby("investor_id").size().reindex(src.ids).fillna(0)
    return counts / (config.window_days / DAYS_PER_MONTH)


def turnover(src: Sources, config: CalculatorConfig) -> pd.Series:
    """Traded amount over the window / average assets over the window; missing without assets."""
    traded = src.trades.groupby("investor_id")["amount_cents"].sum().reindex(src.ids).fillna(0)
    average = src.valuations.groupby("investor_id")["value_cents"].mean().reindex(src.ids)
    average = average.where(average > 0)
    return (traded.astype(float) / average).astype(float)


def avg_holding_days(src: Sources, config: CalculatorConfig) -> pd.Series:
    """Amount-weighted mean holding period of the lots sold; missing when nothing was sold."""
    sells = src.trades.dropna(subset=["holding_days"])
    sells = sells[sells["amount_cents"] > 0]
    weights = sells["holding_days"].astype(float) * sells["amount_cents"]
    weighted = weights.groupby(sells["investor_id"]).sum()
    amount = sells.groupby("investor_id")["amount_cents"].sum()
    return (weighted / amount).reindex(src.ids).astype(float)


def realised_pnl(src: Sources, config: CalculatorConfig) -> pd.Series:
    """Realised profit and loss over the window, yuan; zero without sells."""
    pnl = src.trades["realised_pnl_cents"].fillna(0).astype("int64")
    cents = pnl.groupby(src.trades["investor_id"]).sum().reindex(src.ids).fillna(0).astype("int64")
    return cents / 100
