"""SQLite's one write lock: this process's writers wait in line for it, instead of polling it in SQLite's
busy handler (the cause of the FastAGI burst's two-second tail, bench/fastagi.py). Shown with the busy
handler turned off: a second writer then fails at once with "database is locked" unless it waited in line."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text

from crm_core.db import Database
from crm_core.migrate import upgrade
from crm_core.models import Investor


@pytest.fixture
def impatient(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database whose connections never wait in SQLite's busy handler."""
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    upgrade(url)
    db = Database(url)
    event.listen(db.engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=0"))
    yield db
    db.dispose()


def add(db: Database, account: str) -> None:
    with db.session() as session:
        session.add(Investor(account_number=account, name=account, investor_class="ordinary", language="zh"))


def test_a_second_writer_waits_for_the_first_to_commit(impatient: Database) -> None:
    first_wrote, second_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        first_wrote.wait(10)
        try:
            add(impatient, "200000002")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with impatient.session() as session:
        session.add(Investor(account_number="200000001", name="first", investor_class="ordinary", language="zh"))
        session.flush()  # the first holds SQLite's write lock from here to its commit
        first_wrote.set()
        assert not second_done.wait(0.3), "the second writer did not wait for the first"
    thread.join(10)
    assert errors == [] and second_done.is_set()
    with impatient.session() as session:
        assert session.scalar(text("SELECT count(*) FROM investors")) == 2


def test_readers_do_not_wait_for_a_writer(impatient: Database) -> None:
    add(impatient, "200000001")
    with impatient.session() as writer:
        writer.add(Investor(account_number="200000002", name="open", investor_class="ordinary", language="zh"))
        writer.flush()
        with impatient.session() as reader:  # same thread: would wait for ever if reads queued too
            assert reader.scalar(text("SELECT count(*) FROM investors")) == 1


def test_a_rolled_back_writer_lets_the_next_one_in(impatient: Database) -> None:
    with pytest.raises(RuntimeError), impatient.session() as session:
        session.add(Investor(account_number="200000001", name="gone", investor_class="ordinary", language="zh"))
        session.flush()
        raise RuntimeError("the transaction fails after writing")
    done = threading.Event()
    thread = threading.Thread(target=lambda: (add(impatient, "200000002"), done.set()))
    thread.start()
    thread.join(10)
    assert done.is_set(), "the rolled-back writer kept the write lock"
    with impatient.session() as session:
        assert session.scalar(text("SELECT account_number FROM investors")) == "200000002"
