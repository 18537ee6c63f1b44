"""The outbox on real databases: idempotent enqueue, channels planned from the CRM, quiet hours, claims,
failures that retry, fall back or give up, and a restart that never sends twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm_core.attributes.values import set_value
from crm_core.db import Database
from crm_core.models import (
    Investor,
    InvestorContact,
    InvestorDetail,
    InvestorPhone,
    Notification,
    NotificationReceipt,
)
from crm_core.notifications.outbox import (
    apply_early_receipts,
    claim,
    delivered,
    enqueue,
    events_of,
    failed,
    receipt,
    recover,
    retry,
    sent,
)
from crm_core.notifications.rules import NotifyPolicy, Status
from crm_core.seed import seed_reference_data

NOON = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
NIGHT = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
POLICY = NotifyPolicy(retry_delays=(10.0, 60.0), max_attempts={"email": 2, "sms": 2, "voice": 1, "fax": 1})
FILL = {"order_id": 7, "side": "buy", "quantity": 100, "security_code": "600036", "security_name": "招商银行",
        "price_cents": 3860, "amount_cents": 386000, "fee_cents": 500, "filled_at": "2026-11-25 10:01",
        "account": "100000001"}


def client(db: Database, *, email: str = "wang@example.com", mobile: str = "13800000001",
           preferred: str | None = None, language: str = "zh") -> int:
    with db.session() as session:
        seed_reference_data(session)
        investor = Investor(account_number="100000001", name="王芳", language=language, risk_class="C3")
        session.add(investor)
        session.flush()
        if mobile:
            session.add(InvestorPhone(investor_id=investor.id, number=mobile))
        session.add(InvestorDetail(investor_id=investor.id, email=email))
        if preferred:
            set_value(session, investor.id, "preferred_channel", preferred, now=NOON - timedelta(days=1))
        return investor.id


def fill_report(db: Database, investor_id: int, now: datetime = NOON, key: str = "fill:1", **kw: object) -> int:
    with db.session() as session:
        return enqueue(session, key=key, investor_id=investor_id, purpose="fill_report", template="fill_report",
                       data=FILL, now=now, policy=POLICY, **kw).id  # type: ignore[arg-type]


def row(db: Database, notification_id: int) -> Notification:
    with db.session() as session:
        found = session.get(Notification, notification_id)
        assert found is not None
        session.expunge(found)
        return found


def test_one_key_one_notification_whatever_the_retries(database: Database) -> None:
    investor = client(database)
    first = fill_report(database, investor)
    assert fill_report(database, investor) == first
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 1


def test_the_preferred_channel_goes_first_then_the_purposes_chain(database: Database) -> None:
    investor = client(database, preferred="email")
    n = row(database, fill_report(database, investor))
    assert (n.chain, n.channel, n.address, n.status) == (["email", "sms"], "email", "wang@example.com", "queued")


def test_a_client_with_no_contact_for_any_channel_is_given_up_with_the_reason(database: Database) -> None:
    investor = client(database, email="", mobile="")
    n = row(database, fill_report(database, investor))
    assert n.status == Status.GIVEN_UP and n.chain == [] and "no way to reach the client" in n.reason


def test_sms_waits_for_the_morning_and_email_does_not(database: Database) -> None:
    investor = client(database)
    sms = row(database, fill_report(database, investor, NIGHT, key="fill:night"))
    assert sms.channel == "sms" and sms.due_at == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 08:00 Shanghai
    email = row(database, fill_report(database, investor, NIGHT, key="fill:mail", channel="email"))
    assert email.channel == "email" and email.due_at == NIGHT
    with database.session() as session:
        assert [o.channel for o in claim(session, NIGHT, {"sms", "email"})] == ["email"]


def test_claimed_once_rendered_in_the_clients_language(database: Database) -> None:
    investor = client(database)
    notification_id = fill_report(database, investor)
    with database.session() as session:
        (outgoing,) = claim(session, NOON, {"sms"})
        assert claim(session, NOON, {"sms"}) == []
    assert outgoing.address == "13800000001" and outgoing.sms.startswith("【热线】委托7已成交")
    assert "招商银行" in outgoing.subject and "38.60" in outgoing.text
    with database.session() as session:
        sent(session, notification_id, NOON, provider_id="smsc-1")
        assert delivered(session, "sms", "smsc-1", NOON + timedelta(seconds=5))
        assert not delivered(session, "sms", "unknown-id", NOON)
    n = row(database, notification_id)
    assert (n.status, n.provider_id, n.attempts) == ("delivered", "smsc-1", 1)
    with database.session() as session:
        assert [e.status for e in events_of(session, notification_id)] == ["queued", "sending", "sent", "delivered"]


def test_a_receipt_before_the_sent_write_is_kept_and_applied(database: Database) -> None:
    investor = client(database)
    first, second = fill_report(database, investor), fill_report(database, investor, key="fill:2")
    with database.session() as session:
        claim(session, NOON, {"sms"})
        assert not receipt(session, "sms", "m-1", "DELIVRD", NOON, POLICY)  # before its id is known
        assert not receipt(session, "sms", "m-2", "UNDELIV", NOON, POLICY)
        sent(session, first, NOON, provider_id="m-1")
        sent(session, second, NOON, provider_id="m-2")
        assert apply_early_receipts(session, NOON, POLICY) == 2
    assert row(database, first).status == "delivered"
    n = row(database, second)
    assert (n.status, n.channel, n.reason) == ("retry", "email", "sms failed (receipt UNDELIV); falling back to email")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(NotificationReceipt)) == 0


def test_failures_retry_then_fall_back_then_give_up(database: Database) -> None:
    investor = client(database)
    notification_id = fill_report(database, investor)
    now = NOON
    with database.session() as session:
        claim(session, now, {"sms"})
        n = failed(session, notification_id, "SMSC refused the bind", now, POLICY)
        assert (n.status, n.channel, n.due_at) == ("retry", "sms", now + timedelta(seconds=10))
        assert claim(session, now, {"sms"}) == []  # not before its time
        now += timedelta(seconds=10)
        claim(session, now, {"sms"})
        n = failed(session, notification_id, "SMSC refused the bind", now, POLICY)
        assert (n.status, n.channel, n.address, n.attempts) == ("retry", "email", "wang@example.com", 0)
        (mail,) = claim(session, now, {"email"})
        n = failed(session, notification_id, "550 mailbox unavailable", now, POLICY, permanent=True)
        assert n.status == "given_up" and "no channel left" in n.reason


def test_a_restart_while_sending_never_sends_again_by_itself(database: Database) -> None:
    investor = client(database)
    notification_id = fill_report(database, investor)
    with database.session() as session:
        claim(session, NOON, {"sms"})
    with database.session() as session:  # the service was killed here; the next one starts
        assert recover(session, NOON) == 1
        assert claim(session, NOON + timedelta(hours=1), {"sms"}) == []
    assert row(database, notification_id).status == Status.UNKNOWN
    with database.session() as session:
        retry(session, notification_id, NOON, POLICY)
        assert [o.id for o in claim(session, NOON, {"sms"})] == [notification_id]


def test_contacts_in_the_crm_are_used_before_the_phone_numbers(database: Database) -> None:
    investor = client(database)
    with database.session() as session:
        session.add(InvestorContact(investor_id=investor, channel="sms", value="13900000009", preferred=True))
    n = row(database, fill_report(database, investor))
    assert n.address == "13900000009"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_never_claim_one_notification(database: Database) -> None:
    investor = client(database)
    for n in range(30):
        fill_report(database, investor, key=f"fill:{n}")
    taken: list[list[int]] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        with database.session() as session:
            barrier.wait()
            taken.append([o.id for o in claim(session, NOON, {"sms"}, limit=20)])

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(taken[0]) & set(taken[1]) and len(taken[0]) + len(taken[1]) == 30
