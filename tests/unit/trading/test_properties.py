"""Properties: the ledger always balances and matches cash; a C2 investor never gets an R4 order accepted."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crm_core import suitability
from crm_core.banking import BANK_TO_BROKER, BROKER_TO_BANK, ledger, transfer
from crm_core.models import BankAccount, OrderStatus, TradingAccount
from crm_core.trading import OrderRejected, load_securities, match_orders, place_order, validate_order
from crm_core.trading.demo import seed_demo_trading
from tests.unit.trading.conftest import ACCOUNT, BANK_PASSWORD, NOW, Desk, add_investor

_ids = itertools.count()
FIXTURE_OK = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}

operations = st.lists(st.one_of(
    st.tuples(st.just("transfer"), st.sampled_from([BANK_TO_BROKER, BROKER_TO_BANK]),
              st.integers(-5, 120_000_000), st.booleans(), st.booleans()),
    st.tuples(st.just("buy"), st.sampled_from(["600036", "000001", "601398"]), st.integers(1, 30)),
), min_size=1, max_size=8)


@settings(max_examples=15, **FIXTURE_OK)  # type: ignore[arg-type]
@given(steps=operations)
def test_ledger_balances_and_cash_is_the_sum_of_its_ledger(desk: Desk, steps) -> None:  # type: ignore[no-untyped-def]
    with desk.db.session() as session:
        previous = None
        for step in steps:
            if step[0] == "transfer":
                _, direction, cents, right_password, repeat = step
                request_id = previous if repeat and previous else f"p{next(_ids)}"
                previous = request_id
                transfer(session, ACCOUNT, direction, cents, BANK_PASSWORD if right_password else "975310",
                         request_id=request_id, now=NOW)
            else:
                _, code, lots = step
                ask = desk.feed.quote(code, NOW).ask_cents
                place_order(session, ACCOUNT, "buy", code, f"{ask / 100:.2f}", lots * 100,
                            request_id=f"p{next(_ids)}", now=NOW, broker=desk.broker)
                match_orders(session, NOW, broker=desk.broker)
    with desk.db.session() as session:
        assert ledger.unbalanced_journals(session) == []
        account = session.scalars(select(TradingAccount)).one()
        bank = session.scalars(select(BankAccount)).one()
        assert account.cash_cents == ledger.balance(session, ledger.broker_cash(account.id))
        assert bank.balance_cents == ledger.balance(session, ledger.bank_deposit(bank.id))
        assert 0 <= account.frozen_cents <= account.cash_cents and bank.balance_cents >= 0


R4 = sorted(code for code, security in load_securities().items() if security.risk_level >= "R4")


@pytest.fixture
def cautious(desk: Desk) -> str:
    with desk.db.session() as session:
        investor_id = add_investor(session, "200000002", "C2")
        seed_demo_trading(session, investor_id, cash_cents=10**12, password="135790", bank_password="246801",
                          now=NOW)
        for code in ("600036", "601398"):  # disclosures that exist, for other products
            suitability.record_disclosure(session, investor_id, code)
    return "200000002"


@settings(max_examples=25, **FIXTURE_OK)  # type: ignore[arg-type]
@given(code=st.sampled_from(R4), tick=st.integers(0, 10_000), lots=st.integers(1, 50),
       disclosure=st.one_of(st.none(), st.integers(1, 3)))
def test_c2_never_gets_an_r4_order_accepted(desk: Desk, cautious: str, code: str, tick: int, lots: int,
                                            disclosure: int | None) -> None:
    security = load_securities()[code]
    span = security.limit_up_cents - security.limit_down_cents
    price = f"{(security.limit_down_cents + tick % (span + 1)) / 100:.2f}"
    with desk.db.session() as session:
        with pytest.raises(OrderRejected):
            validate_order(session, cautious, "buy", code, price, lots * 100, now=NOW, disclosure_id=disclosure,
                           broker=desk.broker)
        with pytest.raises(suitability.UnknownError):
            suitability.record_disclosure(session, add_investor_id(session, cautious), code)
        result = place_order(session, cautious, "buy", code, price, lots * 100, request_id=f"c2-{next(_ids)}",
                             now=NOW, disclosure_id=disclosure, broker=desk.broker)
        assert result.status is OrderStatus.REJECTED and result.code is not None


def add_investor_id(session, account_number: str) -> int:  # type: ignore[no-untyped-def]
    return session.scalars(select(TradingAccount.investor_id).where(
        TradingAccount.account_number == account_number)).one()
