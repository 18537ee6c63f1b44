"""Exactly once: a row whose `request_id` column is unique is claimed in a savepoint.

The first insert of a request id wins; a concurrent or later duplicate hits the unique constraint (on
PostgreSQL it waits for the first transaction to commit), the savepoint is rolled back, and the caller
reads the winner's row and returns its original outcome.

A request id is one account's: a repeat that names another account is refused (`RequestIdTaken`), never
answered with the first account's outcome.

The claimed row belongs to the caller's transaction: it is committed with the rest of the work (the freeze,
the ledger, the audit row, the call it came from) or not at all. A service killed in between leaves no row,
so the recovered call's retry of the same request id does the whole work, never half of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

Row = TypeVar("Row")


class FromACall(Protocol):
    call_id: str | None


class RequestIdTaken(ValueError):
    """The request id was already used for another account's request."""

    def __init__(self, request_id: str) -> None:
        super().__init__(f"request id {request_id!r} belongs to another account's request")
        self.request_id = request_id


def find(session: Session, model: type[Row], request_id: str, account_id: int | None = None) -> Row | None:
    """The row claimed for `request_id`, if any; with `account_id`, a row of another account raises."""
    column: Any = model.request_id  # type: ignore[attr-defined]
    row = session.scalars(select(model).where(column == request_id)).one_or_none()
    if row is not None and account_id is not None and row.account_id != account_id:  # type: ignore[attr-defined]
        raise RequestIdTaken(request_id)
    return row


def claim(session: Session, row: object) -> bool:
    """Insert `row`; False when its request id is already taken (the row is then discarded)."""
    try:
        with savepoint(session):
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A savepoint inside the session's transaction (begun first, see _open_transaction): an error in it (a
    request id's unique constraint) undoes only the writes made in it."""
    _open_transaction(session)
    with session.begin_nested():
        yield


def keep_call(row: FromACall, call_id: str | None) -> None:
    """A repeat of a request id never unlinks or relinks its row's call; it only gives a row without one its call."""
    if row.call_id is None and call_id:
        row.call_id = call_id


def _open_transaction(session: Session) -> None:
    """Make sure the database transaction has begun, so that the savepoint is nested inside it.

    Python's sqlite3 (legacy transaction control) begins a transaction only before an INSERT, UPDATE or
    DELETE. A SAVEPOINT issued before any of them (the session has only read so far) opens a transaction
    of its own, and releasing it commits: the claimed row would be committed at once, alone, before the
    work it stands for. A service killed then left an order that was never submitted, without its call.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if not getattr(dbapi_connection, "in_transaction", True):
        connection.exec_driver_sql("BEGIN")
