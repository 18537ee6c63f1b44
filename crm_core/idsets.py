"""Reading the rows of a set of investors: a dense chunk of ids is one range scan, a sparse set is
read in IN-batches (bound-parameter limits), so a few hundred scattered ids never scan a million rows.

Callers of a range must drop the rows of ids outside their set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, false
from sqlalchemy.orm import Session

BATCH = 500


def id_clauses(column: Any, ids: Sequence[int]) -> list[ColumnElement[bool]]:
    ordered = sorted(set(ids))
    if not ordered:
        return [false()]
    low, high = ordered[0], ordered[-1]
    if len(ordered) > BATCH and len(ordered) * 2 >= high - low + 1:
        return [column.between(low, high)]
    return [column.in_(ordered[start : start + BATCH]) for start in range(0, len(ordered), BATCH)]


def rows_among(session: Session, query: Any, column: Any, ids: Sequence[int]) -> list[Any]:
    """All rows of `query` for these ids (plus, for a dense range, the ids between them)."""
    connection = session.connection()
    rows: list[Any] = []
    for clause in id_clauses(column, ids):
        rows.extend(connection.execute(query.where(clause)).fetchall())
    return rows
