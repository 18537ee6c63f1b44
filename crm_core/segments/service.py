"""The tree as data: load it, change it (add, move, re-rule, remove), and store where investors sit.

Each change returns the codes of the nodes whose investors must be classified again: a node's rule only
decides among the investors that reached its parent, so only those can move.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from crm_core.attributes.definitions import current_definitions
from crm_core.expr import compile_rule
from crm_core.idsets import rows_among
from crm_core.models import MatchChange, Segment, SegmentMembership
from crm_core.models.base import utcnow
from crm_core.segments.paths import current_path_rows
from crm_core.segments.tree import Tree, TreeError

DEFAULT_TREE: list[tuple[str, str, str | None, str]] = [
    ("all", "All investors", None, "true"),
    ("professional", "Professional investors", "all", "investor_class == 'professional'"),
    ("professional_hnw", "Professional, high net worth", "professional", "high_net_worth"),
    ("professional_other", "Professional, other", "professional", "true"),
    ("vip", "VIP retail", "all", "vip"),
    ("retail", "Retail", "all", "true"),
    ("retail_active", "Retail active traders", "retail", "active_trader"),
    ("retail_aggressive", "Retail aggressive (C4-C5)", "retail", "risk_class >= C4"),
    ("retail_senior", "Retail seniors", "retail", "age_band == '65+'"),
    ("retail_mass", "Retail mass", "retail", "true"),
]


def seed_tree(session: Session) -> int:
    if session.scalar(select(func.count()).select_from(Segment)):
        return 0
    ids: dict[str, int] = {}
    for position, (code, name, parent, rule) in enumerate(DEFAULT_TREE):
        segment = Segment(code=code, name=name, parent_id=ids.get(parent or ""), rule=rule, position=position)
        session.add(segment)
        session.flush()
        ids[code] = segment.id
    return len(DEFAULT_TREE)


def load_tree(session: Session) -> Tree:
    segments = session.scalars(select(Segment).where(Segment.active)).all()
    codes = {segment.id: segment.code for segment in segments}
    return Tree.build([
        (s.code, codes.get(s.parent_id) if s.parent_id else None, s.rule, s.position) for s in segments
    ])


def _segment(session: Session, code: str) -> Segment:
    segment = session.scalars(select(Segment).where(Segment.code == code, Segment.active)).one_or_none()
    if segment is None:
        raise TreeError(f"no segment {code!r}")
    return segment


def _check(session: Session, rule: str) -> None:
    compile_rule(rule, known={d.key for d in current_definitions(session)})


def add_segment(
    session: Session, code: str, name: str, parent: str, rule: str, position: int = 0
) -> set[str]:
    _check(session, rule)
    parent_segment = _segment(session, parent)
    session.add(Segment(code=code, name=name, parent_id=parent_segment.id, rule=rule, position=position))
    session.flush()
    load_tree(session)
    return {parent}


def change_rule(session: Session, code: str, rule: str) -> set[str]:
    _check(session, rule)
    segment = _segment(session, code)
    segment.rule, segment.version, segment.updated_at = rule, segment.version + 1, utcnow()
    session.flush()
    return {_parent_code(session, segment)}


def move_segment(session: Session, code: str, new_parent: str, position: int = 0) -> set[str]:
    segment = _segment(session, code)
    old_parent = _parent_code(session, segment)
    segment.parent_id, segment.position = _segment(session, new_parent).id, position
    segment.version, segment.updated_at = segment.version + 1, utcnow()
    session.flush()
    load_tree(session)  # raises on a cycle (moved under its own descendant); caller rolls back
    return {old_parent, new_parent}


def remove_segment(session: Session, code: str) -> set[str]:
    """Deactivate a node and its subtree; its investors fall back to its parent's other children."""
    tree = load_tree(session)
    if tree.nodes[code].parent is None:
        raise TreeError("the root cannot be removed")
    parent = tree.nodes[code].parent
    for member in tree.subtree_codes(code):
        segment = _segment(session, member)
        segment.active, segment.updated_at = False, utcnow()
    session.flush()
    return {parent} if parent else set()


def _parent_code(session: Session, segment: Segment) -> str:
    if segment.parent_id is None:
        return segment.code
    parent = session.get(Segment, segment.parent_id)
    assert parent is not None
    return parent.code


def touched_investors(session: Session, codes: set[str]) -> list[int]:
    """Investors whose current path passes through any of these nodes (codes are unique)."""
    if not codes:
        return []
    column = SegmentMembership.path
    clauses = [
        or_(column == c, column.like(f"{c}/%"), column.like(f"%/{c}"), column.like(f"%/{c}/%")) for c in codes
    ]
    query = select(SegmentMembership.investor_id).where(SegmentMembership.valid_to.is_(None), or_(*clauses))
    return sorted(set(session.scalars(query)))


def current_paths(session: Session, ids: list[int] | None = None) -> pd.Series:
    """The current paths (crm_core.segments.paths) as a Series by investor id; NaN where not classified."""
    series = pd.Series(current_path_rows(session, ids), dtype=object)
    return series if ids is None else series.reindex(ids)


def write_paths(session: Session, paths: pd.Series, *, cause: str, now: datetime | None = None) -> int:
    """Store new paths; close the old membership and log the move. Returns how many moved."""
    now = now or utcnow()
    ids = [int(i) for i in paths.index]
    old_rows = rows_among(
        session,
        select(SegmentMembership.id, SegmentMembership.investor_id, SegmentMembership.path)
        .where(SegmentMembership.valid_to.is_(None)),
        SegmentMembership.investor_id, ids,
    )
    wanted = set(ids)
    old = {row.investor_id: (row.id, row.path) for row in old_rows if row.investor_id in wanted}
    close: list[int] = []
    rows: list[dict[str, Any]] = []
    log: list[dict[str, Any]] = []
    for investor_id, path in zip(ids, paths.tolist(), strict=True):
        old_id, old_path = old.get(investor_id, (None, None))
        if path == old_path:
            continue
        rows.append({"investor_id": investor_id, "segment_code": path.rsplit("/", 1)[-1], "path": path,
                     "cause": cause[:200], "valid_from": now, "valid_to": None})
        if old_id is not None:
            close.append(old_id)
            log.append({"investor_id": investor_id, "kind": "segment", "target": "path",
                        "old_outcome": old_path, "new_outcome": path, "cause": cause[:200], "at": now})
    for start in range(0, len(close), 500):
        session.execute(update(SegmentMembership).where(SegmentMembership.id.in_(close[start : start + 500]))
                        .values(valid_to=now))
    for batch in (rows, log):
        model = SegmentMembership if batch is rows else MatchChange
        for start in range(0, len(batch), 20_000):
            session.execute(insert(model), batch[start : start + 20_000])
    return len(rows)
