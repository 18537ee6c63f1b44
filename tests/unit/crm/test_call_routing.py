"""The CRM's route of a call: the role serving the category, the investor's agent in it, the service level of
their segment; rules as data, read at each call (a reassignment or a rule change routes the next call)."""

from __future__ import annotations

from sqlalchemy import delete, select

from crm_core.call_routing import NO_SERVICE_LEVEL, decide, route_for, service_levels
from crm_core.changes import edit_rule
from crm_core.db import Database
from crm_core.matching.investor import one_investor
from crm_core.matching.rules import seed_rules
from crm_core.models import Investor, InvestorAssignment, MatchingRule, StaffProfile
from crm_core.staff import pool
from crm_core.workflows import assign_investors


def rule(kind: str, code: str, condition: str, **params: object) -> MatchingRule:
    return MatchingRule(kind=kind, code=code, condition=condition, outcome="x", params=params)


def test_decide_takes_the_first_rule_that_holds() -> None:
    routes = [rule("call_route", "R1", "call.category == 'trading'", role="service_commissioner"),
              rule("call_route", "R2", "call.category == 'products'", role="marketing_manager")]
    levels = [rule("service_level", "RICH", "investor.assets >= 5_000_000", priority=20, answer_within_seconds=10,
                   wait_for_agent_seconds=30),
              rule("service_level", "ALL", "true", priority=0)]
    route, level = decide({"call.category": "products", "investor.assets": 6_000_000.0}, routes, levels)
    assert route is not None and route.code == "R2"
    assert (level.rule_code, level.priority, level.answer_within_seconds, level.wait_for_agent_seconds) == \
        ("RICH", 20, 10.0, 30.0)
    route, level = decide({"call.category": "general"}, routes, levels)
    assert route is None and (level.rule_code, level.priority) == ("ALL", 0)
    assert decide({}, [], []) == (None, NO_SERVICE_LEVEL)


def test_a_trading_call_goes_to_the_investors_commissioner_and_follows_a_reassignment(crm: Database) -> None:
    with crm.session() as session:
        investor_id, agent_id = session.execute(select(InvestorAssignment.investor_id, InvestorAssignment.agent_id)
                                                .where(InvestorAssignment.role_code == "service_commissioner")).first()
        route = route_for(session, investor_id, "trading")
        assert (route.role_code, route.route_rule) == ("service_commissioner", "ROUTE-SERVICE")
        assert route.agent_id == agent_id
        assert route.assignment.startswith("rules")
        assert route.detail()["service_rule"] in {"SL-HIGH-ASSETS", "SL-VIP", "SL-DEFAULT"}
        other = next(m.agent_id for m in pool(session, "service_commissioner") if m.agent_id != agent_id)
        session.get(StaffProfile, other).capacity = 10_000
        assign_investors(session, [investor_id], other, by="admin")
        moved = route_for(session, investor_id, "trading")
        assert (moved.agent_id, moved.assignment) == (other, "manual by admin")
        products = route_for(session, investor_id, "products")
        assert (products.role_code, products.agent_id) == ("marketing_manager", None)  # nobody holds it for them
        assert route_for(session, investor_id, "general").role_code is None
        assert route_for(session, None, "trading").agent_id is None


def test_a_service_level_rule_changes_the_next_calls_priority(crm: Database) -> None:
    with crm.session() as session:
        investor_id = session.scalars(select(InvestorAssignment.investor_id)).first()
        language = one_investor(session, investor_id)["investor.language"]
        before = route_for(session, investor_id, "trading")
        report = edit_rule(session, "service_level", "SL-LANG", condition=f"investor.language == '{language}'",
                           outcome="serve", priority=5,
                           params={"priority": 30, "answer_within_seconds": 5, "wait_for_agent_seconds": 12})
        assert report.investors == 0, "nothing to re-match: read at each call"
        after = route_for(session, investor_id, "trading")
        assert before.service.rule_code != "SL-LANG"
        assert (after.service.rule_code, after.queue_priority(0), after.service.wait_for_agent_seconds) == \
            ("SL-LANG", 30, 12.0)
        assert [row["rule_code"] for row in service_levels(session)][:2] == ["SL-LANG", "SL-HIGH-ASSETS"]


def test_no_service_level_rule_keeps_the_priority_the_ivr_passed(seeded: Database) -> None:
    with seeded.session() as session:
        session.execute(delete(MatchingRule).where(MatchingRule.kind == "service_level"))
        assert route_for(session, None, "trading").queue_priority(10) == 10
        investor = Investor(account_number="1", name="A", investor_class="ordinary", risk_class="C3")
        session.add(investor)
        session.flush()
        route = route_for(session, investor.id, "trading")  # the rules read no investor attribute
        assert (route.route_rule, route.queue_priority(10)) == ("ROUTE-SERVICE", 10)


def test_routing_rules_are_seeded_into_a_crm_that_has_only_the_older_kinds(seeded: Database) -> None:
    with seeded.session() as session:
        session.execute(delete(MatchingRule).where(MatchingRule.kind.in_(["call_route", "service_level"])))
        assert seed_rules(session) == 5
        assert seed_rules(session) == 0


def test_without_routing_rules_a_route_says_nothing(seeded: Database) -> None:
    with seeded.session() as session:
        session.execute(delete(MatchingRule).where(MatchingRule.kind.in_(["call_route", "service_level"])))
        route = route_for(session, None, "trading")
        assert not route.ruled and route.agent_id is None
        assert route_for(session, None, "trading").queue_priority(10) == 10
