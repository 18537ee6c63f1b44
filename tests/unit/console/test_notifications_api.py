"""The desk's side of the outbox: the caller's notifications in the screen-pop, a reply queued from the desk
(once per content, whatever double clicks), and the supervisors' notification health per channel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from crm_core import audit, calls
from crm_core.db import Database
from crm_core.models import Notification
from crm_core.models.base import utcnow
from crm_core.notifications.outbox import enqueue, failed
from crm_core.notifications.rules import NotifyPolicy
from tests.unit.console.conftest import Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony

POLICY = NotifyPolicy()


def test_the_screen_pop_lists_the_clients_notifications_newest_first(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    now = utcnow()
    with database.session() as session:
        old = enqueue(session, key="t:1", investor_id=customer.investor_id, purpose="reply", template="message",
                      data={"subject": "s", "body": "b"}, now=now - timedelta(hours=1), policy=POLICY,
                      channel="sms")
        session.flush()
        failed(session, old.id, "smsc refused", now, POLICY, permanent=True)
        enqueue(session, key="t:2", investor_id=customer.investor_id, purpose="reply", template="message",
                data={"subject": "s2", "body": "b2"}, now=now, policy=POLICY, channel="voice")

    async def scenario() -> dict[str, Any]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            response = await client.get(f"/api/calls/{customer.call_id}/screen-pop")
            assert response.status == 200
            return await response.json()

    notes = run(scenario)["notifications"]
    assert [(n["purpose"], n["channel"], n["status"]) for n in notes] == [("reply", "voice", "queued"),
                                                                          ("reply", "sms", "given_up")]
    assert "smsc refused" in notes[1]["reason"]
    assert notes[0]["created_at"] > notes[1]["created_at"]


def test_a_reply_is_queued_once_on_a_double_click_and_audited(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    message = {"channel": "sms", "subject": "Your statement", "body": "Your statement is ready"}

    async def scenario() -> list[dict[str, Any]]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            first = await client.post(f"/api/calls/{customer.call_id}/reply", json=message)
            second = await client.post(f"/api/calls/{customer.call_id}/reply", json=message)
            assert (first.status, second.status) == (201, 201), await first.text()
            other = await client.post(f"/api/calls/{customer.call_id}/reply", json={**message, "body": "Another"})
            assert other.status == 201
            pop = await (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).json()
            return [await first.json(), await second.json(), await other.json(), pop]

    first, second, other, pop = run(scenario)
    assert first["id"] == second["id"] != other["id"]
    assert (first["channel"], first["status"], first["purpose"]) == ("sms", "queued", "reply")
    assert {n["id"] for n in pop["notifications"]} == {first["id"], other["id"]}
    with database.session() as session:
        rows = session.scalars(select(Notification).where(Notification.investor_id == customer.investor_id)).all()
        assert len(rows) == 2
        row = next(r for r in rows if r.id == first["id"])
        assert (row.template, row.data, row.address) == ("message", {"subject": "Your statement",
                                                                     "body": "Your statement is ready"},
                                                         "13800138000")
        assert row.key.startswith(f"desk:{customer.call_id}:")
        entries = audit.entries(session, action_prefix="desk.reply")
        assert [(e.actor, e.call_id, e.detail["notification_id"]) for e in entries] == [
            ("agent:1001", customer.call_id, first["id"]), ("agent:1001", customer.call_id, first["id"]),
            ("agent:1001", customer.call_id, other["id"])]


def test_a_fax_reply_to_a_client_without_fax_goes_by_the_replys_fallback(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)

    async def scenario() -> dict[str, Any]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            response = await client.post(f"/api/calls/{customer.call_id}/reply",
                                         json={"channel": "fax", "subject": "s", "body": "b"})
            assert response.status == 201
            return await response.json()

    queued = run(scenario)
    assert (queued["status"], queued["channel"]) == ("queued", "sms")  # no fax number, no e-mail: SMS


def test_reply_refusals(database: Database, staff: Staff) -> None:
    mine = add_customer(database, staff.agent_id)
    theirs = add_customer(database, staff.other_agent_id, name="Zhou Min", number="13900139000")
    with database.session() as session:
        unknown = calls.open_call(session, channel_id="c-unknown", caller_number="0755000", dialed_number="95555")
        calls.mark_answered(session, unknown.id, staff.agent_id)
        unknown_id = unknown.id
    good = {"channel": "email", "subject": "s", "body": "b"}

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            refused = await client.post(f"/api/calls/{theirs.call_id}/reply", json=good)
            assert refused.status == 403
            missing = await client.post("/api/calls/nosuchcall/reply", json=good)
            assert missing.status == 404
            nobody = await client.post(f"/api/calls/{unknown_id}/reply", json=good)
            assert nobody.status == 422 and "unknown number" in (await nobody.json())["error"]
            for bad, word in (({**good, "channel": "pigeon"}, "channel"), ({**good, "subject": "  "}, "subject"),
                              ({"channel": "sms", "subject": "s"}, "body"), ({**good, "body": "x" * 2001}, "body")):
                response = await client.post(f"/api/calls/{mine.call_id}/reply", json=bad)
                assert response.status == 422, bad
                assert word in (await response.json())["error"]

    run(scenario)
    with database.session() as session:
        assert session.scalars(select(Notification)).all() == []


def test_supervisors_see_notification_health_per_channel(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    now = utcnow()
    with database.session() as session:
        for n, channel in enumerate(["sms", "sms", "voice"]):
            enqueue(session, key=f"h:{n}", investor_id=customer.investor_id, purpose="reply", template="message",
                    data={"subject": "s", "body": "b"}, now=now, policy=POLICY, channel=channel)
        enqueue(session, key="h:fax", investor_id=customer.investor_id, purpose="reply", template="message",
                data={"subject": "s", "body": "b"}, now=now, policy=POLICY, chain=["fax"])  # no fax: given up

    async def scenario() -> tuple[int, dict[str, Any]]:
        async with console_client(database, FakeTelephony(), notify_senders=frozenset({"sms", "email"})) as client:
            await login(client, "1001")
            agent = (await client.get("/api/supervisor/notifications")).status
            await login(client, "9001")
            return agent, await (await client.get("/api/supervisor/notifications")).json()

    agent_status, health = run(scenario)
    assert agent_status == 403
    rows = {row["channel"]: row for row in health["channels"]}
    assert set(rows) == {"email", "sms", "voice", "fax", None}
    assert (rows["sms"]["queued"], rows["sms"]["sender"]) == (2, True)
    assert (rows["voice"]["queued"], rows["voice"]["sender"]) == (1, False)
    assert rows["email"]["queued"] == 0 and rows["email"]["sender"] is True
    assert rows[None]["given_up"] == 1
    assert {"queued", "retry", "sending", "given_up", "unknown"} <= set(rows["fax"])
