"""Thresholds of the calculators: configuration, not code (overridable per call)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CalculatorConfig:
    # Risk-tolerance questionnaire: upper bound of the score for C1..C4; above the last is C5.
    risk_score_bounds: tuple[int, int, int, int] = (20, 36, 53, 82)
    # Professional investor: (financial assets or average annual income) and experience.
    professional_assets_cents: int = 500_000_000  # 5 million yuan
    professional_income_cents: int = 50_000_000  # 0.5 million yuan a year
    professional_min_experience_years: float = 2.0
    window_days: int = 365  # trading frequency, turnover, realised P&L look back this far
    trading_days_per_year: int = 252
    age_bands: tuple[int, ...] = (25, 35, 45, 55, 65)
    # Contact hours are shown in the brokerage's time zone.
    local_utc_offset_hours: int = 8
    hour_bands: dict[str, tuple[int, int]] = field(
        default_factory=lambda: {"09-12": (9, 12), "12-14": (12, 14), "14-18": (14, 18), "18-22": (18, 22)}
    )
