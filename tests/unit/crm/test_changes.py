"""Changing a party through crm_core.changes re-matches automatically, and only what it touches."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm_core import changes
from crm_core.attributes.definitions import AttributeError_, define_attribute
from crm_core.db import Database
from crm_core.models import InvestorAssignment, MatchChange, MatchResult, SegmentMembership
from crm_core.staff import pool


def test_input_attribute_change_moves_the_investor(crm: Database) -> None:
    with crm.session() as session:
        define_attribute(session, "watchlist", name="Compliance watch list", value_type="bool", computation="input")
        changes.add_node(session, "watched", "Watched", "all", "watchlist", position=-1)
        report = changes.set_attribute(session, 9, "watchlist", True, by="compliance")
        assert report.touched == [9] and report.segment_moves == 1
        path = session.scalar(select(SegmentMembership.path).where(
            SegmentMembership.investor_id == 9, SegmentMembership.valid_to.is_(None)))
        assert path == "all/watched"
        moved = session.scalars(select(MatchChange).where(MatchChange.investor_id == 9,
                                                          MatchChange.kind == "segment")).all()
        assert moved[-1].new_outcome == "all/watched" and "compliance" in moved[-1].cause
        with pytest.raises(AttributeError_, match="not an input attribute"):
            changes.set_attribute(session, 9, "assets", 1)


def test_rule_product_and_staff_edits_rematch(crm: Database) -> None:
    with crm.session() as session:
        report = changes.edit_rule(session, "recommendation", "REC-NEWS", condition="investor.vip",
                                   outcome="recommend", priority=100)
        assert 0 < report.investors <= 120
        vip_news = session.scalar(select(func.count()).select_from(MatchResult).where(
            MatchResult.kind == "recommendation", MatchResult.target == "NEWS1"))
        assert vip_news < 120
        dropped = changes.drop_rule(session, "recommendation", "REC-NEWS")
        assert dropped.investors == vip_news
        assert not session.scalar(select(func.count()).select_from(MatchResult).where(
            MatchResult.target == "NEWS1", MatchResult.kind == "recommendation"))
        report = changes.edit_product(session, "BOND02", risk_level="R5")
        assert report.match_changes > 0
        member = pool(session, "service_commissioner")[0]
        report = changes.edit_staff(session, member.agent_id, accepting=False)
        assert report.assignment_changes > 0
        assert not session.scalar(select(func.count()).select_from(InvestorAssignment).where(
            InvestorAssignment.agent_id == member.agent_id))


def test_redefining_a_rule_attribute_moves_only_those_it_changes(crm: Database) -> None:
    from tests.unit.crm.test_rematch import assert_full_recompute_changes_nothing

    with crm.session() as session:
        before = dict(session.execute(select(SegmentMembership.investor_id, SegmentMembership.path).where(
            SegmentMembership.valid_to.is_(None))).all())
        report = changes.redefine_attribute(session, "active_trader", name="Active trader", value_type="bool",
                                            computation="rule", formula="trades_per_month >= 0.1")
        after = dict(session.execute(select(SegmentMembership.investor_id, SegmentMembership.path).where(
            SegmentMembership.valid_to.is_(None))).all())
        moved = {i for i in before if before[i] != after[i]}
        assert moved and moved <= set(report.touched)
        assert report.attribute_changes >= len(moved)
        assert all(after[i] == "all/retail/retail_active" for i in moved)
    assert_full_recompute_changes_nothing(crm)


def test_retiring_a_product_drops_its_matches_and_logs_it(crm: Database) -> None:
    with crm.session() as session:
        had = session.scalar(select(func.count()).select_from(MatchResult).where(MatchResult.target == "RSCH2"))
        report = changes.edit_product(session, "RSCH2", active=False)
        assert had > 0 and report.match_changes == had
        assert not session.scalar(select(func.count()).select_from(MatchResult).where(
            MatchResult.target == "RSCH2"))
        logged = session.scalar(select(func.count()).select_from(MatchChange).where(
            MatchChange.target == "RSCH2", MatchChange.new_outcome.is_(None)))
        assert logged == had
