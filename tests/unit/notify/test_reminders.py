"""Client reminders and price alerts on real databases: a reminder is queued when due and never before, once
whatever the repeats; the outbox's quiet hours hold for one due at night by SMS; price alerts above and below
fire when the market reaches the price, not before, and only once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ari_apps.ivr.trading.matching import _reminders_round
from crm_core.db import Database
from crm_core.models import ClientReminder, Investor, InvestorDetail, InvestorPhone, Notification, PriceAlert
from crm_core.notifications.price_alerts import add_alert, check_price_alerts, crossed, parse_price
from crm_core.notifications.reminders import (
    ReminderRejected,
    add_reminder,
    due_on,
    parse_local,
    queue_due_reminders,
)
from crm_core.notifications.rules import NotifyPolicy, Status
from crm_core.notifications.templates import render
from crm_core.seed import seed_reference_data
from crm_core.trading import BuiltinBroker, FixedFeed

POLICY = NotifyPolicy()
SHANGHAI_0930 = datetime(2026, 12, 10, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
SHANGHAI_2300 = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
BEFORE = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def client(db: Database, language: str = "zh") -> int:
    with db.session() as session:
        seed_reference_data(session)
        investor = Investor(account_number="100000001", name="王芳", language=language, risk_class="C3")
        session.add(investor)
        session.flush()
        session.add(InvestorPhone(investor_id=investor.id, number="13800000001"))
        session.add(InvestorDetail(investor_id=investor.id, email="wang@example.com"))
        return investor.id


def reminder(db: Database, investor_id: int, due_at: datetime = SHANGHAI_0930, **kw: str) -> int:
    with db.session() as session:
        return add_reminder(session, investor_id, due_at=due_at, text="申购新股 732001", now=BEFORE, **kw).id


def queue(db: Database, now: datetime) -> int:
    with db.session() as session:
        return queue_due_reminders(session, now, POLICY)


def notifications(db: Database) -> list[Notification]:
    with db.session() as session:
        rows = list(session.scalars(select(Notification).order_by(Notification.id)))
        session.expunge_all()
        return rows


def test_the_clients_local_time_is_stored_in_utc() -> None:
    assert parse_local("2026-12-10 09:30", "Asia/Shanghai") == SHANGHAI_0930
    with pytest.raises(ReminderRejected, match="is not a time"):
        parse_local("tomorrow", "Asia/Shanghai")


def test_a_reminder_for_a_day_is_due_that_morning_in_the_clients_time_zone() -> None:
    assert due_on(date(2026, 12, 10), BEFORE, "Asia/Shanghai") == datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
    assert due_on(date(2026, 12, 10), BEFORE, "Europe/London") == datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    # on the day itself after that hour: a minute from now, never a time already past
    assert due_on(date(2026, 12, 10), SHANGHAI_0930, "Asia/Shanghai") == SHANGHAI_0930 + timedelta(minutes=1)
    # 2026-12-01 02:00 UTC is already the 1st in Shanghai, but still 30 November in New York
    assert due_on(date(2026, 11, 30), BEFORE, "America/New_York") == BEFORE + timedelta(minutes=1)
    with pytest.raises(ReminderRejected, match="2026-11-30 is in the past"):
        due_on(date(2026, 11, 30), BEFORE, "Asia/Shanghai")


def test_a_reminder_is_not_queued_before_it_is_due(database: Database) -> None:
    reminder(database, client(database))
    assert queue(database, SHANGHAI_0930 - timedelta(seconds=1)) == 0
    assert notifications(database) == []


def test_a_due_reminder_is_queued_once_whatever_the_repeats(database: Database) -> None:
    investor = client(database)
    reminder_id = reminder(database, investor, kind="subscription", code="732001", channel="email")
    assert queue(database, SHANGHAI_0930) == 1
    assert queue(database, SHANGHAI_0930 + timedelta(seconds=5)) == 0
    assert queue(database, SHANGHAI_0930 + timedelta(hours=1)) == 0
    [sent] = notifications(database)
    assert (sent.key, sent.purpose, sent.template, sent.channel, sent.address, sent.status) == (
        f"reminder:{reminder_id}", "reminder", "reminder", "email", "wang@example.com", Status.QUEUED)
    assert sent.data == {"kind": "subscription", "text": "申购新股 732001", "code": "732001",
                         "due_local": "2026-12-10 09:30"}
    with database.session() as session:
        row = session.get(ClientReminder, reminder_id)
        assert row is not None and row.queued_at == SHANGHAI_0930 and row.notification_id == sent.id
    text = render(sent.template, sent.language, {"name": "王芳", **sent.data})
    assert text.sms == "【热线】新股申购提醒732001 2026-12-10 09:30：申购新股 732001"


def test_a_reminder_due_at_23_by_sms_waits_for_the_end_of_the_quiet_hours(database: Database) -> None:
    reminder(database, client(database), due_at=SHANGHAI_2300, channel="sms")
    assert queue(database, SHANGHAI_2300) == 1
    [sent] = notifications(database)
    assert (sent.channel, sent.address) == ("sms", "13800000001")
    assert sent.due_at == datetime(2026, 12, 11, 0, 0, tzinfo=UTC)  # 08:00 the next morning in Shanghai


def test_a_reminder_in_the_past_or_without_text_is_refused(database: Database) -> None:
    investor = client(database)
    with pytest.raises(ReminderRejected, match="in the past"):
        reminder(database, investor, due_at=BEFORE - timedelta(minutes=1))
    with database.session() as session, pytest.raises(ReminderRejected, match="needs a text"):
        add_reminder(session, investor, due_at=SHANGHAI_0930, text="  ", now=BEFORE)
    with pytest.raises(ReminderRejected, match="unknown kind"):
        reminder(database, investor, kind="birthday")


# -- price alerts --------------------------------------------------------------------------------------------

def feed_at(feed: FixedFeed, code: str, last_cents: int) -> None:
    feed.set(code, bid_cents=last_cents, ask_cents=last_cents)


def alert(db: Database, investor_id: int, feed: FixedFeed, direction: str, price: str, code: str = "600519") -> int:
    with db.session() as session:
        return add_alert(session, investor_id, code=code, direction=direction, price_cents=parse_price(price),
                         now=BEFORE, market=feed, channel="email").id


def check(db: Database, feed: FixedFeed, now: datetime = SHANGHAI_0930) -> int:
    with db.session() as session:
        return check_price_alerts(session, feed, now, POLICY)


def stored(db: Database, alert_id: int) -> PriceAlert:
    with db.session() as session:
        row = session.get(PriceAlert, alert_id)
        assert row is not None
        session.expunge(row)
        return row


def test_crossing_is_at_or_beyond_the_price() -> None:
    assert crossed("above", 180000, 180000) and crossed("above", 180000, 180001)
    assert not crossed("above", 180000, 179999)
    assert crossed("below", 150000, 150000) and crossed("below", 150000, 149999)
    assert not crossed("below", 150000, 150001)


def test_prices_are_read_as_yuan_with_two_decimals() -> None:
    assert parse_price("1,800.00") == 180000 and parse_price("38.6") == 3860
    for bad in ("abc", "0", "-5", "1.234", "nan", "inf"):
        with pytest.raises(ReminderRejected):
            parse_price(bad)


def test_an_alert_above_fires_once_when_the_price_reaches_it_and_not_before(database: Database) -> None:
    investor, feed = client(database, language="en"), FixedFeed()
    alert_id = alert(database, investor, feed, "above", "1,800.00")
    feed_at(feed, "600519", 179999)
    assert check(database, feed) == 0 and notifications(database) == []
    assert stored(database, alert_id).triggered_at is None

    feed_at(feed, "600519", 180012)
    later = SHANGHAI_0930 + timedelta(minutes=3)
    assert check(database, feed, later) == 1
    assert check(database, feed, later + timedelta(seconds=5)) == 0  # still above: one shot
    feed_at(feed, "600519", 179000)
    feed_at(feed, "600519", 181000)
    assert check(database, feed, later + timedelta(minutes=5)) == 0  # crosses again: still one shot
    [sent] = notifications(database)
    assert (sent.key, sent.purpose, sent.channel) == (f"price_alert:{alert_id}", "price_alert", "email")
    row = stored(database, alert_id)
    assert (row.triggered_at, row.triggered_price_cents, row.notification_id) == (later, 180012, sent.id)
    text = render(sent.template, sent.language, {"name": "Wang Fang", **sent.data})
    assert text.sms == ("[Hotline] Price alert: 600519 Kweichow Moutai at 1,800.12 (above 1,800.00), "
                        "2026-12-10 09:33.")


def test_an_alert_below_fires_when_the_price_falls_to_it(database: Database) -> None:
    investor, feed = client(database), FixedFeed()
    below = alert(database, investor, feed, "below", "36.00", code="600036")
    above = alert(database, investor, feed, "above", "40.00", code="600036")
    feed_at(feed, "600036", 3601)
    assert check(database, feed) == 0
    feed_at(feed, "600036", 3600)
    assert check(database, feed) == 1
    assert stored(database, below).triggered_price_cents == 3600
    assert stored(database, above).triggered_at is None  # the other alert on the code waits on
    [sent] = notifications(database)
    assert sent.key == f"price_alert:{below}" and "下跌至 36.00 元" in render(
        sent.template, sent.language, {"name": "王芳", **sent.data}).text


def test_an_alert_on_an_unknown_code_is_refused(database: Database) -> None:
    investor, feed = client(database), FixedFeed()
    with pytest.raises(ReminderRejected, match="unknown security code '999999'"):
        alert(database, investor, feed, "above", "10.00", code="999999")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(PriceAlert)) == 0


def test_the_services_round_queues_due_reminders_and_reached_alerts_through_the_broker(database: Database) -> None:
    investor, feed = client(database), FixedFeed()
    reminder_id = reminder(database, investor)
    alert_id = alert(database, investor, feed, "above", "1,800.00")
    feed_at(feed, "600519", 180500)
    services = SimpleNamespace(broker=BuiltinBroker(feed), clock=lambda: SHANGHAI_0930)  # what the round uses
    with database.session() as session:
        assert _reminders_round(session, services, POLICY) == 2  # type: ignore[arg-type]
    with database.session() as session:
        assert _reminders_round(session, services, POLICY) == 0  # type: ignore[arg-type]
    assert [n.key for n in notifications(database)] == [f"reminder:{reminder_id}", f"price_alert:{alert_id}"]


def test_a_request_repeated_sets_one_reminder_and_one_alert(database: Database) -> None:
    investor, feed = client(database), FixedFeed()
    first = reminder(database, investor, request_id="desk:c1:abc")
    assert reminder(database, investor, request_id="desk:c1:abc") == first
    assert reminder(database, investor) != reminder(database, investor)  # without a request id: what is asked
    with database.session() as session:
        alerts = [add_alert(session, investor, code="600519", direction="above", price_cents=180000, now=BEFORE,
                            market=feed, request_id="desk:c1:def").id for _ in range(2)]
        assert alerts[0] == alerts[1]
        assert session.scalar(select(func.count()).select_from(ClientReminder)) == 3
        assert session.scalar(select(func.count()).select_from(PriceAlert)) == 1
