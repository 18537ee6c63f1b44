"""Staff loads (investors served per role), kept in step with every write to investor_assignments."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from crm_core.models import InvestorAssignment, StaffLoad


def loads(session: Session, role_code: str) -> Counter[int]:
    rows = session.execute(select(StaffLoad.agent_id, StaffLoad.investors).where(StaffLoad.role_code == role_code))
    return Counter({agent_id: count for agent_id, count in rows})


def apply_deltas(session: Session, role_code: str, deltas: Counter[int]) -> None:
    """Add the changes of load (positive or negative) with atomic increments."""
    changed = {agent: delta for agent, delta in deltas.items() if delta}
    if not changed:
        return
    present = set(session.scalars(select(StaffLoad.agent_id).where(
        StaffLoad.role_code == role_code, StaffLoad.agent_id.in_(list(changed)))))
    missing = [{"agent_id": a, "role_code": role_code, "investors": 0} for a in changed if a not in present]
    if missing:
        session.execute(insert(StaffLoad), missing)
    for agent_id, delta in changed.items():
        session.execute(update(StaffLoad).where(StaffLoad.agent_id == agent_id, StaffLoad.role_code == role_code)
                        .values(investors=StaffLoad.investors + delta))


def recount(session: Session) -> None:
    """Rebuild every load from investor_assignments (full recompute does this first)."""
    session.execute(delete(StaffLoad))
    rows = session.execute(select(InvestorAssignment.agent_id, InvestorAssignment.role_code, func.count())
                           .group_by(InvestorAssignment.agent_id, InvestorAssignment.role_code)).all()
    if rows:
        session.execute(insert(StaffLoad), [{"agent_id": a, "role_code": r, "investors": n} for a, r, n in rows])
