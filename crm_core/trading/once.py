"""Exactly once: a row whose `request_id` column is unique is claimed in a savepoint.

The first insert of a request id wins; a concurrent or later duplicate hits the unique constraint (on
PostgreSQL it waits for the first transaction to commit), the savepoint is rolled back, and the caller
reads the winner's row and returns its original outcome.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def find(session: Session, model: type[Row], request_id: str) -> Row | None:
    column: Any = model.request_id  # type: ignore[attr-defined]
    return session.scalars(select(model).where(column == request_id)).one_or_none()


def claim(session: Session, row: object) -> bool:
    """Insert `row`; False when its request id is already taken (the row is then discarded)."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True
