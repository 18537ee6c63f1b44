"""Engine and session factory: SQLite by default, PostgreSQL through the URL."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_SECONDS = 30
# A PostgreSQL server that accepts the connection and then says nothing (a hung host, a full backlog behind
# a proxy) would keep a new connection waiting for as long as TCP lets it: minutes, a caller in silence.
POSTGRES_CONNECT_SECONDS = 5


logger = logging.getLogger(__name__)
T = TypeVar("T")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with the pragmas each backend needs for concurrent use by several processes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={
            "timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False,
            "factory": _connection_in_line(_write_lock_of(url))})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", _wait_to_write)
        return engine
    connect_args = {"connect_timeout": POSTGRES_CONNECT_SECONDS} if url.startswith("postgresql") else {}
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         connect_args=connect_args)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


# SQLite lets one connection write at a time. A connection that finds the file locked waits in SQLite's
# busy handler, which sleeps and retries (1, 2, 5, 10 ... 100 ms): under a burst of writers the lock is
# mostly free while they sleep, and the unlucky ones lose every retry. Twenty FastAGI calls opening their
# call records at once waited up to 0.7 s for the lock this way (bench/fastagi.py). So the writers of this
# process queue on a lock of their own, taken at a transaction's first write and released the moment
# SQLite's commit or rollback returns, and the next one is woken at once; the busy handler remains for
# writers in other processes.
_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")  # others (DDL, rare) wait in the busy handler


def _write_lock_of(url: str) -> threading.Lock:
    """One lock per database file, shared by every engine on it in this process."""
    with _write_locks_guard:
        return _write_locks.setdefault(url, threading.Lock())


def _connection_in_line(lock: threading.Lock) -> type[sqlite3.Connection]:
    class InLine(sqlite3.Connection):
        """A connection that holds `lock` from its transaction's first write until it ends."""

        holds_write_lock = False

        def wait_to_write(self) -> None:
            if self.holds_write_lock:
                return
            if not lock.acquire(timeout=SQLITE_BUSY_SECONDS):
                raise sqlite3.OperationalError("database is locked (a writer of this process held it too long)")
            self.holds_write_lock = True

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self._done_writing()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self._done_writing()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self._done_writing()

        def _done_writing(self) -> None:
            if self.holds_write_lock:
                self.holds_write_lock = False
                lock.release()

    return InLine


def _wait_to_write(_conn, cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
    if statement.lstrip()[:6].upper() in _WRITES:
        cursor.connection.wait_to_write()


class Database:
    """Owns the engine; hands out sessions that commit on success and roll back on error."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


class AsyncDatabase:
    """Database work from async code (the Stasis apps, the FastAGI server, the console): every call runs in one
    thread-pool executor, never on the loop."""

    def __init__(self, database: Database, executor: ThreadPoolExecutor) -> None:
        self.database = database
        self._executor = executor

    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`work(session, *args, **kwargs)` in one transaction, in the executor."""

        def in_session() -> T:
            with self.database.session() as session:
                return work(session, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._executor, in_session)

    async def record(self, work: Callable[[Session], Any] | Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """The same for bookkeeping that must not stop a call: a database error is logged, not raised."""
        try:
            await self.run(work, *args, **kwargs)
            return True
        except (SQLAlchemyError, LookupError) as exc:  # LookupError: a call that was never recorded
            logger.error("call record not written (%s): %s", getattr(work, "__name__", work), exc)
            return False
