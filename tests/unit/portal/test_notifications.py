"""Reminders, price alerts and notification preferences set by the client through the portal."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crm_core import audit
from crm_core.db import Database
from crm_core.models import ClientReminder, NotificationSubscription, PriceAlert
from crm_core.notifications.rules import NotifyPolicy
from tests.unit.console.conftest import run
from tests.unit.portal.conftest import CAUTIOUS, SENIOR, Clients, log_in, portal_client


def local_in(days: int) -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=days)).strftime("%Y-%m-%d 09:30")


def test_reminders_and_alerts_are_set_once_and_seen_only_by_their_client(database: Database,
                                                                         clients: Clients) -> None:
    at = local_in(3)
    reminder = {"at": at, "text": "subscribe to the new share", "kind": "subscription", "code": "301999",
                "channel": "sms", "request_id": "remind-0001"}
    alert = {"code": "600519", "direction": "above", "price": "1800.00", "request_id": "alert-00001"}

    async def scenario() -> None:
        async with portal_client(database, notify_policy=NotifyPolicy(time_zone="Asia/Shanghai")) as client:
            mine = {"X-CSRF-Token": await log_in(client, SENIOR)}
            first = await client.post("/api/reminders", json=reminder, headers=mine)
            again = await client.post("/api/reminders", json=reminder, headers=mine)
            assert first.status == again.status == 201
            assert (await first.json())["id"] == (await again.json())["id"]
            assert (await first.json())["at"] == at
            set_alert = await client.post("/api/price-alerts", json=alert, headers=mine)
            assert set_alert.status == 201 and (await set_alert.json())["price"] == "1800.00"
            listed = await (await client.get("/api/reminders")).json()
            assert [(r["text"], r["at"], r["channel"]) for r in listed["reminders"]] == [
                ("subscribe to the new share", at, "sms")]
            assert [(a["code"], a["direction"]) for a in listed["price_alerts"]] == [("600519", "above")]

            theirs = {"X-CSRF-Token": await log_in(client, CAUTIOUS)}
            assert await (await client.get("/api/reminders")).json() == {
                "time_zone": "Asia/Shanghai", "reminders": [], "price_alerts": []}
            same_id = await client.post("/api/reminders", json=reminder, headers=theirs)
            assert (await same_id.json())["id"] != (await first.json())["id"]  # their own, not the senior's

            for bad in ({"at": local_in(-1)}, {"at": "2026-02-30 10:00"}, {"at": "0001-01-01 00:00"},
                        {"channel": "pigeon"}, {"text": " "}):
                refused = await client.post("/api/reminders", json={**reminder, **bad, "request_id": "bad-reminder"},
                                            headers=theirs)
                assert refused.status == 422, bad
            unknown = await client.post("/api/price-alerts", json={**alert, "code": "999999"}, headers=theirs)
            assert unknown.status == 422 and "unknown security" in (await unknown.json())["error"]

    run(scenario)
    with database.session() as session:
        owners = sorted(session.scalars(select(ClientReminder.investor_id)).all())
        assert owners == sorted([clients.senior_id, clients.cautious_id])
        assert session.scalars(select(PriceAlert.investor_id)).all() == [clients.senior_id]


def test_the_client_declares_a_preferred_channel_that_the_outbox_then_uses(database: Database,
                                                                          clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            csrf = {"X-CSRF-Token": await log_in(client, CAUTIOUS)}
            before = await (await client.get("/api/preferences")).json()
            assert before["declared_channel"] is None and before["fill_reports"] == "off"
            assert before["preferred_channel"] != "email"
            changed = await client.put("/api/preferences", json={"preferred_channel": "email",
                                                                  "fill_reports": "sms"}, headers=csrf)
            body = await changed.json()
            assert changed.status == 200, body
            assert (body["preferred_channel"], body["declared_channel"], body["fill_reports"]) == (
                "email", "email", "sms")
            off = await (await client.put("/api/preferences", json={"fill_reports": "off"}, headers=csrf)).json()
            assert off["fill_reports"] == "off" and off["preferred_channel"] == "email"
            for bad in ({}, {"preferred_channel": "wechat"}, {"fill_reports": "pigeon"}):
                assert (await client.put("/api/preferences", json=bad, headers=csrf)).status == 422, bad

    run(scenario)
    with database.session() as session:
        assert session.scalars(select(NotificationSubscription)).all() == []
        changes = [(e.action, e.outcome) for e in audit.entries(session, action_prefix="preferences")]
        assert changes == [("preferences.fill_reports", "sms"), ("preferences.preferred_channel", "email"),
                           ("preferences.fill_reports", "off")]
