"""Who the investor is: risk tolerance, investor class, experience, age band, contact preferences."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from crm_core.calculators.config import CalculatorConfig
from crm_core.calculators.portfolio import assets
from crm_core.calculators.sources import Sources

LEVELS = {f"C{rank}": rank for rank in range(1, 6)}


def risk_score(src: Sources, config: CalculatorConfig) -> pd.Series:
    return src.questionnaires["score"].reindex(src.ids).astype(float)


def risk_class(src: Sources, config: CalculatorConfig) -> pd.Series:
    """C1..C5 (as rank 1..5) from the latest questionnaire; the back-office class when none."""
    score = risk_score(src, config)
    from_score = pd.Series(
        np.searchsorted(np.array(config.risk_score_bounds), score.fillna(0).to_numpy(), side="left") + 1,
        index=src.ids,
    ).astype(float)
    declared = src.investors["risk_class"].map(LEVELS).astype(float)
    return from_score.where(score.notna(), declared)


def experience_years(src: Sources, config: CalculatorConfig) -> pd.Series:
    since = src.details["investing_since"].reindex(src.ids)
    return since.map(lambda d: _years_between(d, src.as_of)).astype(float)


def _years_between(start: date | None, end: date) -> float | None:
    if start is None or pd.isna(start):
        return None
    return round(max((end - start).days, 0) / 365.25, 1)


def investor_class(src: Sources, config: CalculatorConfig) -> pd.Series:
    """'professional' when assets or income pass the thresholds and experience is long enough."""
    declared_assets = src.details["financial_assets_cents"].reindex(src.ids).astype(float).fillna(0)
    held = assets(src, config) * 100
    income = src.details["annual_income_cents"].reindex(src.ids).astype(float).fillna(0)
    experience = experience_years(src, config).fillna(0)
    rich = (np.maximum(declared_assets, held) >= config.professional_assets_cents) | (
        income >= config.professional_income_cents
    )
    qualifies = rich & (experience >= config.professional_min_experience_years)
    back_office = src.investors["investor_class"] == "professional"
    labels = np.where(qualifies | back_office, "professional", "ordinary")
    return pd.Series(labels, index=src.ids, dtype=object)


def age_band(src: Sources, config: CalculatorConfig) -> pd.Series:
    births = src.details["birth_date"].reindex(src.ids)
    return births.map(lambda d: _band(d, src.as_of, config.age_bands)).astype(object)


def _band(birth: date | None, today: date, bounds: tuple[int, ...]) -> str | None:
    if birth is None or pd.isna(birth):
        return None
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    lower = 0
    for bound in bounds:
        if age < bound:
            return f"{lower}-{bound - 1}" if lower else f"<{bound}"
        lower = bound
    return f"{bounds[-1]}+"


def preferred_channel(src: Sources, config: CalculatorConfig) -> pd.Series:
    """Declared channel, else a contact marked preferred, else 'phone' when they call us, else missing."""
    declared = src.details["preferred_channel"].reindex(src.ids).replace("", None)
    marked = src.contacts[src.contacts["preferred"].astype(bool)].groupby("investor_id")["channel"].first()
    callers = pd.Series("phone", index=src.call_hours["investor_id"].unique(), dtype=object)
    result = declared.fillna(marked.reindex(src.ids)).fillna(callers.reindex(src.ids))
    return result.astype(object).where(result.notna(), None)


def preferred_hours(src: Sources, config: CalculatorConfig) -> pd.Series:
    """The band of local hours in which the investor calls most often; missing with no calls."""
    if src.call_hours.empty:
        return pd.Series([None] * len(src.ids), index=src.ids, dtype=object)
    hours = src.call_hours["entered_at"].map(lambda t: (t.hour + config.local_utc_offset_hours) % 24)
    band = hours.map(lambda h: _hour_band(h, config.hour_bands))
    frame = pd.DataFrame({"investor_id": src.call_hours["investor_id"], "band": band}).dropna()
    top = frame.groupby(["investor_id", "band"]).size().reset_index(name="n")
    top = top.sort_values(["investor_id", "n", "band"], ascending=[True, False, True])
    result = top.groupby("investor_id")["band"].first().reindex(src.ids)
    return result.astype(object).where(result.notna(), None)


def _hour_band(hour: int, bands: dict[str, tuple[int, int]]) -> str | None:
    for name, (start, end) in bands.items():
        if start <= hour < end:
            return name
    return None


def language(src: Sources, config: CalculatorConfig) -> pd.Series:
    return src.investors["language"].astype(object)


def vip(src: Sources, config: CalculatorConfig) -> pd.Series:
    return src.investors["vip"].astype(bool)
