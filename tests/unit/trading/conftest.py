"""A seeded CRM investor (C3 unless told) with a trading account, a bank account and two holdings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from crm_core.attributes.values import set_value
from crm_core.db import Database
from crm_core.models import Investor
from crm_core.seed import seed_reference_data
from crm_core.trading import BuiltinBroker, FixedFeed, TradingConfig
from crm_core.trading.demo import seed_demo_trading

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai: the morning session
ACCOUNT = "100000001"
PASSWORD = "135790"
BANK_PASSWORD = "246801"
CASH = 100_000_000  # 1,000,000.00 yuan
BANK = 50_000_000


def add_investor(session: Session, account_number: str, risk: str) -> int:
    investor = Investor(account_number=account_number, name="张三", risk_class=risk)
    session.add(investor)
    session.flush()
    for key, value in (("risk_class", risk), ("investor_class", "ordinary"), ("age_band", "35-44"),
                       ("experience_years", 5)):
        set_value(session, investor.id, key, value)
    return investor.id


OTHER_ACCOUNT = "100000002"


def add_other_account(db: Database) -> None:
    """A second client's account, for checks that one client's request ids never reach another's."""
    with db.session() as session:
        other = add_investor(session, OTHER_ACCOUNT, "C3")
        seed_demo_trading(session, other, cash_cents=CASH, password=PASSWORD, bank_password=BANK_PASSWORD,
                          positions={"600036": 1000}, bank_balance_cents=BANK, now=NOW)


@dataclass
class Desk:
    db: Database
    feed: FixedFeed
    broker: BuiltinBroker
    investor_id: int


@pytest.fixture
def desk(database: Database) -> Desk:
    with database.session() as session:
        seed_reference_data(session)
        investor_id = add_investor(session, ACCOUNT, "C3")
        seed_demo_trading(session, investor_id, cash_cents=CASH, password=PASSWORD, bank_password=BANK_PASSWORD,
                          positions={"600036": 1000, "000001": 550}, bank_balance_cents=BANK, now=NOW)
    feed = FixedFeed()
    return Desk(database, feed, BuiltinBroker(feed, TradingConfig()), investor_id)
