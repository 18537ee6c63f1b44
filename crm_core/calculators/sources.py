"""The raw data of a chunk of investors, as DataFrames: what every calculator reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from crm_core.idsets import rows_among
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
_DTYPES = {"response_id": "int64", "value_cents": "int64", "amount_cents": "int64", "market_value_cents": "int64",
           "score": "float64", "realised_pnl_cents": "float64", "holding_days": "float64", "investor_id": "int64"}


def _frame(session: Session, query: Select, columns: list[str], ids: list[int]) -> pd.DataFrame:  # type: ignore[type-arg]
    """Rows of the query for these ids (Core rows: no ORM processing); the first column is the id."""
    rows = rows_among(session, query, query.selected_columns[0], ids)
    frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
    return frame.astype({c: _DTYPES[c] for c in columns if c in _DTYPES})


def load_sources(session: Session, ids: list[int], as_of: date, window_days: int) -> Sources:
    """Everything the calculators need for these investors (one query per table, or per id batch)."""
    since = datetime.combine(as_of - timedelta(days=window_days), time.min, tzinfo=UTC)
    investors = _frame(
        session, select(Investor.id, Investor.risk_class, Investor.investor_class, Investor.language, Investor.vip),
        ["investor_id", "risk_class", "investor_class", "language", "vip"], ids,
    ).set_index("investor_id").sort_index()
    investors = investors[investors.index.isin(ids)]
    details = _frame(
        session,
        select(InvestorDetail.investor_id, InvestorDetail.birth_date, InvestorDetail.investing_since,
               InvestorDetail.annual_income_cents, InvestorDetail.financial_assets_cents,
               InvestorDetail.preferred_channel),
        ["investor_id", "birth_date", "investing_since", "annual_income_cents", "financial_assets_cents",
         "preferred_channel"], ids,
    ).set_index("investor_id")
    answers = _frame(
        session, select(QuestionnaireResponse.investor_id, QuestionnaireResponse.id, QuestionnaireResponse.score),
        ["investor_id", "response_id", "score"], ids,
    )
    questionnaires = answers.sort_values("response_id").groupby("investor_id")[["score"]].last()
    valuations = _frame(
        session,
        select(DailyValuation.investor_id, DailyValuation.value_cents)
        .order_by(DailyValuation.investor_id, DailyValuation.day),
        ["investor_id", "value_cents"], ids,
    )
    trades = _frame(
        session,
        select(Trade.investor_id, Trade.amount_cents, Trade.realised_pnl_cents, Trade.holding_days)
        .where(Trade.traded_at >= since),
        ["investor_id", "amount_cents", "realised_pnl_cents", "holding_days"], ids,
    )
    positions = _frame(session, select(Position.investor_id, Position.market_value_cents),
                       ["investor_id", "market_value_cents"], ids)
    contacts = _frame(session, select(InvestorContact.investor_id, InvestorContact.channel, InvestorContact.preferred),
                      ["investor_id", "channel", "preferred"], ids)
    call_hours = _frame(session, select(Call.investor_id, Call.entered_at).where(Call.entered_at >= since),
                        ["investor_id", "entered_at"], ids)
    return Sources(investors, details, questionnaires, valuations, trades, positions, contacts,
                   call_hours, as_of)
