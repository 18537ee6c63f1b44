"""Where investors sit in the tree now, read without pandas: a path is the codes from the root down,
'all/retail/retail_active'; its last code is the investor's segment, its second their branch."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.idsets import rows_among
from crm_core.models import SegmentMembership


def current_path_rows(session: Session, ids: list[int] | None = None) -> dict[int, str]:
    """investor id -> current path, for these investors (all when None); an investor not classified is absent."""
    query = select(SegmentMembership.investor_id, SegmentMembership.path).where(SegmentMembership.valid_to.is_(None))
    if ids is None:
        rows = session.connection().execute(query).fetchall()
    else:
        rows = rows_among(session, query, SegmentMembership.investor_id, ids)
    return {row.investor_id: row.path for row in rows}


def segment_of(path: object) -> str | None:
    """The deepest node's code; None when not classified."""
    return path.rsplit("/", 1)[-1] if isinstance(path, str) else None


def branch_of(path: object) -> str | None:
    """The code under the root; None when not classified or at the root."""
    return path.split("/")[1] if isinstance(path, str) and "/" in path else None
