"""The PostgreSQL databases tests get (tests/support/postgres.py): one given back is emptied for the next test,
as if it were a new copy of the template, unless its test changed its schema."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from crm_core.db import Database
from crm_core.models import Investor
from tests.support.postgres import ThrowawayPostgres

NUMBERS = itertools.count(1)


def rows_and_next_id(url: str) -> tuple[int, int]:
    db = Database(url)
    try:
        with db.session() as session:
            investor = Investor(account_number=f"10000000{next(NUMBERS)}", name="王芳", language="zh",
                                risk_class="C3")
            session.add(investor)
            session.flush()
            return session.scalar(select(func.count(Investor.id))) or 0, investor.id
    finally:
        db.dispose()


def test_a_database_given_back_comes_back_empty_with_its_ids_restarted(postgres_cluster: ThrowawayPostgres) -> None:
    url = postgres_cluster.empty_database()
    assert rows_and_next_id(url) == (1, 1)
    assert rows_and_next_id(url) == (2, 2)
    held = Database(url)  # a connection its test left open (a killed service's): it is ended, not waited for
    connection = held.engine.connect()
    connection.execute(text("SELECT 1"))
    postgres_cluster.give_back(url)
    again = postgres_cluster.empty_database()
    with pytest.raises(OperationalError):
        connection.execute(text("SELECT 1"))
    connection.invalidate()
    held.dispose()
    assert again == url and rows_and_next_id(again) == (1, 1)
    postgres_cluster.give_back(again)


def test_a_database_whose_schema_changed_is_replaced(postgres_cluster: ThrowawayPostgres) -> None:
    url = postgres_cluster.empty_database()
    db = Database(url)
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE left_behind (x integer)"))
    db.dispose()
    postgres_cluster.give_back(url)
    replacement = postgres_cluster.empty_database()
    assert replacement != url
    db = Database(replacement)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT to_regclass('left_behind')")).scalar() is None
        assert connection.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                                  {"n": url.rsplit("/", 1)[1]}).scalar() == 0
    db.dispose()
    postgres_cluster.give_back(replacement)
