"""The raw data of a chunk of investors, as DataFrames: what every calculator reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crm_core.models import (
    Call,
    DailyValuation,
    Investor,
    InvestorContact,
    InvestorDetail,
    Position,
    QuestionnaireResponse,
    Trade,
)


@dataclass
class Sources:
    investors: pd.DataFrame  # index investor id: risk_class, investor_class, language, vip
    details: pd.DataFrame  # index investor id
    questionnaires: pd.DataFrame  # index investor id: latest score
    valuations: pd.DataFrame  # investor_id, value_cents (sorted by investor and day)
    trades: pd.DataFrame  # investor_id, amount_cents, realised_pnl_cents, holding_days (in the window)
    positions: pd.DataFrame  # investor_id, market_value_cents
    contacts: pd.DataFrame  # investor_id, channel, preferred
    call_hours: pd.DataFrame  # investor_id, entered_at
    as_of: date

    @property
    def ids(self) -> pd.Index:
        return self.investors.index


# Numeric columns keep a numeric dtype even when a chunk has no rows (empty frames are `object`).
_DTYPES = {"value_cents": "int64", "amount_cents": "int64", "market_value_cents": "int64", "score": "float64",
           "realised_pnl_cents": "float64", "holding_days": "float64", "investor_id": "int64"}


def _frame(session: Session, query: Select, columns: list[str]) -> pd.DataFrame:  # type: ignore[type-arg]
    rows = session.connection().execute(query).fetchall()  # Core: no ORM row processing
    frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
    return frame.astype({c: _DTYPES[c] for c in columns if c in _DTYPES})


def _among(column, ids: list[int]):  # type: ignore[no-untyped-def]
    """Large chunks are id ranges (bound-parameter limits); small ones are explicit lists."""
    if len(ids) > 500:
        return column.between(min(ids), max(ids))
    return column.in_(ids)


def load_sources(session: Session, ids: list[int], as_of: date, window_days: int) -> Sources:
    """Everything the calculators need for these investors (one query per table).

    A large `ids` list is read as the range min..max: callers pass contiguous chunks.
    """
    since = datetime.combine(as_of - timedelta(days=window_days), time.min, tzinfo=UTC)
    investors = _frame(
        session,
        select(Investor.id, Investor.risk_class, Investor.investor_class, Investor.language, Investor.vip)
        .where(_among(Investor.id, ids)),
        ["investor_id", "risk_class", "investor_class", "language", "vip"],
    ).set_index("investor_id").sort_index()
    details = _frame(
        session,
        select(
            InvestorDetail.investor_id, InvestorDetail.birth_date, InvestorDetail.investing_since,
            InvestorDetail.annual_income_cents, InvestorDetail.financial_assets_cents,
            InvestorDetail.preferred_channel,
        ).where(_among(InvestorDetail.investor_id, ids)),
        ["investor_id", "birth_date", "investing_since", "annual_income_cents", "financial_assets_cents",
         "preferred_channel"],
    ).set_index("investor_id")
    latest = (
        select(QuestionnaireResponse.investor_id, func.max(QuestionnaireResponse.id).label("last_id"))
        .where(_among(QuestionnaireResponse.investor_id, ids))
        .group_by(QuestionnaireResponse.investor_id)
        .subquery()
    )
    questionnaires = _frame(
        session,
        select(QuestionnaireResponse.investor_id, QuestionnaireResponse.score)
        .join(latest, QuestionnaireResponse.id == latest.c.last_id),
        ["investor_id", "score"],
    ).set_index("investor_id")
    valuations = _frame(
        session,
        select(DailyValuation.investor_id, DailyValuation.value_cents)
        .where(_among(DailyValuation.investor_id, ids))
        .order_by(DailyValuation.investor_id, DailyValuation.day),
        ["investor_id", "value_cents"],
    )
    trades = _frame(
        session,
        select(Trade.investor_id, Trade.amount_cents, Trade.realised_pnl_cents, Trade.holding_days)
        .where(_among(Trade.investor_id, ids), Trade.traded_at >= since),
        ["investor_id", "amount_cents", "realised_pnl_cents", "holding_days"],
    )
    positions = _frame(
        session,
        select(Position.investor_id, Position.market_value_cents).where(_among(Position.investor_id, ids)),
        ["investor_id", "market_value_cents"],
    )
    contacts = _frame(
        session,
        select(InvestorContact.investor_id, InvestorContact.channel, InvestorContact.preferred)
        .where(_among(InvestorContact.investor_id, ids)),
        ["investor_id", "channel", "preferred"],
    )
    call_hours = _frame(
        session,
        select(Call.investor_id, Call.entered_at)
        .where(_among(Call.investor_id, ids), Call.entered_at >= since),
        ["investor_id", "entered_at"],
    )
    return Sources(investors, details, questionnaires, valuations, trades, positions, contacts,
                   call_hours, as_of)
