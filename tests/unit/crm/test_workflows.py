"""Role workflows: assignment by the administrator with capacity checks, the commissioner's view and
tasks, a marketing campaign on a segment; staff roles are data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm_core.db import Database
from crm_core.models import (
    CampaignTarget,
    InvestorAssignment,
    MatchChange,
    MatchResult,
    Reminder,
    SegmentMembership,
    StaffLoad,
    StaffProfile,
    StaffRole,
)
from crm_core.rematch import after_staff_change
from crm_core.staff import StaffError, pool
from crm_core.workflows import (
    CapacityError,
    assign_investors,
    commissioner_investors,
    commissioner_tasks,
    reassign_all,
    target_campaign,
)


def commissioners(session) -> list[int]:  # type: ignore[no-untyped-def]
    return [m.agent_id for m in pool(session, "service_commissioner")]


def test_roles_are_data(crm: Database) -> None:
    with crm.session() as session:
        names = dict(session.execute(select(StaffRole.code, StaffRole.name_zh)).all())
        assert names["service_commissioner"] == "服务专员"
        assert names["distribution_admin"] == "客户分配管理员"
        assert names["marketing_manager"] == "营销服务经理"
        session.add(StaffRole(code="night_desk", name="Night desk", name_zh="夜间值班"))


def test_every_investor_assigned_within_capacity_and_language(crm: Database) -> None:
    with crm.session() as session:
        members = {m.agent_id: m for m in pool(session, "service_commissioner")}
        loads = dict(session.execute(select(InvestorAssignment.agent_id, func.count())
                                     .group_by(InvestorAssignment.agent_id)).all())
        assert sum(loads.values()) == 120
        assert all(loads[a] <= members[a].capacity for a in loads)
        assert max(loads.values()) - min(loads.values()) <= 40  # balanced by load / capacity


def test_bulk_assignment_is_all_or_nothing_with_capacity_check(crm: Database) -> None:
    with crm.session() as session:
        first, second, *_ = commissioners(session)
        session.get(StaffProfile, first).capacity = 200
        theirs = [i for i, in session.execute(select(InvestorAssignment.investor_id).where(
            InvestorAssignment.agent_id == second))]
        moved = assign_investors(session, theirs[:5], first, by="admin")
        assert moved == 5
        pinned = session.scalar(select(func.count()).select_from(InvestorAssignment).where(
            InvestorAssignment.agent_id == first, InvestorAssignment.pinned))
        assert pinned == 5
        assert session.scalar(select(func.count()).select_from(MatchChange).where(
            MatchChange.kind == "assignment", MatchChange.cause == "assigned by admin")) == 5
        session.get(StaffProfile, second).capacity = 3
        before = session.scalar(select(func.count()).select_from(InvestorAssignment).where(
            InvestorAssignment.agent_id == second))
        with pytest.raises(CapacityError, match="cannot take"):
            assign_investors(session, theirs[:5], second, by="admin")
        assert session.scalar(select(func.count()).select_from(InvestorAssignment).where(
            InvestorAssignment.agent_id == second)) == before
        with pytest.raises(StaffError):
            assign_investors(session, theirs[:1], 10_000, by="admin")


def test_pinned_assignments_survive_rules_and_reassign_all(crm: Database) -> None:
    with crm.session() as session:
        first, second, *_ = commissioners(session)
        session.get(StaffProfile, second).capacity = 500
        target = session.scalars(select(InvestorAssignment.investor_id).where(
            InvestorAssignment.agent_id == first)).first()
        assign_investors(session, [target], second, by="admin")
        after_staff_change(session, second)
        assert session.get(InvestorAssignment, (target, "service_commissioner")).agent_id == second
        count = reassign_all(session, first, second, by="admin")
        assert count > 0
        assert not session.scalar(select(func.count()).select_from(InvestorAssignment).where(
            InvestorAssignment.agent_id == first))


def test_commissioner_sees_investors_and_tasks(crm: Database) -> None:
    with crm.session() as session:
        agent = commissioners(session)[0]
        mine = commissioner_investors(session, agent)
        assert mine and all(line.segment for line in mine)
        now = datetime.now(UTC)
        session.add_all([
            Reminder(investor_id=mine[0].investor_id, agent_id=None, text="renew questionnaire", due_at=now),
            Reminder(investor_id=mine[0].investor_id, agent_id=agent, text="call back", due_at=now - timedelta(1)),
            Reminder(investor_id=mine[0].investor_id, agent_id=agent, text="done", due_at=now, done_at=now),
            Reminder(investor_id=mine[0].investor_id, agent_id=agent, text="later", due_at=now + timedelta(9)),
        ])
        session.flush()
        tasks = commissioner_tasks(session, agent, until=now + timedelta(1))
        assert [t.text for t in tasks] == ["call back", "renew questionnaire"]


def test_campaign_targets_a_segment_without_refused_investors(crm: Database) -> None:
    with crm.session() as session:
        retail = set(session.scalars(select(SegmentMembership.investor_id).where(
            SegmentMembership.valid_to.is_(None), SegmentMembership.path.like("all/retail%"))))
        refused = set(session.scalars(select(MatchResult.investor_id).where(
            MatchResult.target == "STK04", MatchResult.outcome == "refuse")))
        ids = target_campaign(session, "EQ-2026", "Equity week", "retail", product_code="STK04")
        assert set(ids) == retail - refused and ids
        stored = session.scalar(select(func.count()).select_from(CampaignTarget))
        assert stored == len(ids)
        seniors = target_campaign(session, "EQ-SENIOR", "Equity seniors", "retail",
                                  extra_condition="investor.age_band == '65+'")
        assert set(seniors) < retail


def test_staff_loads_stay_equal_to_the_assignments(crm: Database) -> None:
    with crm.session() as session:
        first, second, *_ = commissioners(session)
        session.get(StaffProfile, first).capacity = 300
        theirs = list(session.scalars(select(InvestorAssignment.investor_id).where(
            InvestorAssignment.agent_id == second)))
        assign_investors(session, theirs[:7], first, by="admin")
        session.get(StaffProfile, second).capacity = 4
        session.flush()
        after_staff_change(session, second)
        counted = dict(session.execute(select(InvestorAssignment.agent_id, func.count())
                                       .group_by(InvestorAssignment.agent_id)).all())
        kept = {a: n for a, n in session.execute(select(StaffLoad.agent_id, StaffLoad.investors)) if n}
        assert kept == counted
