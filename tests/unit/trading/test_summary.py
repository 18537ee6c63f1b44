"""The investor summary (crm_core.summary) on both backends: an order placed and matched through crm_core's
order service shows as a holding, a fill, an open order and frozen / available cash; the risk class is the
one suitability decides on, with the declared one beside it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from crm_core import suitability, summary
from crm_core.models import OrderStatus, QuestionnaireResponse, TradingOrder
from crm_core.rematch import rematch_investors
from crm_core.search import SearchError, field_search
from crm_core.summary import RiskClass, UnknownInvestor
from crm_core.trading import UnknownAccount, cancel_order, match_orders, place_order, rules
from tests.unit.trading.conftest import ACCOUNT, CASH, NOW, Desk, add_investor


def test_a_matched_buy_shows_as_holding_fill_and_cash(desk: Desk) -> None:
    desk.feed.set("601318", bid_cents=5_136, ask_cents=5_138)
    with desk.db.session() as session:
        filled = place_order(session, ACCOUNT, "buy", "601318", "51.40", 300, request_id="s-1", now=NOW,
                             broker=desk.broker)
        waiting = place_order(session, ACCOUNT, "buy", "601318", "50.00", 100, request_id="s-2", now=NOW,
                              broker=desk.broker)
        [fill] = match_orders(session, NOW, broker=desk.broker)
    with desk.db.session() as session:
        found = summary.investor_summary(session, desk.investor_id, now=NOW, broker=desk.broker)
        alone = summary.account_summary(session, ACCOUNT, now=NOW, broker=desk.broker)

    assert (fill.order_id, fill.quantity, fill.price) == (filled.order_id, 300, Decimal("51.38"))  # at the ask
    [account] = found.accounts
    assert account == alone  # the IVR reads one account, the screen-pop all of the investor's: the same rows
    bought = {h.security_code: h for h in account.holdings}["601318"]
    assert (bought.quantity, bought.sellable) == (300, 0)  # T+1: bought today, not sellable today
    assert bought.last_cents == 5_137 and bought.market_value_cents == 5_137 * 300
    assert {h.security_code for h in account.holdings} == {"600036", "000001", "601318"}  # the demo holdings too

    spent = fill.amount_cents + fill.fee_cents
    frozen = rules.buy_hold(5_000, 100, desk.broker.config)
    assert account.funds.frozen_cents == frozen == waiting.frozen_cents
    assert account.funds.total_cents == CASH - spent
    assert account.funds.available_cents == CASH - spent - frozen
    assert [o.order_id for o in account.open_orders] == [waiting.order_id]
    assert [(f.order_id, f.quantity) for f in account.fills_today] == [(filled.order_id, 300)]


def test_a_cancelled_order_leaves_the_summary_and_unfreezes(desk: Desk) -> None:
    with desk.db.session() as session:
        order = place_order(session, ACCOUNT, "buy", "600036", "35.00", 100, request_id="c-1", now=NOW,
                            broker=desk.broker)
        assert summary.account_summary(session, ACCOUNT, now=NOW, broker=desk.broker).funds.frozen_cents > 0
        cancel_order(session, ACCOUNT, order.order_id, request_id="c-2", now=NOW, broker=desk.broker)
        after = summary.account_summary(session, ACCOUNT, now=NOW, broker=desk.broker)
        status = session.scalars(select(TradingOrder.status).where(TradingOrder.id == order.order_id)).one()
    assert status == OrderStatus.CANCELLED.value
    assert (after.funds.frozen_cents, after.funds.available_cents, after.open_orders) == (0, CASH, ())


def test_a_questionnaire_that_lowers_the_class_lowers_it_in_the_summary_search_and_suitability(
        desk: Desk) -> None:
    with desk.db.session() as session:
        investor_id = add_investor(session, "100000077", "C4")
        assert summary.risk_class(session, investor_id) == RiskClass(effective="C4", declared="C4")
        assert investor_id in field_search(session, "risk_class", "C4")
        assert suitability.check(session, investor_id, "300750").allowed
        session.add(QuestionnaireResponse(investor_id=investor_id, questionnaire="standard-v1", answers=[1] * 10,
                                          score=30, answered_at=datetime(2026, 11, 24, tzinfo=UTC)))
        session.flush()
        rematch_investors(session, [investor_id], "questionnaire", as_of=NOW.date())

        lowered = summary.risk_class(session, investor_id)
        assert lowered == RiskClass(effective="C2", declared="C4")  # score 30: C2 (bounds 20, 36, 53, 82)
        assert lowered.label == "C2 (declared C4)"
        assert investor_id not in field_search(session, "risk_class", "C4")
        assert investor_id in field_search(session, "risk_class", "c2")  # case does not matter
        # what the phone then decides: an R3 share needs a risk disclosure, an R4 share is refused
        assert suitability.check(session, investor_id, "600036").outcome is suitability.Outcome.NEEDS_DISCLOSURE
        assert suitability.check(session, investor_id, "300750").outcome is suitability.Outcome.REFUSED


def test_no_assessment_on_file_is_shown_as_such() -> None:
    assert RiskClass(effective=None, declared="C3").label == "none on file (declared C3)"
    assert RiskClass(effective="C3", declared="C3").label == "C3"


def test_bad_input_gets_a_clear_error(desk: Desk) -> None:
    with desk.db.session() as session:
        with pytest.raises(SearchError, match="risk class must be one of C1, C2, C3, C4, C5, not 'C9'"):
            field_search(session, "risk_class", "C9")
        with pytest.raises(UnknownInvestor):
            summary.risk_class(session, 999_999)
        with pytest.raises(UnknownInvestor):
            summary.investor_summary(session, 999_999, now=NOW)
        with pytest.raises(UnknownAccount):
            summary.account_summary(session, "no-such-account", now=NOW)
