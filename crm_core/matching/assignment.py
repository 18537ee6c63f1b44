"""Investor x staff assignment: the first assignment rule gives the requirement (role, skill, language),
the least loaded eligible staff member (load / capacity) with room takes the investor.

Assignments are sticky: an investor keeps their staff member while that member is still eligible and
within capacity, so re-matching a few investors never shuffles the others, and an incremental re-match
equals a full one. Pinned (manual) assignments are kept while the member holds the role.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from crm_core.expr import compile_rule, evaluate, truthy
from crm_core.expr.frame import evaluate_frame
from crm_core.idsets import rows_among
from crm_core.matching import loads as staff_loads
from crm_core.matching.rules import active_rules
from crm_core.models import InvestorAssignment, MatchChange, MatchingRule
from crm_core.models.base import utcnow
from crm_core.staff import StaffMember, pool


@dataclass
class Current:
    agent_id: int
    pinned: bool


def first_rule(context: pd.DataFrame, rules: list[MatchingRule]) -> np.ndarray:
    """Index into `rules` of the first rule that holds for each investor (-1: none)."""
    chosen = np.full(len(context), -1)
    for index, rule in enumerate(rules):
        open_rows = chosen == -1
        if not open_rows.any():
            break
        hit = open_rows & evaluate_frame(compile_rule(rule.condition), context).to_numpy(dtype=bool)
        chosen[hit] = index
    return chosen


def staff_env(member: StaffMember) -> dict[str, Any]:
    env: dict[str, Any] = {"staff.seniority_years": member.seniority_years, "staff.capacity": member.capacity}
    env.update({f"staff.skill.{code}": level for code, level in member.skills.items()})
    env.update({f"staff.licence.{code}": True for code in member.licences})
    return env


def eligible(rule: MatchingRule, members: list[StaffMember], language: str | None) -> list[StaffMember]:
    params = rule.params or {}
    skill, min_level = params.get("skill"), int(str(params.get("min_level", 1)))
    condition = str(params.get("staff_condition", "") or "")
    found = []
    for member in members:
        if params.get("match_language", True) and language not in member.languages:
            continue
        if skill and member.skills.get(str(skill), 0) < min_level:
            continue
        if condition and not truthy(evaluate(compile_rule(condition), staff_env(member))):
            continue
        found.append(member)
    return found


class _Balancer:
    """Least loaded first (load / capacity, then agent id), only members with room."""

    def __init__(self, loads: Counter[int], members: dict[int, StaffMember]) -> None:
        self.loads, self.members = loads, members
        self.heaps: dict[tuple[Any, ...], list[tuple[float, int, int]]] = {}

    def _key(self, agent_id: int) -> tuple[float, int, int]:
        return self.loads[agent_id] / self.members[agent_id].capacity, agent_id, self.loads[agent_id]

    def take(self, group: tuple[Any, ...], candidates: list[StaffMember]) -> int | None:
        heap = self.heaps.get(group)
        if heap is None:
            heap = [self._key(m.agent_id) for m in candidates if m.capacity > 0]
            heapq.heapify(heap)
            self.heaps[group] = heap
        while heap:
            _, agent_id, seen_load = heapq.heappop(heap)
            if seen_load != self.loads[agent_id]:
                heapq.heappush(heap, self._key(agent_id))
                continue
            if self.loads[agent_id] >= self.members[agent_id].capacity:
                continue
            self.loads[agent_id] += 1
            heapq.heappush(heap, self._key(agent_id))
            return agent_id
        return None


def _current(session: Session, role_code: str, ids: list[int]) -> dict[int, Current]:
    query = select(InvestorAssignment.investor_id, InvestorAssignment.agent_id, InvestorAssignment.pinned).where(
        InvestorAssignment.role_code == role_code
    )
    wanted = set(ids)
    rows = rows_among(session, query, InvestorAssignment.investor_id, ids)
    return {r.investor_id: Current(r.agent_id, r.pinned) for r in rows if r.investor_id in wanted}


def over_capacity(session: Session, role_code: str, members: list[StaffMember]) -> list[int]:
    """Investors to release because their staff member now has more than their capacity (newest first)."""
    counts = staff_loads.loads(session, role_code)
    released: list[int] = []
    for member in members:
        excess = counts[member.agent_id] - member.capacity
        if excess > 0:
            released += session.scalars(
                select(InvestorAssignment.investor_id)
                .where(InvestorAssignment.agent_id == member.agent_id, InvestorAssignment.role_code == role_code,
                       InvestorAssignment.pinned.is_(False))
                .order_by(InvestorAssignment.assigned_at.desc(), InvestorAssignment.investor_id.desc())
                .limit(excess)
            ).all()
    return released


def assign(session: Session, context: pd.DataFrame, *, cause: str, now: datetime | None = None) -> int:
    """Re-match the investors of `context` (investor.* columns) with staff; returns changes made."""
    now = now or utcnow()
    rules = active_rules(session, "assignment")
    chosen = first_rule(context, rules)
    changes = 0
    for role_code in sorted({str((r.params or {}).get("role", "service_commissioner")) for r in rules}):
        changes += _assign_role(session, context, rules, chosen, role_code, cause, now)
    return changes


def _assign_role(
    session: Session, context: pd.DataFrame, rules: list[MatchingRule], chosen: np.ndarray, role_code: str,
    cause: str, now: datetime,
) -> int:
    members = pool(session, role_code, now.date())
    by_id = {m.agent_id: m for m in members}
    ids = [int(i) for i in context.index]
    current = _current(session, role_code, ids)
    forced = set(over_capacity(session, role_code, members))
    counts = staff_loads.loads(session, role_code)
    for investor_id in forced & set(current):
        counts[current[investor_id].agent_id] -= 1  # released first: the others then fit the capacity
    languages = context.get("investor.language", pd.Series(None, index=context.index)).tolist()
    balancer = _Balancer(counts, by_id)
    outcome: dict[int, int | None] = {}
    pending: list[tuple[int, tuple[Any, ...], list[StaffMember]]] = []
    groups: dict[tuple[int, Any], tuple[list[StaffMember], set[int]]] = {}  # (rule, language) -> eligible
    for position, investor_id in enumerate(ids):
        index = int(chosen[position])
        rule = rules[index] if index >= 0 else None
        if rule is None or str((rule.params or {}).get("role", "service_commissioner")) != role_code:
            candidates: list[StaffMember] = []
            candidate_ids: set[int] = set()
        else:
            key = (index, languages[position])
            if key not in groups:
                found = eligible(rule, members, languages[position])
                groups[key] = (found, {m.agent_id for m in found})
            candidates, candidate_ids = groups[key]
        have = current.get(investor_id)
        if have is not None and investor_id not in forced and _keeps(have, candidate_ids, by_id, counts):
            continue
        if have is not None and investor_id not in forced:
            counts[have.agent_id] -= 1
        outcome[investor_id] = None
        if candidates:
            pending.append((investor_id, (rule.code if rule else "", languages[position]), candidates))
    for investor_id, group, candidates in pending:
        outcome[investor_id] = balancer.take(group, candidates)
    return _store(session, role_code, current, outcome, by_id, cause, now)


def _keeps(have: Current, candidate_ids: set[int], by_id: dict[int, StaffMember], loads: Counter[int]) -> bool:
    if have.agent_id not in by_id:
        return False
    if have.pinned:
        return True
    return have.agent_id in candidate_ids and loads[have.agent_id] <= by_id[have.agent_id].capacity


def _store(
    session: Session, role_code: str, current: dict[int, Current], outcome: dict[int, int | None],
    by_id: dict[int, StaffMember], cause: str, now: datetime,
) -> int:
    changed = [i for i, agent in outcome.items() if (current[i].agent_id if i in current else None) != agent]
    stale = [i for i in changed if i in current]
    for start in range(0, len(stale), 500):
        session.execute(delete(InvestorAssignment).where(
            InvestorAssignment.role_code == role_code, InvestorAssignment.investor_id.in_(stale[start:start + 500])
        ))
    rows = [{"investor_id": i, "role_code": role_code, "agent_id": outcome[i], "pinned": False,
             "rule_code": "rules", "assigned_by": "rules", "assigned_at": now}
            for i in changed if outcome[i] is not None]
    for start in range(0, len(rows), 20_000):
        session.execute(insert(InvestorAssignment), rows[start:start + 20_000])
    deltas: Counter[int] = Counter()
    for i in changed:
        if i in current:
            deltas[current[i].agent_id] -= 1
        if outcome[i] is not None:
            deltas[outcome[i]] += 1  # type: ignore[index]
    staff_loads.apply_deltas(session, role_code, deltas)
    log = [{"investor_id": i, "kind": "assignment", "target": role_code,
            "old_outcome": _job(by_id, current[i].agent_id), "new_outcome": _job(by_id, outcome[i]),
            "cause": cause[:200], "at": now}
           for i in changed if i in current]
    for start in range(0, len(log), 20_000):
        session.execute(insert(MatchChange), log[start:start + 20_000])
    return len(changed)


def _job(by_id: dict[int, StaffMember], agent_id: int | None) -> str | None:
    if agent_id is None:
        return None
    member = by_id.get(agent_id)
    return member.job_number if member else f"agent {agent_id}"
