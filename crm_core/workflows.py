"""Role workflows: the distribution administrator assigns investors (one or bulk, capacity checked),
the service commissioner sees their investors and tasks, the marketing manager targets a segment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from crm_core.expr import compile_rule
from crm_core.expr.frame import evaluate_frame
from crm_core.matching import loads as staff_loads
from crm_core.matching.context import load_context
from crm_core.models import (
    Agent,
    Campaign,
    CampaignTarget,
    Investor,
    InvestorAssignment,
    MatchChange,
    MatchResult,
    Reminder,
    SegmentMembership,
    StaffProfile,
)
from crm_core.models.base import utcnow
from crm_core.segments.service import touched_investors
from crm_core.staff import StaffError, has_role


class CapacityError(ValueError):
    """The staff member cannot take that many more investors."""


def assign_investors(session: Session, investor_ids: list[int], agent_id: int, *, by: str,
                     role_code: str = "service_commissioner") -> int:
    """Assign (pin) investors to a staff member, all or nothing; returns how many moved."""
    if not has_role(session, agent_id, role_code):
        raise StaffError(f"staff member {agent_id} does not hold the role {role_code!r}")
    profile = session.get(StaffProfile, agent_id)
    capacity = profile.capacity if profile else 0
    wanted = sorted(set(investor_ids))
    known = set(session.scalars(select(Investor.id).where(Investor.id.in_(wanted))))
    if missing := sorted(set(wanted) - known):
        raise LookupError(f"unknown investors: {missing[:10]}")
    current = dict(session.execute(
        select(InvestorAssignment.investor_id, InvestorAssignment.agent_id)
        .where(InvestorAssignment.role_code == role_code, InvestorAssignment.investor_id.in_(wanted))
    ).all())
    load = staff_loads.loads(session, role_code)[agent_id]
    arriving = [i for i in wanted if current.get(i) != agent_id]
    if load + len(arriving) > capacity:
        raise CapacityError(f"staff member {agent_id} serves {load} of {capacity} investors; "
                            f"cannot take {len(arriving)} more")
    now = utcnow()
    session.execute(delete(InvestorAssignment).where(
        InvestorAssignment.role_code == role_code, InvestorAssignment.investor_id.in_(wanted)))
    for investor_id in wanted:
        session.add(InvestorAssignment(investor_id=investor_id, role_code=role_code, agent_id=agent_id, pinned=True,
                                       rule_code="manual", assigned_by=by, assigned_at=now))
    deltas: Counter[int] = Counter({agent_id: len(arriving)})
    for investor_id in arriving:
        if investor_id in current:
            deltas[current[investor_id]] -= 1
        session.add(MatchChange(investor_id=investor_id, kind="assignment", target=role_code,
                                old_outcome=_job(session, current.get(investor_id)),
                                new_outcome=_job(session, agent_id), cause=f"assigned by {by}"[:200], at=now))
    staff_loads.apply_deltas(session, role_code, deltas)
    session.flush()
    return len(arriving)


def reassign_all(session: Session, from_agent: int, to_agent: int, *, by: str,
                 role_code: str = "service_commissioner") -> int:
    """Move every investor of one staff member to another (capacity checked)."""
    ids = list(session.scalars(select(InvestorAssignment.investor_id).where(
        InvestorAssignment.agent_id == from_agent, InvestorAssignment.role_code == role_code)))
    return assign_investors(session, ids, to_agent, by=by, role_code=role_code) if ids else 0


def _job(session: Session, agent_id: int | None) -> str | None:
    if agent_id is None:
        return None
    agent = session.get(Agent, agent_id)
    return agent.job_number if agent else None


@dataclass(frozen=True)
class InvestorLine:
    investor_id: int
    account_number: str
    name: str
    segment: str | None


def commissioner_investors(session: Session, agent_id: int, role_code: str = "service_commissioner"
                           ) -> list[InvestorLine]:
    rows = session.execute(
        select(Investor.id, Investor.account_number, Investor.name, SegmentMembership.segment_code)
        .join(InvestorAssignment, InvestorAssignment.investor_id == Investor.id)
        .outerjoin(SegmentMembership, (SegmentMembership.investor_id == Investor.id)
                   & SegmentMembership.valid_to.is_(None))
        .where(InvestorAssignment.agent_id == agent_id, InvestorAssignment.role_code == role_code)
        .order_by(Investor.id)
    ).all()
    return [InvestorLine(*row) for row in rows]


def commissioner_tasks(session: Session, agent_id: int, until: datetime | None = None) -> list[Reminder]:
    """Open reminders for the member, or for their investors when nobody holds the reminder."""
    mine = select(InvestorAssignment.investor_id).where(InvestorAssignment.agent_id == agent_id)
    query = select(Reminder).where(
        Reminder.done_at.is_(None),
        or_(Reminder.agent_id == agent_id, Reminder.agent_id.is_(None) & Reminder.investor_id.in_(mine)),
    )
    if until is not None:
        query = query.where(Reminder.due_at <= until)
    return list(session.scalars(query.order_by(Reminder.due_at, Reminder.id)))


def target_campaign(
    session: Session, code: str, name: str, segment_code: str, *, product_code: str | None = None,
    extra_condition: str = "", manager_id: int | None = None,
) -> list[int]:
    """Investors of the segment (and its subtree) to whom the product is not refused; stored as targets."""
    ids = touched_investors(session, {segment_code})
    if product_code and ids:
        refused = set(session.scalars(select(MatchResult.investor_id).where(
            MatchResult.kind == "suitability", MatchResult.target == product_code, MatchResult.outcome == "refuse")))
        ids = [i for i in ids if i not in refused]
    if extra_condition and ids:
        context = load_context(session, ids)
        hit = evaluate_frame(compile_rule(extra_condition), context)
        ids = [int(i) for i in context.index[hit.to_numpy()]]
    campaign = Campaign(code=code, name=name, segment_code=segment_code, product_code=product_code,
                        extra_condition=extra_condition, manager_id=manager_id)
    session.add(campaign)
    session.flush()
    for start in range(0, len(ids), 20_000):
        session.add_all([CampaignTarget(campaign_id=campaign.id, investor_id=i) for i in ids[start:start + 20_000]])
        session.flush()
    return ids
