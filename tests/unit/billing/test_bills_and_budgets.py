"""Monthly call bills per client and per department (the month in Asia/Shanghai, its edges included once),
and outbound budgets: the alert once at its share, and a campaign, agent or department over budget refused
with a reason; on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from crm_core.billing import tariffs
from crm_core.billing.bills import BillError, client_bill, department_bill
from crm_core.billing.budgets import (
    ALERT_KIND,
    BudgetError,
    Scope,
    Standing,
    check_dial,
    may_dial,
    set_budget,
    standings,
)
from crm_core.billing.rating import Line
from crm_core.db import Database
from crm_core.models import Alert, Campaign, DepartmentMember, Investor, InvestorPhone
from tests.support.billing import add_agent, inbound_call, outbound_call, shanghai

MOBILE = Line("1", Decimal("0.1000"), 60, 60)  # 0.10 a started minute: a 61 s call costs 0.20
INBOUND = Line("1", Decimal("0.0300"), 60, 60, direction="inbound")


def _setup(database: Database) -> tuple[int, int]:
    with database.session() as session:
        tariffs.set_line(session, MOBILE, effective_from=shanghai("2026-10-01", "00:00:00"))
        tariffs.set_line(session, INBOUND, effective_from=shanghai("2026-10-01", "00:00:00"))
        sales, other = add_agent(session, "1001"), add_agent(session, "1002")
        session.add_all([DepartmentMember(agent_id=sales, department="sales"),
                         DepartmentMember(agent_id=other, department="service")])
        client = Investor(account_number="100000001", name="Li Na", risk_class="C3")
        session.add(client)
        session.flush()
        session.add(InvestorPhone(investor_id=client.id, number="13800000001"))
        session.add(Campaign(code="autumn", name="Autumn funds", segment_code="all"))
        session.flush()
        return sales, other


def test_a_clients_and_a_departments_bill_for_the_month(database: Database) -> None:
    sales, other = _setup(database)
    with database.session() as session:
        client = session.scalars(select(Investor)).one()
        # a call's month is the one it started in (10 s before it was answered), in Shanghai
        outbound_call(session, sales, "13800000001", shanghai("2026-11-01", "00:00:09"), 61)  # October
        outbound_call(session, sales, "13800000001", shanghai("2026-11-01", "00:00:10"), 61)  # 0.20
        inbound_call(session, other, client, "13800000001", shanghai("2026-11-05", "09:30:10"), 125)  # 0.09
        outbound_call(session, sales, "13900000000", shanghai("2026-12-01", "00:00:09"), 1)  # not the client's, 0.10
        outbound_call(session, sales, "13800000001", shanghai("2026-12-01", "00:00:10"), 61)  # December
    with database.session() as session:
        bill = client_bill(session, "100000001", "2026-11")
        assert [(f"{line.at:%d %H:%M}", line.direction, line.caller, line.callee, line.duration_seconds,
                 line.cost_fen) for line in bill.lines] == [
            ("01 00:00", "outbound", "agent1001", "13800000001", 61, 20),
            ("05 09:30", "inbound", "13800000001", "agent1002", 125, 9),
        ]
        assert (bill.name, bill.total_fen) == ("Li Na", 29)
        assert bill.lines[0].rate_per_minute == Decimal("0.1000") and bill.lines[0].billed_seconds == 120
        sales_bill = department_bill(session, "sales", "2026-11")
        assert [line.cost_fen for line in sales_bill.lines] == [20, 10] and sales_bill.total_fen == 30
        assert department_bill(session, "service", "2026-11").total_fen == 9
        with pytest.raises(BillError, match="a month is YYYY-MM, not '2026-13'"):
            client_bill(session, "100000001", "2026-13")
        with pytest.raises(BillError, match="no client with fund account '999'"):
            client_bill(session, "999", "2026-11")
        with pytest.raises(BillError, match="no department 'nobody'"):
            department_bill(session, "nobody", "2026-11")


def test_may_dial_refuses_when_any_budget_is_spent_and_says_which() -> None:
    fine = Standing("agent", "1001", "2026-11", 1000, 999, 80)
    spent = Standing("campaign", "autumn", "2026-11", 1000, 1000, 80)
    assert may_dial([]).allowed and may_dial([fine]).allowed
    refused = may_dial([fine, spent])
    assert not refused.allowed
    assert refused.reason == "outbound budget spent: campaign autumn: 10.00 of 10.00 yuan spent in 2026-11"
    assert fine.alerting and not Standing("agent", "1001", "2026-11", 1000, 799, 80).alerting


def test_a_campaign_over_budget_is_refused_and_alerted_once(database: Database) -> None:
    sales, other = _setup(database)
    now = shanghai("2026-11-10", "10:00:00")
    with database.session() as session:
        set_budget(session, Scope.CAMPAIGN, "autumn", "2026-11", Decimal("0.50"), alert_percent=60)
        set_budget(session, Scope.DEPARTMENT, "sales", "2026-11", Decimal("100.00"))
        assert check_dial(session, sales, campaign="autumn", now=now).allowed
        for minute in range(3):  # 0.20 each: 0.40 is 80 % (alert at 60 %), 0.60 is past 0.50
            outbound_call(session, sales, "13800000001", shanghai("2026-11-10", f"09:0{minute}:00"), 61, "autumn")
            if minute == 1:
                [alert] = session.scalars(select(Alert).where(Alert.kind == ALERT_KIND)).all()
                assert alert.subject == "campaign:autumn" and "0.40 of 0.50 yuan" in alert.detail
    with database.session() as session:
        refused = check_dial(session, sales, campaign="autumn", now=now)
        assert not refused.allowed and "campaign autumn: 0.60 of 0.50 yuan spent in 2026-11" in refused.reason
        assert check_dial(session, sales, campaign=None, now=now).allowed  # the agent's own calls go on
        assert check_dial(session, other, campaign=None, now=now).allowed
        assert len(session.scalars(select(Alert).where(Alert.kind == ALERT_KIND)).all()) == 1  # once
        assert [(s.scope, s.subject, s.spent_fen) for s in standings(session, "2026-11")] == [
            ("campaign", "autumn", 60), ("department", "sales", 60)]


def test_an_agent_and_a_department_over_budget_are_refused(database: Database) -> None:
    sales, other = _setup(database)
    now = shanghai("2026-11-10", "10:00:00")
    with database.session() as session:
        set_budget(session, Scope.AGENT, "1002", "2026-11", Decimal("0.10"))
        set_budget(session, Scope.DEPARTMENT, "sales", "2026-11", Decimal("0.20"))
        outbound_call(session, other, "13800000001", shanghai("2026-11-10", "09:00:00"), 30)  # 0.10
        outbound_call(session, sales, "13800000001", shanghai("2026-11-10", "09:00:00"), 30)  # 0.10
        assert check_dial(session, sales, campaign=None, now=now).allowed
        outbound_call(session, sales, "13800000001", shanghai("2026-11-10", "09:05:00"), 30)  # 0.20 in sales
        assert "department sales: 0.20 of 0.20" in check_dial(session, sales, campaign=None, now=now).reason
        assert "agent 1002: 0.10 of 0.10" in check_dial(session, other, campaign=None, now=now).reason
        assert check_dial(session, sales, campaign=None, now=shanghai("2026-12-01", "08:00:00")).allowed


@pytest.mark.parametrize("scope, subject, limit, message", [
    (Scope.CAMPAIGN, "winter", "1.00", "no campaign 'winter'"),
    (Scope.AGENT, "4040", "1.00", "no agent with job number '4040'"),
    (Scope.DEPARTMENT, "nobody", "1.00", "no department 'nobody' (no agent belongs to it)"),
    (Scope.AGENT, "1001", "-1.00", "a budget is at least 0 yuan, to the fen, not -1.00"),
    (Scope.AGENT, "1001", "0.001", "a budget is at least 0 yuan, to the fen, not 0.001"),
])
def test_bad_budgets_are_refused_and_nothing_is_saved(database: Database, scope: Scope, subject: str, limit: str,
                                                      message: str) -> None:
    _setup(database)
    with database.session() as session, pytest.raises(BudgetError) as refused:
        set_budget(session, scope, subject, "2026-11", Decimal(limit))
    assert str(refused.value) == message
    with database.session() as session:
        assert standings(session, "2026-11") == []
