"""Two clients of the portal on both database backends: a C4 investor aged 65+ (an R4 share needs the risk
disclosure: rule SUIT-SENIOR-HIGH-RISK) and a C2 investor (an R4 share is refused: two levels above), each
with a fund account holding 1,000 shares of 600036; the market trades at any hour (a practice market)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.orm import Session

from crm_core.attributes.values import set_value
from crm_core.db import Database
from crm_core.models import Investor
from crm_core.seed import seed_reference_data
from crm_core.trading import BuiltinBroker, FixedFeed, TradingConfig
from crm_core.trading.demo import seed_demo_trading
from portal.app import build_app
from portal.context import CONTEXT

SENIOR, CAUTIOUS = "200000001", "200000002"  # fund accounts
PASSWORD = "135790"
CASH = 50_000_000  # 500,000.00 yuan
R4_CODE, R4_PRICE = "300750", "252.60"  # CATL, ChiNext: R4


@dataclass(frozen=True)
class Clients:
    senior_id: int
    cautious_id: int


def add_client(session: Session, account: str, name: str, risk: str, age_band: str) -> int:
    investor = Investor(account_number=account, name=name, risk_class=risk, investor_class="ordinary")
    session.add(investor)
    session.flush()
    for key, value in (("risk_class", risk), ("investor_class", "ordinary"), ("age_band", age_band),
                       ("experience_years", 5)):
        set_value(session, investor.id, key, value)
    seed_demo_trading(session, investor.id, cash_cents=CASH, password=PASSWORD, bank_password="2468",
                      positions={"600036": 1000})
    return investor.id


@pytest.fixture
def clients(database: Database) -> Clients:
    with database.session() as session:
        seed_reference_data(session)
        senior = add_client(session, SENIOR, "Wang Fang", "C4", "65+")
        cautious = add_client(session, CAUTIOUS, "Li Wei", "C2", "35-44")
    return Clients(senior, cautious)


def practice_broker() -> BuiltinBroker:
    return BuiltinBroker(FixedFeed(), TradingConfig(always_open=True))


@asynccontextmanager
async def portal_client(database: Database, **options: Any) -> AsyncIterator[TestClient[Any, Any]]:
    """The portal on a test server; `clock=`: the time its requests are served at (default: the real one)."""
    clock = options.pop("clock", None)
    app = build_app(database, options.pop("broker", None) or practice_broker(), **options)
    if clock is not None:
        app[CONTEXT].clock = clock
    async with TestClient(TestServer(app)) as client:
        yield client


async def log_in(client: TestClient[Any, Any], account: str, password: str = PASSWORD) -> str:
    """Log in; returns the CSRF token to send as X-CSRF-Token."""
    response = await client.post("/api/login", json={"account": account, "password": password})
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return str(body["csrf_token"])
