"""A date reminder set by phone (ari_apps/ivr/reminder.py) goes through crm_core's reminder service: once per call,
day and kind whatever the repeats (a key pressed twice, a retried request), due that morning in the client's time
zone, by their preferred channel, with a text in the caller's language."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from ari_apps.ivr import reminder
from crm_core import calls
from crm_core.models import ClientReminder
from crm_core.models.base import utcnow
from crm_core.notifications.reminders import Kind
from tests.unit.ari.test_trading_recovery import trading_desk
from tests.unit.trading.conftest import Desk

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=1)
    yield pool
    pool.shutdown()


def test_a_reminder_confirmed_twice_on_one_call_is_set_once_due_that_morning(
        desk: Desk, executor: ThreadPoolExecutor) -> None:
    with desk.db.session() as session:
        call_id = calls.open_call(session, channel_id="trunk-1", caller_number="13800000001",
                                  dialed_number="95500").id
    phone = trading_desk(desk, executor, call_id)
    day = utcnow().astimezone(SHANGHAI).date() + timedelta(days=30)
    with desk.db.session() as session:
        first = reminder._set(session, phone, day, Kind.SUBSCRIPTION)
    with desk.db.session() as session:
        assert reminder._set(session, phone, day, Kind.SUBSCRIPTION) == first
        other = reminder._set(session, phone, day, Kind.MATURITY)
    assert other != first  # another kind on the same day is another reminder
    with desk.db.session() as session:
        rows = {row.id: row for row in session.scalars(select(ClientReminder))}
    assert set(rows) == {first, other}
    row = rows[first]
    assert (row.investor_id, row.kind, row.channel, row.text) == (
        desk.investor_id, "subscription", "preferred", reminder.TEXTS["zh"])
    assert row.due_at == datetime.combine(day, time(9, 0), SHANGHAI)
    assert row.request_id == f"ivr:{call_id}:reminder:{day:%Y%m%d}:subscription"
