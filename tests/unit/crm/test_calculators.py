"""Calculators on hand-made data: exact figures and the edge cases (no trades, one day, zero assets)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from crm_core.calculators import CALCULATORS, CalculatorConfig, Sources

AS_OF = date(2026, 11, 20)
CONFIG = CalculatorConfig()


def sources(ids: list[int], **frames: pd.DataFrame) -> Sources:
    empty = {
        "investors": pd.DataFrame({"risk_class": "C3", "investor_class": "ordinary", "language": "zh",
                                   "vip": False}, index=pd.Index(ids, name="investor_id")),
        "details": pd.DataFrame(columns=["birth_date", "investing_since", "annual_income_cents",
                                         "financial_assets_cents", "preferred_channel"],
                                index=pd.Index([], name="investor_id")),
        "questionnaires": pd.DataFrame(columns=["score"], index=pd.Index([], name="investor_id")),
        "valuations": pd.DataFrame(columns=["investor_id", "day", "value_cents"]),
        "trades": pd.DataFrame(columns=["investor_id", "amount_cents", "realised_pnl_cents", "holding_days",
                                        "traded_at"]),
        "positions": pd.DataFrame(columns=["investor_id", "market_value_cents"]),
        "contacts": pd.DataFrame(columns=["investor_id", "channel", "preferred"]),
        "call_hours": pd.DataFrame(columns=["investor_id", "entered_at"]),
    }
    empty.update(frames)
    return Sources(as_of=AS_OF, **empty)


def valuations(values: dict[int, list[int]]) -> pd.DataFrame:
    rows = [(i, date(2026, 11, day + 1), v) for i, series in values.items() for day, v in enumerate(series)]
    return pd.DataFrame(rows, columns=["investor_id", "day", "value_cents"])


def calc(name: str, src: Sources) -> list[object]:
    return [None if isinstance(v, float) and math.isnan(v) else v for v in CALCULATORS[name](src, CONFIG)]


def test_assets_last_valuation_then_positions_then_zero() -> None:
    src = sources([1, 2, 3], valuations=valuations({1: [100_00, 250_55]}),
                  positions=pd.DataFrame({"investor_id": [2, 2], "market_value_cents": [1_000_00, 50]}))
    assert calc("assets", src) == [250.55, 1000.5, 0.0]


def test_volatility_needs_two_returns_and_drawdown_of_one_day_is_zero() -> None:
    src = sources([1, 2, 3, 4], valuations=valuations({1: [100, 110, 99], 2: [100], 3: [100, 120]}))
    vol = calc("volatility", src)
    returns = [0.1, 99 / 110 - 1]
    mean = sum(returns) / 2
    expected = math.sqrt(sum((r - mean) ** 2 for r in returns) / 1) * math.sqrt(252)
    assert vol[0] == pytest.approx(expected)
    assert vol[1:] == [None, None, None]
    assert calc("max_drawdown", src) == [pytest.approx(0.1), 0.0, 0.0, None]


def test_drawdown_with_zero_assets_is_zero_not_an_error() -> None:
    src = sources([1], valuations=valuations({1: [0, 0, 0]}))
    assert calc("max_drawdown", src) == [0.0]
    assert calc("volatility", src) == [None]
    assert calc("turnover", src) == [None]


def test_herfindahl_index() -> None:
    src = sources([1, 2, 3], positions=pd.DataFrame({"investor_id": [1, 1, 2, 3],
                                                     "market_value_cents": [50, 50, 70, 0]}))
    assert calc("hhi", src) == [pytest.approx(0.5), pytest.approx(1.0), None]


def test_trading_figures_and_no_trades() -> None:
    at = datetime(2026, 10, 1, tzinfo=UTC)
    trades = pd.DataFrame({
        "investor_id": [1, 1, 1], "amount_cents": [100_00, 300_00, 100_00],
        "realised_pnl_cents": [None, 12_34, -2_00], "holding_days": [None, 10, 30], "traded_at": [at] * 3,
    })
    src = sources([1, 2], trades=trades, valuations=valuations({1: [1000_00, 1000_00], 2: [10_00]}))
    assert calc("trades_per_month", src) == [pytest.approx(3 / (365 / (365.25 / 12))), 0.0]
    assert calc("turnover", src) == [pytest.approx(0.5), 0.0]
    assert calc("avg_holding_days", src) == [pytest.approx((10 * 300 + 30 * 100) / 400), None]
    assert calc("realised_pnl", src) == [pytest.approx(10.34), 0.0]


def test_risk_class_from_questionnaire_else_back_office() -> None:
    src = sources([1, 2, 3, 4], questionnaires=pd.DataFrame({"score": [10, 54, 95]},
                                                           index=pd.Index([1, 2, 3], name="investor_id")))
    assert calc("risk_class", src) == [1.0, 4.0, 5.0, 3.0]
    assert calc("risk_score", src) == [10.0, 54.0, 95.0, None]


def test_professional_needs_wealth_and_experience() -> None:
    details = pd.DataFrame({
        "birth_date": [date(1960, 1, 1), date(1990, 6, 1), None],
        "investing_since": [date(2010, 1, 1), date(2026, 1, 1), None],
        "annual_income_cents": [0, 100_000_000, None],
        "financial_assets_cents": [600_000_000, 0, None],
        "preferred_channel": ["", "sms", ""],
    }, index=pd.Index([1, 2, 3], name="investor_id"))
    src = sources([1, 2, 3], details=details)
    assert calc("investor_class", src) == ["professional", "ordinary", "ordinary"]
    assert calc("experience_years", src) == [pytest.approx(16.9), pytest.approx(0.9), None]
    assert calc("age_band", src) == ["65+", "35-44", None]
    assert calc("preferred_channel", src) == [None, "sms", None]


def test_preferred_hours_in_local_time() -> None:
    calls = pd.DataFrame({"investor_id": [1, 1, 1], "entered_at": [
        datetime(2026, 11, 1, 2, tzinfo=UTC), datetime(2026, 11, 2, 3, tzinfo=UTC),
        datetime(2026, 11, 3, 11, tzinfo=UTC),
    ]})
    src = sources([1, 2], call_hours=calls)
    assert calc("preferred_hours", src) == ["09-12", None]
    assert calc("preferred_channel", src) == ["phone", None]
