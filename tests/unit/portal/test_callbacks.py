"""Click to call on the portal: the client asks to be called now or at a time about a topic, sees the status and
cancels it until it is being made; the callback is crm_core.callbacks' (the ACD's open_due takes it at its time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from crm_core import audit, callbacks, calls
from crm_core.callbacks import CallbackRefused
from crm_core.db import Database
from crm_core.models import Callback, InvestorPhone
from crm_core.notifications.rules import NotifyPolicy
from tests.unit.console.conftest import run
from tests.unit.portal.conftest import CAUTIOUS, SENIOR, Clients, log_in, portal_client

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
ZONE = "Asia/Shanghai"


def test_client_due_is_now_or_a_time_within_two_weeks() -> None:
    assert callbacks.client_due(None, NOW) == NOW
    assert callbacks.client_due(NOW + timedelta(hours=3), NOW) == NOW + timedelta(hours=3)
    assert callbacks.client_due(NOW - timedelta(seconds=30), NOW) == NOW  # typed a moment ago: now
    for bad in (NOW - timedelta(minutes=5), NOW + timedelta(days=15)):
        with pytest.raises(CallbackRefused) as refused:
            callbacks.client_due(bad, NOW)
        assert refused.value.code == "bad_time"


def local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")


def test_call_me_at_a_time_is_one_callback_seen_and_cancelled_only_by_its_client(database: Database,
                                                                                 clients: Clients) -> None:
    with database.session() as session:
        session.add(InvestorPhone(investor_id=clients.senior_id, number="13900000001"))
    later = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    ask = {"topic": "trading", "at": local(later), "request_id": "callme-0001"}

    async def scenario() -> None:
        async with portal_client(database, notify_policy=NotifyPolicy(time_zone=ZONE)) as client:
            mine = {"X-CSRF-Token": await log_in(client, SENIOR)}
            first = await client.post("/api/callbacks", json=ask, headers=mine)
            again = await client.post("/api/callbacks", json=ask, headers=mine)  # a double click
            body = await first.json()
            assert first.status == again.status == 201, body
            assert (await again.json())["id"] == body["id"]
            assert (body["status"], body["topic"], body["at"], body["number"]) == (
                "scheduled", "trading", local(later), "*******0001")
            other = await client.post("/api/callbacks", json={**ask, "request_id": "callme-0002"}, headers=mine)
            assert other.status == 409 and (await other.json())["code"] == "already_pending"
            for bad in ({"topic": "weather"}, {"at": local(later - timedelta(hours=5))},
                        {"at": local(later + timedelta(days=20))}, {"at": "2026-02-30 10:00"}, {"at": "soon"}):
                refused = await client.post("/api/callbacks", json={**ask, **bad, "request_id": "callme-bad1"},
                                            headers=mine)
                assert refused.status == 422, bad
            listed = await (await client.get("/api/callbacks")).json()
            assert [(c["id"], c["status"], c["cancellable"]) for c in listed["callbacks"]] == [
                (body["id"], "scheduled", True)]

            theirs = {"X-CSRF-Token": await log_in(client, CAUTIOUS)}
            assert (await (await client.get("/api/callbacks")).json())["callbacks"] == []
            stolen = await client.post(f"/api/callbacks/{body['id']}/cancel", headers=theirs)
            assert stolen.status == 404
            no_number = await client.post("/api/callbacks", json=ask, headers=theirs)
            assert no_number.status == 409 and (await no_number.json())["code"] == "no_number"

            mine = {"X-CSRF-Token": await log_in(client, SENIOR)}
            no_csrf = await client.post(f"/api/callbacks/{body['id']}/cancel")
            assert no_csrf.status == 403
            cancelled = await client.post(f"/api/callbacks/{body['id']}/cancel", headers=mine)
            twice = await client.post(f"/api/callbacks/{body['id']}/cancel", headers=mine)
            assert cancelled.status == twice.status == 200
            assert (await cancelled.json())["status"] == "cancelled"
            anew = await client.post("/api/callbacks", json={**ask, "request_id": "callme-0003"}, headers=mine)
            assert anew.status == 201  # the number is free again

    run(scenario)
    with database.session() as session:
        rows = session.scalars(select(Callback).order_by(Callback.id)).all()
        assert [(r.status, r.origin, r.skill, r.agent_id, r.investor_id) for r in rows] == [
            ("cancelled", "portal", "trading", None, clients.senior_id),
            ("scheduled", "portal", "trading", None, clients.senior_id)]
        assert callbacks.open_due(session, later + timedelta(minutes=1))[0].skill == "trading"  # the ACD takes it
        actions = [e.action for e in audit.entries(session, action_prefix="callback.")]
        assert actions == ["callback.request", "callback.cancel", "callback.request"]


def test_call_me_now_is_cancellable_in_the_queue_and_no_longer_once_the_agent_is_rung(database: Database,
                                                                                     clients: Clients) -> None:
    with database.session() as session:
        session.add(InvestorPhone(investor_id=clients.cautious_id, number="13900000002"))

    async def ask(client: TestClient[Any, Any], mine: dict[str, str], request_id: str) -> tuple[int, str]:
        """Call me now, taken into the ACD's queue at once (open_due)."""
        asked = await client.post("/api/callbacks", json={"topic": "general", "request_id": request_id},
                                  headers=mine)
        assert asked.status == 201
        with database.session() as session:
            [due] = callbacks.open_due(session, datetime.now(UTC) + timedelta(seconds=1))
            assert due.number == "13900000002"
        return int((await asked.json())["id"]), due.call_id

    async def scenario() -> tuple[int, int]:
        async with portal_client(database) as client:
            mine = {"X-CSRF-Token": await log_in(client, CAUTIOUS)}
            queued, _ = await ask(client, mine, "callme-now1")
            listed = await (await client.get("/api/callbacks")).json()
            assert [(c["status"], c["cancellable"]) for c in listed["callbacks"]] == [("pending", True)]
            cancelled = await client.post(f"/api/callbacks/{queued}/cancel", headers=mine)
            assert cancelled.status == 200 and (await cancelled.json())["status"] == "cancelled"

            ringing, call_id = await ask(client, mine, "callme-now2")
            with database.session() as session:
                assert callbacks.claim_attempt(session, call_id)  # the ACD rings the agent
            late = await client.post(f"/api/callbacks/{ringing}/cancel", headers=mine)
            body = await late.json()
            assert late.status == 409 and body["code"] == "in_progress" and "calling you now" in body["error"]
            listed = await (await client.get("/api/callbacks")).json()
            assert [(c["status"], c["cancellable"]) for c in listed["callbacks"]] == [
                ("dialling", False), ("cancelled", False)]
            return queued, ringing

    queued, ringing = run(scenario)
    with database.session() as session:
        first, second = session.get(Callback, queued), session.get(Callback, ringing)
        assert first is not None and first.cancelled_by == f"investor:{clients.cautious_id}"
        assert first.cancelled_at is not None and first.call_id is not None
        assert calls.get_call(session, first.call_id).status == "abandoned"  # its call record ended, never served
        assert second is not None and second.status == "dialling" and second.cancelled_at is None
