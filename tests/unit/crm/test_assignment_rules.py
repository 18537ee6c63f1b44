"""Eligibility of staff for an assignment rule (language, skill level, staff condition) and balancing."""

from __future__ import annotations

from collections import Counter

from crm_core.matching.assignment import _Balancer, eligible
from crm_core.models import MatchingRule
from crm_core.staff import StaffMember


def member(agent_id: int, languages: str = "zh", capacity: int = 10, seniority: float = 1.0,
           skills: dict[str, int] | None = None, licences: str = "") -> StaffMember:
    return StaffMember(agent_id, f"J{agent_id}", frozenset(languages.split(",")), skills or {}, capacity,
                       frozenset(filter(None, licences.split(","))), seniority)


def rule(**params: object) -> MatchingRule:
    return MatchingRule(kind="assignment", code="X", version=1, priority=1, condition="true", outcome="assign",
                        params=params, reason="")


def test_language_skill_and_staff_condition() -> None:
    staff = [member(1, "zh,en", skills={"vip": 7}, licences="SAC,CFA", seniority=6),
             member(2, "zh", skills={"vip": 9}, seniority=10), member(3, "en", skills={"vip": 2}, seniority=3)]
    ids = lambda found: [m.agent_id for m in found]  # noqa: E731
    assert ids(eligible(rule(match_language=True), staff, "en")) == [1, 3]
    assert ids(eligible(rule(match_language=False), staff, "en")) == [1, 2, 3]
    assert ids(eligible(rule(skill="vip", min_level=5), staff, "zh")) == [1, 2]
    assert ids(eligible(rule(staff_condition="staff.licence.CFA and staff.seniority_years >= 5"), staff, "zh")) == [1]
    assert ids(eligible(rule(skill="vip", min_level=5), staff, "fr")) == []


def test_balancer_fills_by_load_over_capacity_and_never_beyond() -> None:
    staff = {1: member(1, capacity=2), 2: member(2, capacity=4)}
    balancer = _Balancer(Counter(), staff)
    taken = [balancer.take(("g",), list(staff.values())) for _ in range(7)]
    assert taken[:6].count(1) == 2 and taken[:6].count(2) == 4
    assert taken[6] is None
    assert taken[:3] == [1, 2, 2]  # tie 0/2 = 0/4 goes to the lower id; then 0/4 < 1/2; then 1/4 < 1/2
